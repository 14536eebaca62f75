//! The schema Terraform receives, as `terraform providers schema -json` prints it, is the one
//! committed in `tests/schema/providers-schema.json`: a change of any attribute, flag or
//! description shows here and is committed on purpose (`UPDATE_SCHEMA=1` rewrites the file).

mod support;
use serde_json::Value as Json;
use support::*;

const COMMITTED: &str = "tests/schema/providers-schema.json";

#[test]
fn terraform_receives_the_committed_schema() {
    let ws = Workspace::with_base_url("http://127.0.0.1:9");
    ws.config("");
    let run = ws.terraform(&["providers", "schema", "-json"]);
    assert_eq!(run.code, 0, "{}", run.output());
    let printed: Json = serde_json::from_str(&run.stdout).expect("the schema is JSON");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        let text = serde_json::to_string_pretty(&printed).expect("JSON") + "\n";
        std::fs::write(&path, text).expect("write the committed schema");
        return;
    }
    let committed: Json =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read the committed schema"))
            .expect("the committed schema is JSON");
    assert!(
        printed == committed,
        "the schema Terraform receives differs from {COMMITTED}; if that is intended, run \
         UPDATE_SCHEMA=1 cargo test --test provider_schema and commit the file"
    );
}
