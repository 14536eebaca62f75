//! `#[derive(Schema)]`: the attributes, their name constants, the whole schema and the plan
//! rules of a model.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Expr, Fields};

use crate::field::{AttrField, Mode};

/// What `#[schema(...)]` on the struct says.
#[derive(Default)]
struct Container {
    version: Option<Expr>,
    description: Option<Expr>,
    resource: bool,
}

fn container(input: &DeriveInput) -> syn::Result<Container> {
    let mut c = Container::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("schema")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("version") {
                c.version = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("description") {
                c.description = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("resource") {
                c.resource = true;
            } else {
                return Err(meta.error("unknown schema option"));
            }
            Ok(())
        })?;
    }
    Ok(c)
}

/// The named fields of a struct, each with its `#[attr(...)]`; two names that would make the
/// same constant (they differ only by case) are refused.
pub fn fields(input: &DeriveInput) -> syn::Result<Vec<AttrField>> {
    let fields: Vec<AttrField> = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named.named.iter().map(AttrField::parse).collect(),
            _ => Err(syn::Error::new_spanned(input, "a model has named fields")),
        },
        _ => Err(syn::Error::new_spanned(input, "a model is a struct")),
    }?;
    for (i, later) in fields.iter().enumerate() {
        if let Some(earlier) = fields[..i]
            .iter()
            .find(|f| f.constant() == later.constant())
        {
            return Err(syn::Error::new_spanned(
                &later.ident,
                format!(
                    "`{}` and `{}` would both be the constant {}",
                    earlier.name(),
                    later.name(),
                    later.constant()
                ),
            ));
        }
    }
    Ok(fields)
}

/// The fields of a schema, each with a mode and no identity-only option.
fn schema_fields(input: &DeriveInput) -> syn::Result<Vec<(AttrField, Mode)>> {
    fields(input)?
        .into_iter()
        .map(|f| {
            if f.required_for_import {
                return Err(syn::Error::new_spanned(
                    &f.ident,
                    "required_for_import belongs to an identity, not a schema",
                ));
            }
            match f.mode {
                Some(mode) => Ok((f, mode)),
                None => Err(syn::Error::new_spanned(
                    &f.ident,
                    "an attribute needs a mode: required, optional, computed or optional_computed",
                )),
            }
        })
        .collect()
}

/// The `pub const NAME: &str = "name";` of every attribute.
pub fn name_constants<'a>(
    input: &DeriveInput,
    fields: impl Iterator<Item = &'a AttrField>,
) -> TokenStream {
    let ident = &input.ident;
    let constants = fields.map(|f| {
        let constant = f.constant();
        let name = f.name();
        let doc = format!("The attribute name `{name}`.");
        quote!(#[doc = #doc] pub const #constant: &'static str = #name;)
    });
    quote!(impl #ident { #(#constants)* })
}

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let c = container(input)?;
    let fields = schema_fields(input)?;
    let ident = &input.ident;
    let attributes = fields.iter().map(|(f, mode)| {
        let ty = &f.ty;
        let constant = f.constant();
        let mode = mode.tokens();
        let description = &f.description;
        let sensitive = f.sensitive.then(|| quote!(.sensitive()));
        quote! {
            crate::tfproto::schema::Attribute::new(
                #ident::#constant,
                <#ty as crate::framework::AttributeType>::TYPE,
                crate::tfproto::schema::Mode::#mode,
                #description,
            )
            .choices(<#ty as crate::framework::AttributeType>::CHOICES)
            #sensitive
        }
    });
    let names = name_constants(input, fields.iter().map(|(f, _)| f));
    let schema = match (&c.version, &c.description) {
        (Some(version), Some(description)) => quote! {
            impl crate::framework::Schema for #ident {
                fn schema() -> &'static crate::tfproto::schema::SchemaDef {
                    const SCHEMA: crate::tfproto::schema::SchemaDef =
                        crate::tfproto::schema::SchemaDef {
                            version: #version,
                            description: #description,
                            attributes: <#ident as crate::framework::Attributes>::ATTRIBUTES,
                        };
                    &SCHEMA
                }
            }
        },
        (None, None) => TokenStream::new(),
        _ => {
            return Err(syn::Error::new_spanned(
                input,
                "a schema needs both a version and a description",
            ))
        }
    };
    let plan = if c.resource {
        plan_rules(input, &fields)
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        impl crate::framework::Attributes for #ident {
            const ATTRIBUTES: &'static [crate::tfproto::schema::Attribute] = &[#(#attributes),*];
        }
        #names
        #schema
        #plan
    })
}

/// `PlanRules`: attributes set by configuration follow it (or their default), a change of a
/// `requires_replace` one replaces the object, and computed ones are unknown unless the prior
/// value can stand (`use_state_for_unknown`, or nothing changed).
fn plan_rules(input: &DeriveInput, fields: &[(AttrField, Mode)]) -> TokenStream {
    let ident = &input.ident;
    let (computed, configured): (Vec<&(AttrField, Mode)>, Vec<_>) =
        fields.iter().partition(|(_, mode)| *mode == Mode::Computed);
    let from_config = configured.iter().map(|(f, mode)| {
        let field = &f.ident;
        match (&f.default, mode) {
            (Some(default), _) => {
                quote!(let #field = config.#field.clone().or_default_to(#default);)
            }
            (None, Mode::OptionalComputed) => quote! {
                let #field = match (&config.#field, prior) {
                    (crate::framework::Field::Null, Some(prior)) => prior.#field.clone(),
                    (crate::framework::Field::Null, None) => crate::framework::Field::Unknown,
                    (value, _) => value.clone(),
                };
            },
            (None, _) => quote!(let #field = config.#field.clone();),
        }
    });
    let compared = configured.iter().map(|(f, _)| {
        let field = &f.ident;
        let constant = f.constant();
        quote!(if prior.#field != planned.#field { changes.push(#ident::#constant); })
    });
    let replacing = fields
        .iter()
        .filter(|(f, _)| f.requires_replace)
        .map(|(f, _)| {
            let constant = f.constant();
            quote!(#ident::#constant)
        });
    let computed = computed.iter().map(|(f, _)| {
        let field = &f.ident;
        let keep = if f.use_state_for_unknown {
            quote!(true)
        } else {
            quote!(changes.is_empty())
        };
        quote! {
            let #field = match prior {
                Some(prior) if !replaced && #keep => prior.#field.clone(),
                _ => crate::framework::Field::Unknown,
            };
        }
    });
    let compared_locals = configured.iter().map(|(f, _)| {
        let field = &f.ident;
        let constant = f.constant();
        quote!(if prior.#field != #field { changes.push(#ident::#constant); })
    });
    let all = fields.iter().map(|(f, _)| &f.ident);
    quote! {
        impl crate::framework::PlanRules for #ident {
            const REQUIRES_REPLACE: &'static [&'static str] = &[#(#replacing),*];

            fn changes(prior: &Self, planned: &Self) -> crate::framework::Changes {
                let mut changes = crate::framework::Changes::default();
                #(#compared)*
                changes
            }

            fn planned(prior: Option<&Self>, config: &Self) -> crate::framework::Planned<Self> {
                #(#from_config)*
                let mut changes = crate::framework::Changes::default();
                if let Some(prior) = prior {
                    #(#compared_locals)*
                }
                let requires_replace = changes.among(Self::REQUIRES_REPLACE);
                let replaced = !requires_replace.is_empty();
                #(#computed)*
                crate::framework::Planned {
                    state: Self { #(#all),* },
                    changes,
                    requires_replace,
                }
            }
        }
    }
}
