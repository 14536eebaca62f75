//! The `acronis_user` data source with real Terraform: every attribute read from the account,
//! usable in outputs and `for_each`.

mod support;
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
