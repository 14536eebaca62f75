//! The token endpoint and bearer authentication: Basic and form credentials, OAuth errors,
//! expiry fields, token lifetime and revocation.

use std::time::Duration;

use acronis_sim::{ExpiryFields, SimConfig, Simulator};
use serde_json::Value;

use crate::client::{basic, send, token_request, token_with_basic, Api};
use crate::{sim_with_alice, user_path, ALICE};

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

#[test]
fn basic_credentials_get_a_bearer_token() {
    let sim = sim_with_alice();
    let reply = token_with_basic(&sim.base_url(), "sim-client", "sim-secret");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["token_type"], "bearer");
    let access = body["access_token"].as_str().expect("access_token");
    let id_token = body["id_token"].as_str().expect("id_token");
    assert!(access.len() >= 32 && access != id_token);
    assert_eq!(body["expires_in"], 7_200);
    let expires_on = body["expires_on"].as_u64().expect("expires_on");
    assert!((unix_now() + 7_190..=unix_now() + 7_210).contains(&expires_on));
    let api = Api {
        base: sim.base_url(),
        token: access.to_owned(),
    };
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    let second = token_with_basic(&sim.base_url(), "sim-client", "sim-secret").json();
    assert_ne!(second["access_token"], body["access_token"]);
}

#[test]
fn form_credentials_are_accepted() {
    let sim = Simulator::start(SimConfig {
        client_id: "tf-client".to_owned(),
        client_secret: "p@ss word&=".to_owned(),
        ..SimConfig::default()
    })
    .expect("starts");
    let reply = token_request(
        &sim.base_url(),
        &[],
        "grant_type=client_credentials&client_id=tf-client&client_secret=p%40ss+word%26%3D",
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.json()["access_token"].is_string());
    let wrong_default = token_with_basic(&sim.base_url(), "sim-client", "sim-secret");
    assert_eq!(wrong_default.status, 401);
}

#[test]
fn bad_credentials_get_401_access_denied() {
    let sim = sim_with_alice();
    let base = sim.base_url();
    let wrong_secret = token_with_basic(&base, "sim-client", "nope");
    let wrong_id = token_request(
        &base,
        &[],
        "grant_type=client_credentials&client_id=other&client_secret=sim-secret",
    );
    let missing = token_request(&base, &[], "grant_type=client_credentials");
    let malformed = token_request(
        &base,
        &[("Authorization", "Basic not-base64!")],
        "grant_type=client_credentials",
    );
    for reply in [wrong_secret, wrong_id, missing, malformed] {
        assert_eq!(reply.status, 401, "{}", reply.text());
        let body = reply.json();
        assert_eq!(
            body["error"], "access_denied",
            "the tokenError schema's code"
        );
        assert!(body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
        assert!(body.get("access_token").is_none());
    }
    assert_eq!(sim.calls().token, 4);
}

#[test]
fn wrong_or_missing_grant_type_gets_400() {
    let sim = sim_with_alice();
    let auth = basic("sim-client", "sim-secret");
    let wrong = token_request(
        &sim.base_url(),
        &[("Authorization", &auth)],
        "grant_type=password",
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json()["error"], "invalid_request");
    let missing = token_request(&sim.base_url(), &[("Authorization", &auth)], "scope=x");
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"], "invalid_request");
}

#[test]
fn expiry_fields_are_configurable() {
    let sim = Simulator::start(SimConfig {
        expiry_fields: ExpiryFields::ExpiresIn,
        token_ttl: Duration::from_secs(600),
        ..SimConfig::default()
    })
    .expect("starts");
    let fields = |sim: &Simulator| -> (Option<u64>, Option<u64>) {
        let body = token_with_basic(&sim.base_url(), "sim-client", "sim-secret").json();
        (body["expires_in"].as_u64(), body["expires_on"].as_u64())
    };
    assert_eq!(fields(&sim), (Some(600), None));
    sim.set_expiry_fields(ExpiryFields::ExpiresOn);
    let (expires_in, expires_on) = fields(&sim);
    assert_eq!(expires_in, None);
    assert!(expires_on.is_some_and(|t| t >= unix_now() + 590));
    sim.set_expiry_fields(ExpiryFields::Neither);
    assert_eq!(fields(&sim), (None, None));
    sim.set_expiry_fields(ExpiryFields::Both);
    let (expires_in, expires_on) = fields(&sim);
    assert!(expires_in.is_some() && expires_on.is_some());
}

#[test]
fn api_calls_need_a_valid_bearer_token() {
    let sim = sim_with_alice();
    let base = sim.base_url();
    let path = user_path(ALICE);
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("Authorization", "Bearer not-a-token")],
        &[("Authorization", "Basic c2ltLWNsaWVudDpzaW0tc2VjcmV0")],
        &[("Authorization", "Bearer")],
    ];
    for headers in cases {
        let reply = send(&base, "GET", &path, headers, b"").expect("an answer");
        assert_eq!(reply.status, 401, "{headers:?}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "unauthorized");
        assert_eq!(error["domain"], "PlatformAccountServer");
        assert!(error["message"].is_string());
        assert!(error["details"]["info"].is_string());
        assert_eq!(error["context"], Value::Object(Default::default()));
    }
    assert_eq!(sim.calls().get_user, 4);
}

#[test]
fn tokens_expire_after_their_ttl() {
    let sim = sim_with_alice();
    sim.set_token_ttl(Duration::from_secs(1));
    let reply = token_with_basic(&sim.base_url(), "sim-client", "sim-secret");
    assert_eq!(reply.json()["expires_in"], 1);
    let api = Api {
        base: sim.base_url(),
        token: reply.json()["access_token"]
            .as_str()
            .expect("token")
            .to_owned(),
    };
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    std::thread::sleep(Duration::from_millis(1_200));
    let expired = api.get(&user_path(ALICE));
    assert_eq!(expired.status, 401);
    assert_eq!(expired.error_code(), "unauthorized");
    assert_eq!(Api::login(&sim).get(&user_path(ALICE)).status, 200);
}

#[test]
fn revoked_tokens_stop_working() {
    let sim = sim_with_alice();
    let api = Api::login(&sim);
    assert_eq!(api.get(&user_path(ALICE)).status, 200);
    sim.revoke_tokens();
    assert_eq!(api.get(&user_path(ALICE)).status, 401);
}
