//! Keeps `examples/` (embedded in the docs) valid: every example folder's configuration passes
//! real `terraform validate` with the provider these tests built and is `terraform fmt`
//! clean, the import examples really import an account from the simulator, the query examples
//! (`.tfquery.hcl`) validate and list a tenant from the simulator, and every shell
//! script parses (`examples/drift-detection/drift-check.sh` has no `.tf` files; it is run for
//! real by `tests/drift_check.rs`).
//!
//! Files named `import*.tf` are checked one at a time together with the folder's other `.tf`
//! files, since two `import` blocks for the same address may not coexist.

mod support;

use std::path::{Path, PathBuf};

use support::*;

/// The user id the import examples name.
const JOHN: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

const REQUIRED_PROVIDERS: &str =
    "terraform {\n  required_providers {\n    acronis = { source = \"acronis/acronis\" }\n  }\n}\n";

fn examples_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Every folder under `examples/` holding `.tf` files, sorted.
fn example_folders() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let mut has_tf = false;
        for entry in
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            found.push(dir.to_path_buf());
        }
    }
    let mut found = Vec::new();
    walk(&examples_root(), &mut found);
    found.sort();
    found
}

/// A folder's `.tf` files as (file name, content): the plain ones and the import ones.
type Files = Vec<(String, String)>;

fn tf_files(folder: &Path) -> (Files, Files) {
    let mut plain = Vec::new();
    let mut imports = Vec::new();
    for entry in std::fs::read_dir(folder).expect("read example folder") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let name = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let content = std::fs::read_to_string(&path).expect("read example");
        if name.starts_with("import") {
            imports.push((name, content));
        } else {
            plain.push((name, content));
        }
    }
    plain.sort();
    imports.sort();
    (plain, imports)
}

/// Validates `files` in a fresh working directory, adding the provider requirement if no file
/// declares one, and checks their formatting.
fn validate(label: &str, files: &[(String, String)]) {
    let ws = Workspace::with_base_url("https://eu2-cloud.acronis.com");
    for (name, content) in files {
        ws.write(name, content);
    }
    if !files
        .iter()
        .any(|(_, content)| content.contains("required_providers"))
    {
        ws.write("versions_for_test.tf", REQUIRED_PROVIDERS);
    }
    let run = ws.terraform(&["validate", "-json"]);
    run.assert_no_provider_fault();
    let verdict: serde_json::Value = serde_json::from_str(&run.stdout).expect("validate -json");
    assert_eq!(verdict["valid"], true, "{label}:\n{}", run.output());

    let mut fmt = vec!["fmt", "-check", "-diff", "-no-color"];
    fmt.extend(files.iter().map(|(name, _)| name.as_str()));
    let run = ws.terraform(&fmt);
    assert_eq!(
        run.code,
        0,
        "{label} is not `terraform fmt` clean:\n{}",
        run.output()
    );
}

#[test]
fn every_example_folder_is_valid_terraform() {
    let folders = example_folders();
    let relative: Vec<_> = folders
        .iter()
        .map(|f| {
            f.strip_prefix(examples_root())
                .expect("under examples/")
                .to_path_buf()
        })
        .collect();
    for expected in [
        "provider",
        "resources/acronis_user_status",
        "data-sources/acronis_user",
    ] {
        assert!(
            relative.contains(&PathBuf::from(expected)),
            "examples/{expected} exists: {relative:?}"
        );
    }
    for folder in &folders {
        let label = folder.display().to_string();
        let (plain, imports) = tf_files(folder);
        validate(&label, &plain);
        for import in imports {
            let with_import = format!("{label} with {}", import.0);
            let mut files = plain.clone();
            files.push(import);
            validate(&with_import, &files);
        }
    }
}

