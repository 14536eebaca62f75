//! The `acronis_user` and `acronis_tenant` data sources with real Terraform: every attribute
//! read from the account or tenant, usable in outputs and `for_each`; an unknown tenant is an
//! error naming it.

mod support;
use acronis_sim::{SeedTenant, TenantKind};
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const MARY: &str = "5d1f3b7a-8c2e-4f6a-9b0d-1e2f3a4b5c6d";

#[test]
fn reads_every_attribute_of_an_account() {
    let sim = simulator(vec![SeedUser {
        id: Some(JOHN.into()),
        login: "john".into(),
        enabled: false,
        activated: false,
        email: Some("john@example.com".into()),
        first_name: Some("John".into()),
        last_name: Some("Smith".into()),
        ..SeedUser::default()
    }]);
    let truth = sim.user(JOHN).expect("user");
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "data \"acronis_user\" \"john\" {{\n  id = \"{JOHN}\"\n}}\noutput \"john\" {{ value = data.acronis_user.john }}\n"
    ));
    ws.apply().assert_success();
    let john = ws.output("john");
    assert_eq!(john["id"], JOHN);
    assert_eq!(john["login"], "john");
    assert_eq!(john["email"], "john@example.com");
    assert_eq!(john["first_name"], "John");
    assert_eq!(john["last_name"], "Smith");
    assert_eq!(john["tenant_id"], truth["tenant_id"]);
    assert_eq!(john["enabled"], false);
    assert_eq!(
        truth["activated"], false,
        "the seed is an account not yet activated"
    );
    assert_eq!(john["activated"], false);
    assert_eq!(john["version"], truth["version"]);
    assert_eq!(john["mfa_status"], truth["mfa_status"]);
    assert_eq!(john["created_at"], truth["created_at"]);
    assert_eq!(sim.calls().put_user, 0, "a data source changes nothing");
}

#[test]
fn feeds_for_each_pipelines() {
    let sim = simulator(vec![user(JOHN, "john", true), user(MARY, "mary", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "data \"acronis_user\" \"staff\" {{\n  for_each = toset([\"{JOHN}\", \"{MARY}\"])\n  id = each.value\n}}\n\
         resource \"acronis_user_status\" \"staff\" {{\n  for_each = data.acronis_user.staff\n  user_id = each.value.id\n  enabled = each.value.login != \"mary\"\n}}\n"
    ));
    ws.apply().assert_success();
    assert!(truth(&sim, JOHN).0);
    assert!(!truth(&sim, MARY).0);
    assert_eq!(ws.plan(&[]).code, 0);
}

const CUSTOMER: &str = "3f9a1c2e-8b7d-4e6f-a5c4-d3b2a1f0e9d8";
const UNIT: &str = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

fn tenant_config(name: &str, id: &str) -> String {
    format!(
        "data \"acronis_tenant\" \"{name}\" {{\n  tenant_id = \"{id}\"\n}}\noutput \"{name}\" {{ value = data.acronis_tenant.{name} }}\n"
    )
}

#[test]
fn reads_every_attribute_of_a_tenant() {
    let sim = simulator(Vec::new());
    sim.seed_tenant(SeedTenant {
        kind: Some(TenantKind::Customer),
        name: Some("Acme".into()),
        ..SeedTenant::new(CUSTOMER, 1)
    });
    sim.seed_tenant(SeedTenant {
        parent_id: Some(CUSTOMER.into()),
        kind: Some(TenantKind::Unit),
        ..SeedTenant::new(UNIT, 0)
    });
    let truth = sim.tenant(UNIT).expect("tenant");
    let ws = Workspace::new(&sim);
    ws.config(&(tenant_config("customer", CUSTOMER) + &tenant_config("unit", UNIT)));
    ws.apply().assert_success();
    let customer = ws.output("customer");
    assert_eq!(customer["tenant_id"], CUSTOMER);
    assert_eq!(customer["name"], "Acme");
    assert_eq!(customer["kind"], "customer");
    assert_eq!(customer["enabled"], true);
    let unit = ws.output("unit");
    assert_eq!(unit["kind"], "unit");
    assert_eq!(unit["parent_id"], CUSTOMER);
    assert_eq!(unit["name"], truth["name"]);
    assert_eq!(unit["version"], truth["version"]);
    assert_eq!(
        sim.calls().get_tenant,
        2,
        "one GET /tenants/{{id}} per tenant"
    );
}

#[test]
fn an_unknown_tenant_is_an_error_naming_it() {
    let sim = simulator(Vec::new());
    let ws = Workspace::new(&sim);
    ws.config(&tenant_config("gone", CUSTOMER));
    ws.plan(&[])
        .assert_failure_containing(&format!("Tenant {CUSTOMER} not found"))
        .assert_failure_containing("No tenant with id");
}

#[test]
fn a_malformed_tenant_id_is_refused_before_any_call() {
    let sim = simulator(Vec::new());
    let ws = Workspace::new(&sim);
    ws.config(&tenant_config("bad", "Acme"));
    ws.plan(&[]).assert_failure_containing("Invalid tenant id");
    assert_eq!(sim.calls().get_tenant, 0);
}
