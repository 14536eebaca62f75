//! One field's `#[attr(...)]`: its mode, description, sensitivity and plan rules.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Expr, Field, Ident, Type};

/// How an attribute is set, as `crate::tfproto::schema::Mode` names it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    Computed,
    OptionalComputed,
}

impl Mode {
    pub fn tokens(self) -> TokenStream {
        match self {
            Mode::Required => quote!(Required),
            Mode::Optional => quote!(Optional),
            Mode::Computed => quote!(Computed),
            Mode::OptionalComputed => quote!(OptionalComputed),
        }
    }
}

/// A field and what its `#[attr(...)]` says.
pub struct AttrField {
    pub ident: Ident,
    pub ty: Type,
    /// `None` when no mode is written: right for an identity, an error for a schema.
    pub mode: Option<Mode>,
    pub description: Expr,
    pub sensitive: bool,
    pub required_for_import: bool,
    /// Keep the prior value in a plan unless the object is new or replaced.
    pub use_state_for_unknown: bool,
    pub requires_replace: bool,
    pub default: Option<Expr>,
}

impl AttrField {
    /// The attribute's name in Terraform: the field's name.
    pub fn name(&self) -> String {
        self.ident.to_string()
    }

    /// The associated constant holding the name, e.g. `USER_ID`.
    pub fn constant(&self) -> Ident {
        format_ident!("{}", self.name().to_uppercase())
    }

    pub fn parse(field: &Field) -> syn::Result<AttrField> {
        let ident = field
            .ident
            .clone()
            .ok_or_else(|| syn::Error::new(Span::call_site(), "fields must be named"))?;
        let attr = field
            .attrs
            .iter()
            .find(|a| a.path().is_ident("attr"))
            .ok_or_else(|| syn::Error::new_spanned(&ident, "every field needs #[attr(...)]"))?;
        let mut parsed = AttrField {
            ident: ident.clone(),
            ty: field.ty.clone(),
            mode: None,
            description: syn::parse_quote!(""),
            sensitive: false,
            required_for_import: false,
            use_state_for_unknown: false,
            requires_replace: false,
            default: None,
        };
        let mut described = false;
        attr.parse_nested_meta(|meta| {
            let mut set_mode = |m| {
                if parsed.mode.replace(m).is_some() {
                    Err(meta.error("one mode per attribute"))
                } else {
                    Ok(())
                }
            };
            if meta.path.is_ident("required") {
                set_mode(Mode::Required)
            } else if meta.path.is_ident("optional") {
                set_mode(Mode::Optional)
            } else if meta.path.is_ident("computed") {
                set_mode(Mode::Computed)
            } else if meta.path.is_ident("optional_computed") {
                set_mode(Mode::OptionalComputed)
            } else if meta.path.is_ident("sensitive") {
                parsed.sensitive = true;
                Ok(())
            } else if meta.path.is_ident("required_for_import") {
                parsed.required_for_import = true;
                Ok(())
            } else if meta.path.is_ident("use_state_for_unknown") {
                parsed.use_state_for_unknown = true;
                Ok(())
            } else if meta.path.is_ident("requires_replace") {
                parsed.requires_replace = true;
                Ok(())
            } else if meta.path.is_ident("default") {
                parsed.default = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("description") {
                parsed.description = meta.value()?.parse()?;
                described = true;
                Ok(())
            } else {
                Err(meta.error("unknown attribute option"))
            }
        })?;
        if !described {
            return Err(syn::Error::new_spanned(
                &ident,
                "an attribute needs a description",
            ));
        }
        if parsed.default.is_some() && parsed.mode != Some(Mode::OptionalComputed) {
            return Err(syn::Error::new_spanned(
                &ident,
                "a default needs an optional_computed attribute",
            ));
        }
        Ok(parsed)
    }
}
