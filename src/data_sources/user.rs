//! `acronis_user`: reads one account by id, for outputs and `for_each` pipelines.

use crate::acronis::{AcronisClient, User};
use crate::provider::errors::api_error;
use crate::resources::user_status::check_user_id;
use crate::tfplugin::schema::{Attribute, Mode, SchemaDef, Type};
use crate::tfplugin::{Diagnostic, Diagnostics, Value};

pub const TYPE_NAME: &str = "acronis_user";

pub const SCHEMA: SchemaDef = SchemaDef {
    version: 0,
    description: "Reads one Acronis user account by its id.",
    attributes: &[
        Attribute::new(
            "id",
            Type::String,
            Mode::Required,
            "The id of the user account (a lowercase UUID).",
        ),
        Attribute::new("login", Type::String, Mode::Computed, "The login name."),
        Attribute::new(
            "email",
            Type::String,
            Mode::Computed,
            "The contact email address.",
        ),
        Attribute::new(
            "first_name",
            Type::String,
            Mode::Computed,
            "The contact's first name.",
        ),
        Attribute::new(
            "last_name",
            Type::String,
            Mode::Computed,
            "The contact's last name.",
        ),
        Attribute::new(
            "tenant_id",
            Type::String,
            Mode::Computed,
            "The id of the tenant the user belongs to.",
        ),
        Attribute::new(
            "enabled",
            Type::Bool,
            Mode::Computed,
            "Whether the account is enabled.",
        ),
        Attribute::new(
            "activated",
            Type::Bool,
            Mode::Computed,
            "Whether the user has activated the account.",
        ),
        Attribute::new(
            "version",
            Type::Number,
            Mode::Computed,
            "The account's revision number.",
        ),
        Attribute::new(
            "mfa_status",
            Type::String,
            Mode::Computed,
            "The account's multi-factor authentication status.",
        ),
        Attribute::new(
            "created_at",
            Type::String,
            Mode::Computed,
            "When the account was created (RFC 3339).",
        ),
    ],
};

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = SCHEMA.check_read_only(config);
    if let Some(d) = config.get("id").as_str().and_then(check_user_id) {
        diags.push(d.at("id"));
    }
    diags
}

pub async fn read(client: &AcronisClient, config: &Value) -> Result<Value, Diagnostics> {
    let Some(id) = config.get("id").as_str() else {
        return Err(Diagnostic::error(
            "Missing id",
            "The id of the user must be known to read it.",
        )
        .at("id")
        .into());
    };
    if let Some(d) = check_user_id(id) {
        return Err(d.at("id").into());
    }
    match client.get_user(id).await {
        Ok(user) => Ok(state_of(id, &user)),
        Err(e) if e.is_not_found() => Err(Diagnostic::error(
            format!("User {id} not found"),
            format!("No user with id {id} exists (or it was deleted)."),
        )
        .at("id")
        .into()),
        Err(e) => Err(api_error("Could not read the user", &e).into()),
    }
}

fn state_of(id: &str, user: &User) -> Value {
    Value::object([
        ("id", Value::from(id)),
        ("login", Value::opt_string(user.login.clone())),
        ("email", Value::opt_string(user.contact.email.clone())),
        (
            "first_name",
            Value::opt_string(user.contact.firstname.clone()),
        ),
        (
            "last_name",
            Value::opt_string(user.contact.lastname.clone()),
        ),
        ("tenant_id", Value::opt_string(user.tenant_id.clone())),
        ("enabled", Value::from(user.enabled)),
        ("activated", user.activated.map_or(Value::Null, Value::from)),
        ("version", Value::from(user.version)),
        ("mfa_status", Value::opt_string(user.mfa_status.clone())),
        ("created_at", Value::opt_string(user.created_at.clone())),
    ])
}
