//! The derives' own rules, read from what they expand to: the constants and schema pieces a
//! model gets, and the compile errors a malformed model gets instead. What the generated code
//! does at run time is the framework's tests' business.

use proc_macro2::TokenStream;
use syn::{parse_quote, DeriveInput, Expr, ImplItem, Item, Lit};

/// The expansion parsed as a file, so tests read items rather than token spelling.
fn expanded(result: syn::Result<TokenStream>) -> syn::File {
    let tokens = result.unwrap_or_else(|e| panic!("the derive refused the model: {e}"));
    syn::parse2(tokens).expect("the expansion parses as items")
}

fn refused(result: syn::Result<TokenStream>) -> String {
    match result {
        Ok(tokens) => panic!("the derive accepted the model: {tokens}"),
        Err(e) => e.to_string(),
    }
}

/// The last segment of the trait each `impl Trait for ...` implements; "" for inherent impls.
fn implemented(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i) => Some(
                i.trait_
                    .as_ref()
                    .and_then(|(_, path, _)| path.segments.last())
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default(),
            ),
            _ => None,
        })
        .collect()
}

/// The value expression of the associated constant `name`, wherever it is defined.
fn constant<'f>(file: &'f syn::File, name: &str) -> Option<&'f Expr> {
    file.items.iter().find_map(|item| match item {
        Item::Impl(i) => i.items.iter().find_map(|it| match it {
            ImplItem::Const(c) if c.ident == name => Some(&c.expr),
            _ => None,
        }),
        _ => None,
    })
}

/// The string literals and the last path segments in `expr`, in order: enough to read
/// `"user_id"`, `&["a", "b"]` and `&[Model::USER_ID]`.
fn words(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(s) => vec![s.value()],
            _ => Vec::new(),
        },
        Expr::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| vec![s.ident.to_string()])
            .unwrap_or_default(),
        Expr::Reference(r) => words(&r.expr),
        Expr::Array(a) => a.elems.iter().flat_map(words).collect(),
        _ => Vec::new(),
    }
}

fn constant_words(file: &syn::File, name: &str) -> Vec<String> {
    words(constant(file, name).unwrap_or_else(|| panic!("no constant {name}")))
}

