//! `#[derive(Identity)]`: a resource identity's schema and attribute names.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Expr};

use crate::schema::{fields, name_constants};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut version: Option<Expr> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("identity")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("version") {
                version = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("unknown identity option"))
            }
        })?;
    }
    let version = version.ok_or_else(|| {
        syn::Error::new_spanned(input, "an identity needs #[identity(version = N)]")
    })?;
    let fields = fields(input)?;
    if let Some(f) = fields.iter().find(|f| {
        f.mode.is_some()
            || f.sensitive
            || f.use_state_for_unknown
            || f.requires_replace
            || f.default.is_some()
    }) {
        return Err(syn::Error::new_spanned(
            &f.ident,
            "an identity attribute takes only a description and required_for_import",
        ));
    }
    let ident = &input.ident;
    let attributes = fields.iter().map(|f| {
        let ty = &f.ty;
        let constant = f.constant();
        let description = &f.description;
        let required = f.required_for_import;
        quote! {
            crate::tfproto::schema::IdentityAttribute {
                name: #ident::#constant,
                ty: <#ty as crate::framework::AttributeType>::TYPE,
                required_for_import: #required,
                description: #description,
            }
        }
    });
    let names = name_constants(input, fields.iter());
    Ok(quote! {
        impl crate::framework::IdentitySchema for #ident {
            fn identity_schema() -> &'static crate::tfproto::schema::IdentitySchemaDef {
                const IDENTITY: crate::tfproto::schema::IdentitySchemaDef =
                    crate::tfproto::schema::IdentitySchemaDef {
                        version: #version,
                        attributes: &[#(#attributes),*],
                    };
                &IDENTITY
            }
        }
        #names
    })
}
