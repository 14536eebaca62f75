//! Logs through Terraform: the provider's structured lines show up in Terraform's own log with
//! the RPC, resource type, user id and each HTTP call, and no secret appears anywhere, even at
//! TRACE.

mod support;
use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

fn state_file(ws: &Workspace) -> String {
    std::fs::read_to_string(ws.path().join("terraform.tfstate")).expect("state file")
}

#[test]
fn trace_logs_show_the_provider_at_work_and_never_a_secret() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let mut ws = Workspace::new(&sim);
    ws.env("TF_LOG", "TRACE");
    ws.config(&user_status("john", JOHN, false));
    let apply = ws.apply();
    apply.assert_success();
    ws.config(&user_status("john", JOHN, true));
    let second = ws.apply();
    second.assert_success();

    let logs = format!("{}\n{}", apply.output(), second.output());
    let ours: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("provider.terraform-provider-acronis:"))
        .collect();
    let http_put = ours
        .iter()
        .find(|l| l.contains("HTTP call") && l.contains("method=PUT"))
        .unwrap_or_else(|| panic!("no PUT log line among {} provider lines", ours.len()));
    assert!(
        http_put.contains(&format!("path=users/{JOHN}")),
        "{http_put}"
    );
    assert!(http_put.contains("status=200"), "{http_put}");
    assert!(http_put.contains("duration_ms="), "{http_put}");
    assert!(http_put.contains("retry=0"), "{http_put}");
    assert!(
        http_put.contains("tf_rpc=ApplyResourceChange"),
        "{http_put}"
    );
    assert!(
        http_put.contains("tf_resource_type=acronis_user_status"),
        "{http_put}"
    );
    assert!(
        ours.iter()
            .any(|l| l.contains("[DEBUG]") && l.contains(&format!("user_id={JOHN}"))),
        "user id logged"
    );
    assert!(
        !ours.iter().any(|l| l.contains("frame=")),
        "library chatter stays out"
    );

    let tokens = sim.issued_tokens();
    assert!(!tokens.is_empty());
    let state = state_file(&ws);
    for secret in tokens.iter().map(String::as_str).chain([CLIENT_SECRET]) {
        assert!(
            !logs.contains(secret),
            "a secret appears in Terraform's output or logs"
        );
        assert!(!state.contains(secret), "a secret appears in state");
    }
}

#[test]
fn an_access_token_never_appears_in_logs_or_state() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let token = sim.state().issue_token().access_token;
    let mut ws = Workspace::new(&sim);
    ws.env("TF_LOG", "TRACE")
        .env("ACRONIS_CLIENT_ID", "")
        .env("ACRONIS_CLIENT_SECRET", "")
        .env("ACRONIS_ACCESS_TOKEN", &token);
    ws.config(&user_status("john", JOHN, false));
    let apply = ws.apply();
    apply.assert_success();
    assert_eq!(
        sim.calls().token,
        0,
        "the given token is used, none fetched"
    );
    assert!(!truth(&sim, JOHN).0);
    assert!(!apply.output().contains(&token));
    assert!(!state_file(&ws).contains(&token));
}

#[test]
fn a_refused_secret_is_not_echoed_in_the_diagnostic() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let mut ws = Workspace::new(&sim);
    let wrong = "wrong-secret-Zx81";
    ws.env("ACRONIS_CLIENT_SECRET", wrong)
        .env("TF_LOG", "TRACE");
    ws.config(&user_status("john", JOHN, false));
    let run = ws.apply();
    run.assert_failure_containing("requesting an access token failed: HTTP 401");
    assert!(!run.output().contains(wrong));
}