/// The tokens of the constant `name` without whitespace, for reading generated calls.
fn constant_text(file: &syn::File, name: &str) -> String {
    let expr = constant(file, name).unwrap_or_else(|| panic!("no constant {name}"));
    quote::quote!(#expr).to_string().replace(' ', "")
}

fn resource_model() -> DeriveInput {
    parse_quote! {
        #[schema(resource, version = 2, description = "A model.")]
        struct Model {
            #[attr(required, requires_replace, description = "Whose.")]
            user_id: Field<String>,
            #[attr(optional_computed, default = Choice::Keep, description = "What then.")]
            on_destroy: Field<Choice>,
            #[attr(computed, use_state_for_unknown, description = "Its id.")]
            id: Field<String>,
            #[attr(optional, sensitive, description = "A secret.")]
            token: Field<String>,
        }
    }
}

#[test]
fn a_resource_model_gets_names_attributes_schema_and_plan_rules() {
    let file = expanded(crate::schema::expand(&resource_model()));
    let mut traits = implemented(&file);
    traits.sort();
    assert_eq!(traits, ["", "Attributes", "PlanRules", "Schema"]);
    for (constant, name) in [
        ("USER_ID", "user_id"),
        ("ON_DESTROY", "on_destroy"),
        ("ID", "id"),
        ("TOKEN", "token"),
    ] {
        assert_eq!(constant_words(&file, constant), [name]);
    }
    assert_eq!(constant_words(&file, "REQUIRES_REPLACE"), ["USER_ID"]);

    let attributes = constant_text(&file, "ATTRIBUTES");
    let order: Vec<usize> = [
        "Model::USER_ID",
        "Model::ON_DESTROY",
        "Model::ID",
        "Model::TOKEN",
    ]
    .iter()
    .map(|c| {
        attributes
            .find(c)
            .unwrap_or_else(|| panic!("{c} in {attributes}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{attributes}");
    for mode in ["Required", "OptionalComputed", "Computed", "Optional"] {
        assert!(
            attributes.contains(&format!("schema::Mode::{mode},")),
            "{mode} in {attributes}"
        );
    }
    assert_eq!(
        attributes.matches(".sensitive()").count(),
        1,
        "{attributes}"
    );
}

#[test]
fn without_the_resource_flag_there_are_no_plan_rules_and_without_a_version_no_schema() {
    let data_source: DeriveInput = parse_quote! {
        #[schema(version = 0, description = "Reads.")]
        struct Read {
            #[attr(required, description = "Which.")]
            tenant_id: Field<String>,
        }
    };
    let mut traits = implemented(&expanded(crate::schema::expand(&data_source)));
    traits.sort();
    assert_eq!(traits, ["", "Attributes", "Schema"]);

    let nested: DeriveInput = parse_quote! {
        struct Block {
            #[attr(optional, description = "A part.")]
            part: Field<String>,
        }
    };
    let mut traits = implemented(&expanded(crate::schema::expand(&nested)));
    traits.sort();
    assert_eq!(traits, ["", "Attributes"]);
}

#[test]
fn a_schema_field_without_a_mode_is_refused() {
    let model: DeriveInput = parse_quote! {
        struct Model {
            #[attr(description = "No mode.")]
            version: Field<i64>,
        }
    };
    let error = refused(crate::schema::expand(&model));
    assert!(error.contains("needs a mode"), "{error}");
}

#[test]
fn names_that_differ_only_by_case_are_refused() {
    let model: DeriveInput = parse_quote! {
        struct Model {
            #[attr(required, description = "One.")]
            user_id: Field<String>,
            #[attr(optional, description = "Two.")]
            User_Id: Field<String>,
        }
    };
    let error = refused(crate::schema::expand(&model));
    assert!(
        error.contains("`user_id` and `User_Id` would both be the constant USER_ID"),
        "{error}"
    );
}

#[test]
fn malformed_attributes_are_refused_with_the_reason() {
    let cases: [(DeriveInput, &str); 6] = [
        (
            parse_quote!(
                struct M {
                    #[attr(required)]
                    a: Field<String>,
                }
            ),
            "needs a description",
        ),
        (
            parse_quote!(
                struct M {
                    #[attr(required, optional, description = "x")]
                    a: Field<String>,
                }
            ),
            "one mode per attribute",
        ),
        (
            parse_quote!(
                struct M {
                    #[attr(optional, default = 1, description = "x")]
                    a: Field<i64>,
                }
            ),
            "a default needs an optional_computed attribute",
        ),
        (
            parse_quote!(
                struct M {
                    #[attr(required, secret, description = "x")]
                    a: Field<String>,
                }
            ),
            "unknown attribute option",
        ),
        (
            parse_quote!(
                struct M {
                    a: Field<String>,
                }
            ),
            "every field needs #[attr(...)]",
        ),
        (
            parse_quote!(
                struct M {
                    #[attr(required, required_for_import, description = "x")]
                    a: Field<String>,
                }
            ),
            "required_for_import belongs to an identity",
        ),
    ];
    for (model, reason) in cases {
        let error = refused(crate::schema::expand(&model));
        assert!(error.contains(reason), "{reason:?} in {error:?}");
    }
}

#[test]
fn a_schema_needs_both_its_version_and_its_description() {
    let model: DeriveInput = parse_quote! {
        #[schema(version = 1)]
        struct M { #[attr(required, description = "x")] a: Field<String> }
    };
    let error = refused(crate::schema::expand(&model));
    assert!(
        error.contains("both a version and a description"),
        "{error}"
    );
}

#[test]
fn an_identity_gets_its_schema_and_names_and_takes_no_modes() {
    let identity: DeriveInput = parse_quote! {
        #[identity(version = 0)]
        struct Who {
            #[attr(required_for_import, description = "The account.")]
            user_id: Field<String>,
        }
    };
    let file = expanded(crate::identity::expand(&identity));
    let mut traits = implemented(&file);
    traits.sort();
    assert_eq!(traits, ["", "IdentitySchema"]);
    assert_eq!(constant_words(&file, "USER_ID"), ["user_id"]);

    let with_mode: DeriveInput = parse_quote! {
        #[identity(version = 0)]
        struct Who { #[attr(required, description = "x")] user_id: Field<String> }
    };
    let error = refused(crate::identity::expand(&with_mode));
    assert!(
        error.contains("only a description and required_for_import"),
        "{error}"
    );

    let unversioned: DeriveInput = parse_quote! {
        struct Who { #[attr(description = "x")] user_id: Field<String> }
    };
    let error = refused(crate::identity::expand(&unversioned));
    assert!(error.contains("#[identity(version = N)]"), "{error}");
}

#[test]
fn a_choice_is_spelled_in_lowercase_unless_named() {
    let choice: DeriveInput = parse_quote! {
        enum OnDestroy {
            Delete,
            #[choice("leave-disabled")]
            Disable,
        }
    };
    let file = expanded(crate::choice::expand(&choice));
    assert_eq!(
        constant_words(&file, "VALUES"),
        ["delete", "leave-disabled"]
    );

    let with_fields: DeriveInput = parse_quote!(
        enum E {
            A(u8),
        }
    );
    let error = refused(crate::choice::expand(&with_fields));
    assert!(error.contains("a choice has no fields"), "{error}");

    let a_struct: DeriveInput = parse_quote!(
        struct S;
    );
    let error = refused(crate::choice::expand(&a_struct));
    assert!(error.contains("a choice is an enum"), "{error}");
}