/// Each import example, with a resource block for its target, plans exactly one import of the
/// account it names and applies without changing it.
#[test]
fn import_examples_import_the_account() {
    let folder = examples_root().join("resources/acronis_user_status");
    let (_, imports) = tf_files(&folder);
    assert_eq!(
        imports.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["import-by-identity.tf", "import-by-string-id.tf"]
    );
    for (name, content) in imports {
        assert!(content.contains(JOHN), "{name} names {JOHN}");
        let sim = simulator(vec![user(JOHN, "john", false)]);
        let (_, version) = truth(&sim, JOHN);
        let ws = Workspace::new(&sim);
        ws.config(&user_status("john", JOHN, false));
        ws.write(&name, &content);
        let (run, plan) = ws.plan_out("tfplan", &[]);
        assert_eq!(run.code, 2, "{name}: {}", run.output());
        let plan = plan.expect("saved plan");
        let changes = plan["resource_changes"].as_array().expect("changes");
        assert_eq!(changes.len(), 1, "{name}: {plan}");
        let change = &changes[0]["change"];
        assert_eq!(changes[0]["address"], "acronis_user_status.john");
        assert_eq!(change["actions"], serde_json::json!(["no-op"]), "{name}");
        assert!(
            change["importing"].is_object(),
            "{name}: an import: {change}"
        );
        ws.apply_saved("tfplan").assert_success();
        let state = ws.resource("acronis_user_status.john").expect("imported");
        assert_eq!(state["user_id"], JOHN, "{name}");
        assert_eq!(state["version"], version, "{name}");
        assert_eq!(sim.calls().put_user, 0, "{name}: importing changes nothing");
    }
}

/// Every `.tfquery.hcl` under `examples/`, with the files that live in a folder of their own.
fn query_examples() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read examples") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.to_string_lossy().ends_with(".tfquery.hcl") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&examples_root(), &mut found);
    found.sort();
    found
}

/// Each query example passes `terraform validate -query` and `terraform fmt`, and `terraform
/// query` runs it against the simulator: its `customer` list block finds the tenant's accounts.
#[test]
fn query_examples_are_valid_and_list_the_tenant() {
    let examples = query_examples();
    assert!(
        examples
            .iter()
            .any(|p| p.ends_with("list-resources/acronis_user_status/list-resource.tfquery.hcl")),
        "{examples:?}"
    );
    if !terraform_at_least(
        1,
        14,
        "query_examples_are_valid_and_list_the_tenant",
        "terraform query",
    ) {
        return;
    }
    for example in examples {
        let label = example.display().to_string();
        let content = std::fs::read_to_string(&example).expect("read example");
        let tenant = content
            .split('"')
            .find(|word| word.len() == 36 && word.matches('-').count() == 4)
            .unwrap_or_else(|| panic!("{label} names a tenant id"));
        let sim = simulator(vec![]);
        let ids = sim.add_tenant(tenant, 3);
        let ws = Workspace::new(&sim);
        ws.config("");
        ws.write("example.tfquery.hcl", &content);

        let run = ws.terraform(&["validate", "-query", "-json"]);
        let verdict: serde_json::Value = serde_json::from_str(&run.stdout).expect("validate -json");
        assert_eq!(verdict["valid"], true, "{label}:\n{}", run.output());
        let run = ws.terraform(&["fmt", "-check", "-diff", "-no-color", "example.tfquery.hcl"]);
        assert_eq!(
            run.code,
            0,
            "{label} is not `terraform fmt` clean:\n{}",
            run.output()
        );

        let run = ws.terraform(&["query", "-json", "-no-color"]);
        run.assert_success();
        let mut found: Vec<String> = run
            .json_lines()
            .into_iter()
            .filter(|line| line["type"] == "list_resource_found")
            .filter(|line| {
                line["list_resource_found"]["address"]
                    .as_str()
                    .is_some_and(|a| a.ends_with(".customer"))
            })
            .filter_map(|line| {
                line["list_resource_found"]["identity"]["user_id"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        found.sort();
        assert_eq!(found, ids, "{label}");
    }
}

/// Every `.sh` under `examples/` (import commands, the drift check) is valid bash.
#[test]
fn every_example_script_parses() {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read examples") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "sh") {
                found.push(path);
            }
        }
    }
    let mut scripts = Vec::new();
    walk(&examples_root(), &mut scripts);
    assert!(
        scripts
            .iter()
            .any(|p| p.ends_with("drift-detection/drift-check.sh")),
        "{scripts:?}"
    );
    for script in scripts {
        let out = std::process::Command::new("bash")
            .arg("-n")
            .arg(&script)
            .output()
            .expect("run bash -n");
        assert!(
            out.status.success(),
            "{}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
