//! Bad input, table by table, through real Terraform: every provider and resource argument
//! with malformed, empty, whitespace, over-long, wrong-type and unknown values gets a clear
//! diagnostic (never a crash), from Terraform's type checks or from the provider. Diagnostics
//! are read from `-json` output: severity, summary and the attribute they point at (the
//! details' wording is the unit tests' business).

mod support;
use support::tfjson::attribute_of;
use support::*;

/// `terraform validate -json` must fail with one error `summary` pointing at `attribute`.
fn assert_refused_at_validate(ws: &Workspace, summary: &str, attribute: &str, case: &str) {
    let run = ws.terraform(&["validate", "-json"]);
    let diagnostic = run.error_diagnostic(summary);
    assert_eq!(
        attribute_of(&diagnostic).as_deref(),
        Some(attribute),
        "{case}: {diagnostic}"
    );
}

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

fn resource_with(args: &str) -> String {
    format!("resource \"acronis_user_status\" \"john\" {{\n{args}\n}}\n")
}

#[test]
fn provider_arguments() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    let long_host = format!("https://{}.acronis.com", "a".repeat(70));
    // (argument, the diagnostic's summary, the attribute it points at)
    let cases: Vec<(String, &str, &str)> = vec![
        ("base_url = \"\"".into(), "Empty base_url", "base_url"),
        ("base_url = \"   \"".into(), "Empty base_url", "base_url"),
        (
            "base_url = \"eu2-cloud.acronis.com\"".into(),
            "Invalid base_url",
            "base_url",
        ),
        (
            "base_url = \"ftp://eu2-cloud.acronis.com\"".into(),
            "Invalid base_url",
            "base_url",
        ),
        (
            "base_url = \"http://eu2-cloud.acronis.com\"".into(),
            "Invalid base_url",
            "base_url",
        ),
        (
            "base_url = \"https://eu2-cloud.acronis.com/?tenant=1\"".into(),
            "Invalid base_url",
            "base_url",
        ),
        (
            "base_url = \"https://eu2-cloud.acronis.com/api/1\"".into(),
            "Invalid base_url",
            "base_url",
        ),
        (
            format!("base_url = \"{long_host}\""),
            "Invalid base_url",
            "base_url",
        ),
        ("base_url = 42".into(), "Invalid base_url", "base_url"),
        (
            "base_url = [\"https://x.acronis.com\"]".into(),
            "Incorrect attribute value type",
            "base_url",
        ),
        ("client_id = \"\"".into(), "Empty client_id", "client_id"),
        (
            "client_secret = \" \"".into(),
            "Empty client_secret",
            "client_secret",
        ),
        (
            "access_token = \"\"".into(),
            "Empty access_token",
            "access_token",
        ),
        ("ca_file = \"\"".into(), "Empty ca_file", "ca_file"),
        (
            "max_retries = -1".into(),
            "Invalid max_retries",
            "max_retries",
        ),
        (
            "max_retries = 1.5".into(),
            "Invalid max_retries",
            "max_retries",
        ),
        (
            "max_retries = 1000000".into(),
            "Invalid max_retries",
            "max_retries",
        ),
        (
            "max_retries = \"three\"".into(),
            "Incorrect attribute value type",
            "max_retries",
        ),
        (
            "request_timeout = 0".into(),
            "Invalid request_timeout",
            "request_timeout",
        ),
        (
            "request_timeout = \"30s\"".into(),
            "Incorrect attribute value type",
            "request_timeout",
        ),
        ("region = \"eu\"".into(), "Unsupported argument", "region"),
    ];
    for (args, summary, attribute) in cases {
        ws.config_with_provider(&format!("  {args}"), &user_status("john", JOHN, true));
        assert_refused_at_validate(&ws, summary, attribute, &args);
    }
    assert_eq!(sim.calls().total(), 0, "validation never calls the API");
}

#[test]
fn provider_arguments_checked_at_configure_time() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let mut ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, true));

    ws.env("ACRONIS_CLIENT_ID", "")
        .env("ACRONIS_CLIENT_SECRET", "");
    ws.plan(&[]).assert_failure_containing("No credentials");
    ws.env("ACRONIS_CLIENT_ID", CLIENT_ID);
    ws.plan(&[])
        .assert_failure_containing("Missing client_secret");
    ws.env("ACRONIS_CLIENT_SECRET", CLIENT_SECRET)
        .env("ACRONIS_ACCESS_TOKEN", "t");
    ws.plan(&[])
        .assert_failure_containing("Conflicting credentials");
    ws.env("ACRONIS_ACCESS_TOKEN", "")
        .env("ACRONIS_BASE_URL", "");
    ws.plan(&[]).assert_failure_containing("Missing base_url");
    ws.env("ACRONIS_BASE_URL", "http://example.com");
    ws.plan(&[]).assert_failure_containing("Invalid base_url");
    ws.env("ACRONIS_BASE_URL", &sim.base_url())
        .env("ACRONIS_CA_FILE", "/nonexistent/ca.pem");
    ws.plan(&[]).assert_failure_containing("Unreadable ca_file");
    ws.env("ACRONIS_CA_FILE", "");
    let plan = ws.plan(&[]);
    assert_eq!(
        plan.code,
        2,
        "a good configuration plans: {}",
        plan.output()
    );
}

