//! The descriptions of the account attributes both data sources show, written once:
//! `acronis_user` has them at the top level, `acronis_users` in each element of `users`.

pub const LOGIN: &str = "The login name.";
pub const EMAIL: &str = "The contact email address.";
pub const FIRST_NAME: &str = "The contact's first name.";
pub const LAST_NAME: &str = "The contact's last name.";
pub const ENABLED: &str = "Whether the account is enabled.";
pub const VERSION: &str = "The account's revision number.";
