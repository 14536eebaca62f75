//! Resource identity of `acronis_user_status`: recorded in state after create, after a refresh
//! of state that lacks it, and after import by id (real Terraform; import by identity is in
//! `acceptance_user_status.rs`); `UpgradeResourceIdentity` over the
//! real plugin handshake for the current version, a newer one and unreadable input.

use terraform_provider_acronis::tfproto::proto::{self, provider_client::ProviderClient};
use terraform_provider_acronis::tfproto::Value;

mod support;
use support::plugin_client::launch_and_connect;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const ADDRESS: &str = "acronis_user_status.john";

/// The identity Terraform holds for `acronis_user_status.john`: `show -json` and the state file
/// (which also gives the identity's schema version).
fn identity_in_state(ws: &Workspace) -> (serde_json::Value, serde_json::Value) {
    let shown = ws
        .resources()
        .into_iter()
        .find(|r| r["address"] == ADDRESS)
        .unwrap_or_else(|| panic!("{ADDRESS} in state"));
    let file = ws.state_file().expect("terraform.tfstate");
    let instance = &file["resources"][0]["instances"][0];
    assert_eq!(instance["identity_schema_version"], 0, "{file}");
    (shown["identity"].clone(), instance["identity"].clone())
}

fn assert_identity_names_john(ws: &Workspace, when: &str) {
    let (shown, stored) = identity_in_state(ws);
    let expected = serde_json::json!({ "user_id": JOHN });
    assert_eq!(shown, expected, "{when}: show -json");
    assert_eq!(stored, expected, "{when}: terraform.tfstate");
}

#[test]
fn identity_is_recorded_on_create() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.apply().assert_success();
    assert_identity_names_john(&ws, "after create");
}

#[test]
fn a_refresh_fills_in_identity_missing_from_state() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.apply().assert_success();

    // State as a provider without identity support wrote it.
    let mut file = ws.state_file().expect("terraform.tfstate");
    let instance = file["resources"][0]["instances"][0]
        .as_object_mut()
        .expect("instance");
    instance.remove("identity");
    instance.remove("identity_schema_version");
    file["serial"] = serde_json::json!(file["serial"].as_i64().unwrap_or(1) + 1);
    ws.write("terraform.tfstate", &file.to_string());
    assert!(identity_in_state_is_absent(&ws), "identity removed");

    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .assert_success();
    assert_identity_names_john(&ws, "after a refresh");
}

fn identity_in_state_is_absent(ws: &Workspace) -> bool {
    let file = ws.state_file().expect("terraform.tfstate");
    file["resources"][0]["instances"][0]["identity"].is_null()
}

#[test]
fn identity_is_recorded_on_import_by_id() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));
    ws.terraform(&["import", "-no-color", ADDRESS, JOHN])
        .assert_success();
    assert_identity_names_john(&ws, "after import by id");
    ws.assert_plan_empty("after import by id");
}

/// `UpgradeResourceIdentity` of `acronis_user_status` from `version` with `json`.
async fn upgrade_identity(version: i64, json: &[u8]) -> proto::upgrade_resource_identity::Response {
    let (_plugin, channel) = launch_and_connect(&[]).await;
    ProviderClient::new(channel)
        .upgrade_resource_identity(proto::upgrade_resource_identity::Request {
            type_name: "acronis_user_status".into(),
            version,
            raw_identity: Some(proto::RawState {
                json: json.to_vec().into(),
                ..Default::default()
            }),
        })
        .await
        .expect("UpgradeResourceIdentity answers")
        .into_inner()
}

fn only_error(response: &proto::upgrade_resource_identity::Response) -> &proto::Diagnostic {
    let errors: Vec<&proto::Diagnostic> = response
        .diagnostics
        .iter()
        .filter(|d| d.severity == proto::diagnostic::Severity::Error as i32)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", response.diagnostics);
    errors[0]
}

#[tokio::test]
async fn upgrade_identity_reads_the_current_version() {
    let json = format!("{{\"user_id\":\"{JOHN}\"}}");
    let response = upgrade_identity(0, json.as_bytes()).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    let data = response
        .upgraded_identity
        .and_then(|i| i.identity_data)
        .expect("identity data");
    let identity = Value::from_dynamic(&data).expect("decodes");
    assert_eq!(identity.get("user_id").as_str(), Some(JOHN));
}

#[tokio::test]
async fn upgrade_identity_refuses_a_newer_version() {
    let json = format!("{{\"user_id\":\"{JOHN}\"}}");
    let response = upgrade_identity(1, json.as_bytes()).await;
    assert_eq!(
        only_error(&response).summary,
        "Identity from a newer provider"
    );
    assert!(response
        .upgraded_identity
        .and_then(|i| i.identity_data)
        .is_none());
}

#[tokio::test]
async fn upgrade_identity_refuses_unreadable_input() {
    for garbage in [
        &b"{not json"[..],
        b"",
        b"[]",
        b"{\"user_id\": 5}",
        b"{\"login\": \"john\"}",
    ] {
        let response = upgrade_identity(0, garbage).await;
        let text = String::from_utf8_lossy(garbage);
        assert_eq!(
            only_error(&response).summary,
            "Unreadable identity",
            "{text}"
        );
        assert!(
            response
                .upgraded_identity
                .and_then(|i| i.identity_data)
                .is_none(),
            "{text}"
        );
    }
}
