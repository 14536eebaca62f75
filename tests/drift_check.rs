//! `examples/drift-detection/drift-check.sh` with real Terraform against the simulator: exit 0
//! right after an apply (where `plan -refresh-only -detailed-exitcode` says 2 on Terraform 1.10
//! to 1.14), 2 with only the drifted addresses on standard output after an out-of-band edit
//! through the simulator's admin API, and 1 with Terraform's message on bad credentials; with
//! `--unmanaged TENANT_ID` (Terraform 1.14 and later), 3 with the tenant's accounts that no
//! resource in state manages, and 1 with a clear message on older Terraform.
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

const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
const OTHER_TENANT: &str = "7e4a0700-0000-4000-8000-000000000006";

/// A tenant of 8 accounts (and another of 4) whose first 5 an applied configuration disables:
/// the simulator, the workspace and the tenant's ids in listing order.
fn tenant_partly_managed() -> (Simulator, Workspace, Vec<String>) {
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 8);
    sim.add_tenant(OTHER_TENANT, 4);
    let ws = Workspace::new(&sim);
    ws.config(&user_statuses("managed", &ids[..5], false));
    ws.apply().assert_success();
    (sim, ws, ids)
}

/// The lines of `text`, sorted (the script prints unmanaged accounts in the API's order).
fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

/// The line the script prints for an unmanaged account.
fn unmanaged_line(sim: &Simulator, id: &str) -> String {
    let user = sim.user(id).expect("a user");
    format!(
        "unmanaged {id} {}\n",
        user["login"].as_str().expect("a login")
    )
}

#[test]
fn accounts_outside_the_state_are_named_with_exit_3() {
    if !terraform_at_least(
        1,
        14,
        "accounts_outside_the_state_are_named_with_exit_3",
        "drift-check.sh --unmanaged (terraform query)",
    ) {
        return;
    }
    let (sim, ws, ids) = tenant_partly_managed();
    let run = ws.script(&drift_check(), &["--unmanaged", TENANT]);
    run.assert_no_provider_fault();
    assert_eq!(run.code, 3, "{}", run.output());
    let expected: String = ids[5..].iter().map(|id| unmanaged_line(&sim, id)).collect();
    assert_eq!(
        sorted_lines(&run.stdout),
        sorted_lines(&expected),
        "the three outside the state, no one else"
    );
    let leftovers: Vec<_> = std::fs::read_dir(ws.path())
        .expect("read the working directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tfquery.hcl"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "the query file is removed: {leftovers:?}"
    );

    // Drift too: exit 2, the drifted address first, then the unmanaged accounts.
    sim.console_set_enabled(&ids[0], true);
    let run = ws.script(&drift_check(), &["--unmanaged", TENANT]);
    assert_eq!(run.code, 2, "{}", run.output());
    let (first, rest) = run.stdout.split_once('\n').expect("lines");
    assert_eq!(
        first,
        format!("acronis_user_status.managed[\"{}\"]", ids[0])
    );
    assert_eq!(sorted_lines(rest), sorted_lines(&expected));

    // Once every account is managed and applied, nothing is reported.
    ws.config(&user_statuses("managed", &ids, false));
    ws.apply().assert_success();
    let run = ws.script(&drift_check(), &["--unmanaged", TENANT]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.output());
}

/// Writes an executable stand-in for Terraform into `ws` that reports `version` and fails
/// anything else: what the script sees of an older Terraform before it runs any command.
fn terraform_reporting(ws: &Workspace, version: &str) -> String {
    let path = ws.path().join("old-terraform");
    std::fs::write(
        &path,
        format!("#!/bin/sh\n[ \"$1\" = version ] && echo '{{\"terraform_version\":\"{version}\"}}' && exit 0\nexit 1\n"),
    )
    .expect("write the stand-in");
    let mut permissions = std::fs::metadata(&path).expect("stat").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&path, permissions).expect("chmod");
    path.display().to_string()
}

#[test]
fn unmanaged_before_terraform_1_14_says_what_it_needs_with_exit_1() {
    let sim = simulator(vec![]);
    let mut ws = Workspace::new(&sim);
    ws.config("");
    let stand_in = terraform_reporting(&ws, "1.13.5");
    ws.env("TERRAFORM", &stand_in);
    let run = ws.script(&drift_check(), &["--unmanaged", TENANT]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("--unmanaged lists accounts with terraform query, which needs Terraform 1.14 or later; this is Terraform 1.13.5"),
        "{}",
        run.stderr
    );
    // The real Terraform of this run says the same when it is older.
    let (major, minor, _) = terraform_version();
    if (major, minor) < (1, 14) {
        ws.env("TERRAFORM", &terraform_path().display().to_string());
        let run = ws.script(&drift_check(), &["--unmanaged", TENANT]);
        assert_eq!(run.code, 1, "{}", run.output());
        assert!(
            run.stderr.contains("needs Terraform 1.14 or later"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_malformed_tenant_id_is_refused_before_anything_runs() {
    let sim = simulator(vec![]);
    let ws = Workspace::new(&sim);
    ws.config("");
    let run = ws.script(&drift_check(), &["--unmanaged", "Acme\" } evil {"]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.stderr.contains("is not a tenant id"), "{}", run.stderr);
    assert_eq!(sim.calls().token, 0, "nothing ran");
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
