//! Integration tests of the simulator over real HTTP: one test binary, one module per area.

mod admin;
mod binary;
mod client;
mod faults;
mod lifecycle;
mod tenants;
mod token;
mod users;

use acronis_sim::{SeedUser, SimConfig, Simulator};

/// The id of the user most tests start with.
pub const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
/// An id no user has.
pub const NOBODY: &str = "00000000-0000-4000-8000-00000000dead";

/// A simulator holding one enabled user, `alice` (version 1).
pub fn sim_with_alice() -> Simulator {
    Simulator::start(SimConfig {
        users: vec![SeedUser {
            email: Some("alice@corp.example".to_owned()),
            first_name: Some("Alice".to_owned()),
            last_name: Some("Liddell".to_owned()),
            ..SeedUser::new("alice").with_id(ALICE)
        }],
        ..SimConfig::default()
    })
    .expect("simulator starts")
}

/// `/api/2/users/{id}`.
pub fn user_path(id: &str) -> String {
    format!("/api/2/users/{id}")
}
