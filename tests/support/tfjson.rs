//! Reading Terraform's machine-readable output: `-json` event lines and their diagnostics,
//! saved plans through `show -json`, and state compared with the simulator without a refresh.
#![allow(dead_code)]

use serde_json::Value as Json;

use super::{Run, Simulator, Workspace};

impl Run {
    /// The events of a `-json` run, one per line (non-JSON lines are skipped).
    pub fn json_lines(&self) -> Vec<Json> {
        self.stdout
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Every diagnostic of a `-json` run: the `diagnostic` of each event line, or the
    /// `diagnostics` array of a single-document answer such as `validate -json`.
    pub fn diagnostics(&self) -> Vec<Json> {
        if let Ok(Json::Object(doc)) = serde_json::from_str::<Json>(&self.stdout) {
            if let Some(Json::Array(diags)) = doc.get("diagnostics") {
                return diags.clone();
            }
        }
        self.json_lines()
            .into_iter()
            .filter(|event| event["type"] == "diagnostic")
            .map(|event| event["diagnostic"].clone())
            .collect()
    }

    /// The one error diagnostic whose summary is `summary`; fails the test unless the run failed
    /// and reported exactly one such error.
    pub fn error_diagnostic(&self, summary: &str) -> Json {
        self.assert_no_provider_fault();
        assert_ne!(
            self.code,
            0,
            "command should have failed:\n{}",
            self.output()
        );
        let matching: Vec<Json> = self
            .diagnostics()
            .into_iter()
            .filter(|d| d["severity"] == "error" && d["summary"] == summary)
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "expected one error {summary:?}:\n{}",
            self.output()
        );
        matching.into_iter().next().unwrap_or_default()
    }
}

/// The resource at `address` in a `values` document (`show -json` state or a plan's
/// `prior_state`).
pub fn resource_in<'a>(values: &'a Json, address: &str) -> Option<&'a Json> {
    values["values"]["root_module"]["resources"]
        .as_array()?
        .iter()
        .find(|r| r["address"] == address)
}

impl Workspace {
    /// `plan -out=<file> -detailed-exitcode` with `extra` arguments: the run, and the saved plan
    /// as `show -json` gives it (`None` when planning failed).
    pub fn plan_out(&self, file: &str, extra: &[&str]) -> (Run, Option<Json>) {
        let out = format!("-out={file}");
        let mut args = vec!["plan", "-detailed-exitcode", "-no-color", out.as_str()];
        args.extend_from_slice(extra);
        let run = self.terraform(&args);
        run.assert_no_provider_fault();
        if run.code == 1 {
            return (run, None);
        }
        let show = self.terraform(&["show", "-json", file]);
        show.assert_success();
        let plan = serde_json::from_str(&show.stdout).expect("show -json of a plan is JSON");
        (run, Some(plan))
    }

    /// Applies a saved plan file.
    pub fn apply_saved(&self, file: &str) -> Run {
        self.terraform(&["apply", "-no-color", file])
    }

    /// `terraform.tfstate` as written, parsed (`None` before the first apply).
    pub fn state_file(&self) -> Option<Json> {
        let text = std::fs::read_to_string(self.path().join("terraform.tfstate")).ok()?;
        Some(serde_json::from_str(&text).expect("terraform.tfstate is JSON"))
    }

    /// Fails the test unless every `acronis_user_status` in state, read without a refresh, holds
    /// the simulator's `enabled` and `version` for a live account and an identity naming it.
    pub fn assert_state_matches_api(&self, sim: &Simulator, context: &str) {
        for resource in self.resources() {
            if resource["type"] != "acronis_user_status" {
                continue;
            }
            let address = resource["address"].as_str().unwrap_or_default();
            let values = &resource["values"];
            let id = values["user_id"].as_str().expect("user_id in state");
            let user = sim
                .user(id)
                .unwrap_or_else(|| panic!("{context}: {address} names unknown {id}"));
            assert!(
                user["deleted_at"].is_null(),
                "{context}: {address} keeps deleted {id}"
            );
            assert_eq!(
                values["enabled"], user["enabled"],
                "{context}: enabled of {address}"
            );
            assert_eq!(
                values["version"], user["version"],
                "{context}: version of {address}"
            );
            assert_eq!(
                resource["identity"]["user_id"], id,
                "{context}: identity of {address}"
            );
        }
    }

    /// Fails the test unless `plan -refresh-only -detailed-exitcode` finds no drift.
    pub fn assert_no_drift(&self, context: &str) {
        let run = self.plan(&["-refresh-only"]);
        run.assert_no_provider_fault();
        assert_eq!(
            run.code,
            0,
            "{context}: a refresh-only plan finds drift:\n{}",
            run.output()
        );
    }

    /// Fails the test unless `plan -detailed-exitcode` proposes no change.
    pub fn assert_plan_empty(&self, context: &str) {
        let run = self.plan(&[]);
        run.assert_no_provider_fault();
        assert_eq!(
            run.code,
            0,
            "{context}: the next plan is not empty:\n{}",
            run.output()
        );
    }
}

/// The configuration attribute a diagnostic points at: the name on the line its range starts
/// in (Terraform highlights the attribute's value), or `None` without a source range.
pub fn attribute_of(diagnostic: &Json) -> Option<String> {
    let code = diagnostic["snippet"]["code"].as_str()?;
    let name = code.trim_start().split([' ', '=']).next()?;
    Some(name.to_owned())
}
