//! Derives for the provider's typed models: each attribute is declared once, on its field, and
//! the schema, the attribute-name constants and the plan rules are generated from it.
//!
//! The generated code names the provider crate's own items (`crate::framework`,
//! `crate::tfproto::schema`), so these derives serve that crate only.

mod choice;
mod field;
mod identity;
mod schema;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// A model's schema from its fields' `#[attr(...)]`: `Attributes`, a constant per attribute
/// name, `Schema` with `#[schema(version = N, description = "...")]`, and `PlanRules` with
/// `#[schema(resource, ...)]`. See the framework's `schema` module for the field options.
#[proc_macro_derive(Schema, attributes(schema, attr))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    schema::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A resource identity's schema from its fields' `#[attr(...)]` and `#[identity(version = N)]`.
#[proc_macro_derive(Identity, attributes(identity, attr))]
pub fn derive_identity(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    identity::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A string attribute's closed set of values, from a fieldless enum: each variant is its name in
/// lowercase (or `#[choice("...")]`), serialized as that string.
#[proc_macro_derive(Choice, attributes(choice))]
pub fn derive_choice(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    choice::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
