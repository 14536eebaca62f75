//! One real Terraform session against the recording simulator: an apply that disables two
//! accounts and reads an account and a tenant with its unit through the data sources, then a
//! refresh-only apply whose reads share batch calls. Its traffic is the provider's as users run it.

use acronis_sim::{Exchange, Simulator};

use crate::drive::{self, ALICE, BOB, CAROL, CUSTOMER};
use crate::support::{simulator, user, Workspace};

/// The configuration the session applies.
fn config() -> String {
    format!(
        r#"
resource "acronis_user_status" "alice" {{
  user_id = "{ALICE}"
  enabled = false
}}

resource "acronis_user_status" "bob" {{
  user_id = "{BOB}"
  enabled = true
}}

data "acronis_user" "carol" {{
  id = "{CAROL}"
}}

data "acronis_users" "customer" {{
  tenant_id             = "{CUSTOMER}"
  include_child_tenants = true
}}

output "customer_users" {{ value = length(data.acronis_users.customer.users) }}
"#
    )
}

/// Runs the session; returns the simulator and the traffic it recorded.
pub fn session() -> (Simulator, Vec<Exchange>) {
    let sim = simulator(vec![
        user(ALICE, "alice", true),
        user(BOB, "bob", false),
        user(CAROL, "carol", true),
    ]);
    drive::seed(&sim);
    sim.record_traffic();
    let ws = Workspace::new(&sim);
    ws.config(&config());
    ws.apply().assert_no_provider_fault().assert_success();
    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .assert_no_provider_fault()
        .assert_success();
    let traffic = sim.traffic();
    (sim, traffic)
}