#[test]
fn resource_arguments() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    let long_id = "a".repeat(1000);
    // (arguments, the diagnostic's summary, the attribute it points at)
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "  user_id = \"\"\n  enabled = true".to_owned(),
            "Invalid user id",
            "user_id",
        ),
        (
            "  user_id = \"   \"\n  enabled = true".to_owned(),
            "Invalid user id",
            "user_id",
        ),
        (
            format!("  user_id = \"{}\"\n  enabled = true", JOHN.to_uppercase()),
            "Invalid user id",
            "user_id",
        ),
        (
            format!("  user_id = \"{JOHN} \"\n  enabled = true"),
            "Invalid user id",
            "user_id",
        ),
        (
            format!("  user_id = \"{long_id}\"\n  enabled = true"),
            "Invalid user id",
            "user_id",
        ),
        (
            "  user_id = 123\n  enabled = true".to_owned(),
            "Invalid user id",
            "user_id",
        ),
        (
            format!("  user_id = [\"{JOHN}\"]\n  enabled = true"),
            "Incorrect attribute value type",
            "user_id",
        ),
        (
            format!("  user_id = \"{JOHN}\"\n  enabled = \"maybe\""),
            "Incorrect attribute value type",
            "enabled",
        ),
        (
            format!("  user_id = \"{JOHN}\"\n  enabled = true\n  version = 3"),
            "Invalid configuration for read-only attribute",
            "version",
        ),
        (
            format!("  user_id = \"{JOHN}\"\n  enabled = true\n  id = \"x\""),
            "Invalid configuration for read-only attribute",
            "id",
        ),
        (
            format!("  user_id = \"{JOHN}\"\n  enabled = true\n  on_destroy = \"\""),
            "Invalid on_destroy",
            "on_destroy",
        ),
        (
            format!("  user_id = \"{JOHN}\"\n  enabled = true\n  on_destroy = \"KEEP\""),
            "Invalid on_destroy",
            "on_destroy",
        ),
        (
            format!("  user_id = \"{JOHN}\"\n  enabled = true\n  tenant = \"x\""),
            "Unsupported argument",
            "tenant",
        ),
    ];
    for (args, summary, attribute) in cases {
        ws.config(&resource_with(&args));
        assert_refused_at_validate(&ws, summary, attribute, &args);
    }
    // A required argument left out: Terraform names the block, there is no attribute line.
    for (args, missing) in [
        (format!("  user_id = \"{JOHN}\""), "enabled"),
        ("  enabled = true".to_owned(), "user_id"),
    ] {
        ws.config(&resource_with(&args));
        let run = ws.terraform(&["validate", "-json"]);
        let diagnostic = run.error_diagnostic("Missing required argument");
        let detail = diagnostic["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(&format!("\"{missing}\"")), "{detail}");
    }
    // Values Terraform converts are accepted as they convert.
    ws.config(&resource_with(&format!(
        "  user_id = \"{JOHN}\"\n  enabled = \"false\""
    )));
    ws.terraform(&["validate", "-no-color"]).assert_success();
}

#[test]
fn data_source_arguments() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config("data \"acronis_user\" \"x\" {\n  id = \"not-a-uuid\"\n}\n");
    assert_refused_at_validate(&ws, "Invalid user id", "id", "id not a uuid");
    ws.config(&format!(
        "data \"acronis_user\" \"x\" {{\n  id = \"{JOHN}\"\n  email = \"x@y\"\n}}\n"
    ));
    assert_refused_at_validate(
        &ws,
        "Invalid configuration for read-only attribute",
        "email",
        "email set",
    );
    ws.config(
        "data \"acronis_user\" \"x\" {\n  id = \"2c234e69-5469-424a-a6d1-ff5658b387a6\"\n}\n",
    );
    let run = ws.terraform(&["plan", "-json"]);
    let diagnostic = run.error_diagnostic("User 2c234e69-5469-424a-a6d1-ff5658b387a6 not found");
    assert_eq!(diagnostic["address"], "data.acronis_user.x");
}

#[test]
fn a_user_id_with_control_characters_in_tampered_state_is_never_sent_nor_echoed() {
    let sim = simulator(vec![user(JOHN, "john", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&user_status("john", JOHN, false));
    ws.apply().assert_success();
    let hostile = "\u{1b}[2J\u{1b}]0;owned\u{7}\n1c234e69";
    let mut file = ws.state_file().expect("terraform.tfstate");
    let attributes = &mut file["resources"][0]["instances"][0]["attributes"];
    attributes["user_id"] = hostile.into();
    attributes["id"] = hostile.into();
    ws.write("terraform.tfstate", &file.to_string());
    sim.reset_calls();

    let run = ws.terraform(&["plan", "-json", "-no-color"]);
    let diagnostic = run.error_diagnostic("Could not read the account");
    let shown = format!(
        "{}\n{}",
        diagnostic["summary"].as_str().expect("summary"),
        diagnostic["detail"].as_str().expect("detail")
    );
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "no control character reaches the terminal: {shown:?}"
    );
    assert!(
        shown.contains(r"\u{1b}[2J"),
        "the id is shown escaped: {shown:?}"
    );
    let calls = sim.calls();
    assert_eq!(
        calls.get_user + calls.batch_users + calls.put_user,
        0,
        "nothing about the hostile id was sent: {calls:?}"
    );
}
