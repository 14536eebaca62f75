//! `#[derive(Choice)]`: a string attribute's allowed values as a fieldless enum.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "a choice is an enum"));
    };
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new_spanned(variant, "a choice has no fields"));
        }
        let spelled = match variant.attrs.iter().find(|a| a.path().is_ident("choice")) {
            Some(attr) => attr.parse_args::<LitStr>()?.value(),
            None => variant.ident.to_string().to_lowercase(),
        };
        variants.push((&variant.ident, spelled));
    }
    let ident = &input.ident;
    let values = variants.iter().map(|(_, s)| s);
    let to_str = variants.iter().map(|(v, s)| quote!(#ident::#v => #s));
    let from_str = variants.iter().map(|(v, s)| quote!(#s => Some(#ident::#v)));
    Ok(quote! {
        impl crate::framework::Choice for #ident {
            const VALUES: &'static [&'static str] = &[#(#values),*];

            fn as_str(self) -> &'static str {
                match self { #(#to_str),* }
            }

            fn parse(value: &str) -> Option<Self> {
                match value { #(#from_str,)* _ => None }
            }
        }

        impl crate::framework::AttributeType for #ident {
            const TYPE: crate::tfproto::schema::Type = crate::tfproto::schema::Type::String;
            const CHOICES: &'static [&'static str] =
                <#ident as crate::framework::Choice>::VALUES;
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(crate::framework::Choice::as_str(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                <#ident as crate::framework::Choice>::parse(&value).ok_or_else(|| {
                    serde::de::Error::unknown_variant(
                        &value,
                        <#ident as crate::framework::Choice>::VALUES,
                    )
                })
            }
        }
    })
}
