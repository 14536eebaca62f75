//! The account attributes both data sources show, declared once: `acronis_user` has them at
//! the top level, `acronis_users` in each element of `users`.

use crate::tfproto::schema::{Attribute, Mode, Type};

pub const LOGIN: Attribute =
    Attribute::new("login", Type::String, Mode::Computed, "The login name.");

pub const EMAIL: Attribute = Attribute::new(
    "email",
    Type::String,
    Mode::Computed,
    "The contact email address.",
);

pub const FIRST_NAME: Attribute = Attribute::new(
    "first_name",
    Type::String,
    Mode::Computed,
    "The contact's first name.",
);

pub const LAST_NAME: Attribute = Attribute::new(
    "last_name",
    Type::String,
    Mode::Computed,
    "The contact's last name.",
);

pub const ENABLED: Attribute = Attribute::new(
    "enabled",
    Type::Bool,
    Mode::Computed,
    "Whether the account is enabled.",
);

pub const VERSION: Attribute = Attribute::new(
    "version",
    Type::Number,
    Mode::Computed,
    "The account's revision number.",
);
