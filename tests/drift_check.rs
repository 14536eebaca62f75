//! `examples/drift-detection/drift-check.sh` with real Terraform against the simulator: exit 0
//! right after an apply (where `plan -refresh-only -detailed-exitcode` says 2 on Terraform 1.10
//! to 1.14), 2 with only the drifted addresses on standard output after an out-of-band edit
//! through the simulator's admin API, and 1 with Terraform's message on bad credentials.
//! `make test-matrix` runs it on every supported Terraform version.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";
const MARY: &str = "5d1f3b7a-8c2e-4f6a-9b0d-1e2f3a4b5c6d";

fn drift_check() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/drift-detection/drift-check.sh")
}

/// John and Mary, both disabled by an applied configuration that also has an output.
fn applied() -> (Simulator, Workspace) {
    let sim = simulator(vec![user(JOHN, "john", true), user(MARY, "mary", true)]);
    let ws = Workspace::new(&sim);
    ws.config(&format!(
        "{}{}output \"john_revision\" {{ value = acronis_user_status.john.version }}\n",
        user_status("john", JOHN, false),
        user_status("mary", MARY, false)
    ));
    ws.apply().assert_success();
    (sim, ws)
}

#[test]
fn nothing_drifted_right_after_apply_exits_0() {
    let (sim, ws) = applied();
    let run = ws.script(&drift_check(), &[]);
    run.assert_no_provider_fault();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(run.stdout, "", "nothing is named");
    assert_eq!(sim.calls().put_user, 2, "the check changes nothing");
}

#[test]
fn an_account_edited_out_of_band_is_the_only_one_named_with_exit_2() {
    let (sim, ws) = applied();
    assert_eq!(
        admin_patch_user(&sim, JOHN, r#"{"enabled": true}"#),
        200,
        "the console edit"
    );
    let run = ws.script(&drift_check(), &[]);
    run.assert_no_provider_fault();
    assert_eq!(run.code, 2, "{}", run.output());
    assert_eq!(run.stdout, "acronis_user_status.john\n");
    assert!(truth(&sim, JOHN).0, "the check repairs nothing");

    // Once the configuration is applied again, nothing has drifted.
    ws.apply().assert_success();
    let run = ws.script(&drift_check(), &[]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.output());
}

#[test]
fn bad_credentials_exit_1_with_terraforms_message() {
    let (_sim, mut ws) = applied();
    ws.env("ACRONIS_CLIENT_SECRET", "not-the-secret");
    let run = ws.script(&drift_check(), &[]);
    run.assert_no_provider_fault();
    assert_eq!(run.code, 1, "{}", run.output());
    assert_eq!(run.stdout, "", "no address is printed on an error");
    assert!(
        flatten(&run.stderr).contains("requesting an access token failed: HTTP 401"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_terraform_exits_1_and_says_so() {
    let sim = simulator(vec![]);
    let mut ws = Workspace::new(&sim);
    ws.env("TERRAFORM", "/nonexistent/terraform");
    let run = ws.script(&drift_check(), &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.stderr.contains("Terraform not found"), "{}", run.stderr);
}

/// The registry guide shows the script in full, for users who only read the registry: it must
/// be the very script these tests run.
#[test]
fn the_guide_carries_the_script_verbatim() {
    let guide = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/drift-detection.md"),
    )
    .expect("read the drift detection guide");
    let script = std::fs::read_to_string(drift_check()).expect("read drift-check.sh");
    assert!(
        guide.contains(&format!("## The script\n\n```bash\n{script}```\n")),
        "docs/guides/drift-detection.md must end with examples/drift-detection/drift-check.sh verbatim"
    );
}
