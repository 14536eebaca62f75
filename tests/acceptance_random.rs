//! A seeded random walk over everything that happens to managed accounts: configuration flips,
//! additions and removals (destroy under each `on_destroy`), console toggles, revision bumps and
//! deletions, saved plans raced by console edits, imports by id and by identity, refresh-only
//! runs and injected faults. Every kind of step occurs in every walk (in a seeded order, with
//! seeded targets); after every step, state as written equals the simulator's truth, follows the
//! configuration, and the next plan is empty.
//!
//! Each test walks one seed and prints it; `RANDOM_WALK_SEED=<n>` makes every test walk that seed
//! instead, to replay a failure. One test takes a fresh seed from the clock on each run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use acronis_sim::Endpoint;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

mod support;
use support::*;

/// The kinds of step a walk takes; each occurs at least once per walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    ConfigFlip,
    ConfigAdd,
    RemoveKeep,
    RemoveEnable,
    RemoveDisable,
    ConsoleToggle,
    ConsoleBump,
    ConsoleDelete,
    SavedPlanRaced,
    ImportById,
    ImportByIdentity,
    RefreshOnly,
    Fault,
}

const EVERY_STEP: [Step; 13] = [
    Step::ConfigFlip,
    Step::ConfigAdd,
    Step::RemoveKeep,
    Step::RemoveEnable,
    Step::RemoveDisable,
    Step::ConsoleToggle,
    Step::ConsoleBump,
    Step::ConsoleDelete,
    Step::SavedPlanRaced,
    Step::ImportById,
    Step::ImportByIdentity,
    Step::RefreshOnly,
    Step::Fault,
];

/// Steps taken beyond one of each kind, of kinds drawn at random.
const EXTRA_STEPS: usize = 3;

const POLICIES: [&str; 3] = ["keep", "enable", "disable"];

/// What the configuration says about one managed account.
#[derive(Debug, Clone)]
struct Managed {
    enabled: bool,
    on_destroy: &'static str,
}

/// The walk's model: the simulator, the workspace and what the configuration manages.
struct Walk {
    rng: StdRng,
    sim: Simulator,
    ws: Workspace,
    managed: BTreeMap<String, Managed>,
    /// Accounts that exist (not deleted), managed or not.
    live: BTreeSet<String>,
    next_user: usize,
    done: BTreeSet<Step>,
}

fn address(id: &str) -> String {
    format!("acronis_user_status.u_{}", &id[24..])
}

fn resource_block(id: &str, m: &Managed) -> String {
    format!(
        "resource \"acronis_user_status\" \"u_{}\" {{\n  user_id = \"{id}\"\n  enabled = {}\n  on_destroy = \"{}\"\n}}\n",
        &id[24..],
        m.enabled,
        m.on_destroy
    )
}

impl Walk {
    fn new(seed: u64) -> Walk {
        let sim = simulator(vec![]);
        let ws = Workspace::new(&sim);
        let mut walk = Walk {
            rng: StdRng::seed_from_u64(seed),
            sim,
            ws,
            managed: BTreeMap::new(),
            live: BTreeSet::new(),
            next_user: 0,
            done: BTreeSet::new(),
        };
        for _ in 0..4 {
            walk.fresh_user();
        }
        for _ in 0..2 {
            let id = walk.unmanaged();
            walk.manage(&id);
        }
        walk.write_config("");
        walk.ws.apply().assert_success();
        walk
    }

    /// A new account in the simulator, enabled or not at random.
    fn fresh_user(&mut self) -> String {
        self.next_user += 1;
        let id = format!("a0000000-0000-4000-8000-{:012x}", self.next_user);
        let enabled = self.rng.random_bool(0.5);
        self.sim
            .add_user(user(&id, &format!("user{}", self.next_user), enabled));
        self.live.insert(id.clone());
        id
    }

    /// A live account the configuration does not manage (a new one if there is none).
    fn unmanaged(&mut self) -> String {
        let free: Vec<String> = self
            .live
            .iter()
            .filter(|id| !self.managed.contains_key(*id))
            .cloned()
            .collect();
        match free.choose(&mut self.rng) {
            Some(id) => id.clone(),
            None => self.fresh_user(),
        }
    }

    /// Puts an account under management in the model, with random `enabled` and `on_destroy`.
    fn manage(&mut self, id: &str) {
        let m = Managed {
            enabled: self.rng.random_bool(0.5),
            on_destroy: POLICIES.choose(&mut self.rng).copied().unwrap_or("keep"),
        };
        self.managed.insert(id.to_owned(), m);
    }

    /// A managed account (one is added and applied first if there is none).
    fn a_managed(&mut self, context: &str) -> String {
        if self.managed.is_empty() {
            let id = self.unmanaged();
            self.manage(&id);
            self.apply_config(&format!("{context} (set-up: manage {id})"));
        }
        let ids: Vec<&String> = self.managed.keys().collect();
        ids.choose(&mut self.rng)
            .map(|id| (*id).clone())
            .unwrap_or_default()
    }

    fn write_config(&self, extra: &str) {
        let body: String = self
            .managed
            .iter()
            .map(|(id, m)| resource_block(id, m))
            .collect();
        self.ws.config(&format!("{body}{extra}"));
    }

    /// Writes the configuration and applies it; it must succeed.
    fn apply_config(&self, context: &str) {
        self.write_config("");
        let run = self.ws.apply();
        run.assert_no_provider_fault();
        assert_eq!(run.code, 0, "{context}: apply failed:\n{}", run.output());
    }

    fn flip(&mut self, id: &str) -> bool {
        let m = self.managed.get_mut(id).expect("managed");
        m.enabled = !m.enabled;
        m.enabled
    }

    fn take(&mut self, step: Step, n: usize) -> String {
        let context = format!("step {n} ({step:?})");
        let action = match step {
            Step::ConfigFlip => {
                let id = self.a_managed(&context);
                let to = self.flip(&id);
                self.apply_config(&context);
                format!("config: {id} enabled = {to}")
            }
            Step::ConfigAdd => {
                let id = self.unmanaged();
                self.manage(&id);
                self.apply_config(&context);
                format!("config: {id} added as {:?}", self.managed[&id])
            }
            Step::RemoveKeep | Step::RemoveEnable | Step::RemoveDisable => {
                self.remove(step, &context)
            }
            Step::ConsoleToggle => {
                let id = self.a_managed(&context);
                let to = !truth(&self.sim, &id).0;
                self.sim.console_set_enabled(&id, to);
                self.apply_config(&context);
                format!("console: {id} enabled = {to}, then apply")
            }
            Step::ConsoleBump => {
                let id = self.a_managed(&context);
                self.sim.console_bump(&id);
                let puts = self.sim.calls().put_user;
                self.apply_config(&context);
                assert_eq!(
                    self.sim.calls().put_user,
                    puts,
                    "{context}: a moved revision alone sends nothing"
                );
                format!("console: {id} revision bumped, then apply")
            }
            Step::ConsoleDelete => {
                let id = self.a_managed(&context);
                self.sim.delete_user(&id);
                self.live.remove(&id);
                self.fresh_user();
                let run = self.ws.terraform(&["apply", "-auto-approve", "-json"]);
                let summary = format!("User {id} not found");
                let diagnostic = run.error_diagnostic(&summary);
                assert_eq!(diagnostic["address"], address(&id), "{context}");
                self.managed.remove(&id);
                self.write_config("");
                format!("console: {id} deleted, then apply (create refused)")
            }
            Step::SavedPlanRaced => self.saved_plan_raced(&context),
            Step::ImportById | Step::ImportByIdentity => self.import(step, &context),
            Step::RefreshOnly => self.refresh_only(&context),
            Step::Fault => self.fault(&context),
        };
        self.done.insert(step);
        action
    }

    /// Removes a managed account whose `on_destroy` is the step's policy from the configuration;
    /// the destroy must leave the account as the policy says.
    fn remove(&mut self, step: Step, context: &str) -> String {
        let policy = match step {
            Step::RemoveEnable => "enable",
            Step::RemoveDisable => "disable",
            _ => "keep",
        };
        let sets = match policy {
            "enable" => Some(true),
            "disable" => Some(false),
            _ => None,
        };
        let id = self.a_managed(context);
        // The account starts opposite to what the policy sets, so a destroy that ignored the
        // policy would show.
        let start = sets.map_or(self.managed[&id].enabled, |to| !to);
        if self.managed[&id].on_destroy != policy || self.managed[&id].enabled != start {
            let m = self.managed.get_mut(&id).expect("managed");
            m.on_destroy = policy;
            m.enabled = start;
            self.apply_config(&format!(
                "{context} (set-up: on_destroy = {policy}, enabled = {start})"
            ));
        }
        let before = truth(&self.sim, &id).0;
        self.managed.remove(&id);
        self.apply_config(context);
        let expected = sets.unwrap_or(before);
        assert_eq!(
            truth(&self.sim, &id).0,
            expected,
            "{context}: on_destroy = {policy}"
        );
        format!("config: {id} removed with on_destroy = {policy}")
    }

    /// A saved plan flips an account; a console edit lands before the plan is applied.
    fn saved_plan_raced(&mut self, context: &str) -> String {
        let id = self.a_managed(context);
        let to = self.flip(&id);
        self.write_config("");
        let (run, _) = self.ws.plan_out("tfplan", &[]);
        assert_eq!(
            run.code,
            2,
            "{context}: a change planned:\n{}",
            run.output()
        );
        let race = match self.rng.random_range(0..3) {
            0 => {
                self.sim.console_bump(&id);
                "revision bumped"
            }
            1 => {
                self.sim.console_set_enabled(&id, to);
                "already set as planned"
            }
            _ => {
                self.sim.console_set_enabled(&id, !to);
                "saved again as it was"
            }
        };
        let run = self.ws.apply_saved("tfplan");
        run.assert_no_provider_fault();
        assert_eq!(run.code, 0, "{context}: {}", run.output());
        format!("saved plan: {id} enabled = {to}, raced by console ({race})")
    }

    /// Imports an unmanaged account with an import block, by id or by identity.
    fn import(&mut self, step: Step, context: &str) -> String {
        let id = self.unmanaged();
        self.manage(&id);
        let to = address(&id);
        let block = if step == Step::ImportById {
            format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n")
        } else {
            format!("import {{\n  to = {to}\n  identity = {{\n    user_id = \"{id}\"\n  }}\n}}\n")
        };
        self.write_config(&block);
        let run = self.ws.apply();
        run.assert_no_provider_fault();
        assert_eq!(run.code, 0, "{context}: {}", run.output());
        self.write_config("");
        format!("import: {id} ({step:?}) as {:?}", self.managed[&id])
    }

    /// A console edit, seen by a refresh-only plan (drift) and accepted with a refresh-only
    /// apply; the configuration then adopts the account's status.
    fn refresh_only(&mut self, context: &str) -> String {
        let id = self.a_managed(context);
        let toggle = self.rng.random_bool(0.5);
        if toggle {
            self.sim.console_set_enabled(&id, !truth(&self.sim, &id).0);
        } else {
            self.sim.console_bump(&id);
        }
        let drift = self.ws.plan(&["-refresh-only"]);
        drift.assert_no_provider_fault();
        assert_eq!(drift.code, 2, "{context}: drift seen:\n{}", drift.output());
        let puts = self.sim.calls().put_user;
        self.ws
            .terraform(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
            .assert_success();
        assert_eq!(self.sim.calls().put_user, puts, "{context}: nothing sent");
        let enabled = truth(&self.sim, &id).0;
        self.managed.get_mut(&id).expect("managed").enabled = enabled;
        self.write_config("");
        format!("refresh-only: {id} (console toggled: {toggle}), config adopts enabled = {enabled}")
    }

    /// A configuration flip applied through a transient fault that must fire and be overcome.
    fn fault(&mut self, context: &str) -> String {
        let faults = [
            Fault::status(Endpoint::GetUser, 503).with_retry_after("1"),
            Fault::drop_connection(Endpoint::GetUser),
            Fault::status(Endpoint::PutUser, 500).times(2),
            Fault::drop_connection(Endpoint::PutUser),
            Fault::lose_response(Endpoint::PutUser),
            Fault::garbage(Endpoint::PutUser),
            Fault::status(Endpoint::Token, 503),
        ];
        let fault = faults.choose(&mut self.rng).cloned().expect("a fault");
        let id = self.a_managed(context);
        let to = self.flip(&id);
        let before = self.sim.faults().consumed;
        self.sim.inject(fault.clone());
        self.apply_config(context);
        let view = self.sim.faults();
        assert_eq!(
            view.consumed - before,
            u64::from(fault.count),
            "{context}: the fault fired: {view:?}"
        );
        format!("fault {fault:?} while {id} enabled = {to}")
    }

    /// State as written equals the simulator and the configuration; the next plan is empty.
    fn check(&self, context: &str) {
        self.ws.assert_state_matches_api(&self.sim, context);
        let resources = self.ws.resources();
        let in_state: BTreeMap<String, &serde_json::Value> = resources
            .iter()
            .map(|r| {
                let id = r["values"]["user_id"].as_str().unwrap_or_default();
                (id.to_owned(), &r["values"])
            })
            .collect();
        assert_eq!(
            in_state.keys().collect::<Vec<_>>(),
            self.managed.keys().collect::<Vec<_>>(),
            "{context}: state holds exactly the configured accounts"
        );
        for (id, m) in &self.managed {
            let values = in_state[id];
            assert_eq!(
                values["enabled"], m.enabled,
                "{context}: {id} follows config"
            );
            assert_eq!(values["on_destroy"], m.on_destroy, "{context}: {id}");
        }
        self.ws.assert_plan_empty(context);
    }
}

fn walk(seed: u64) {
    let seed = std::env::var("RANDOM_WALK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(seed);
    eprintln!("random walk seed: {seed} (replay with RANDOM_WALK_SEED={seed})");
    let mut walk = Walk::new(seed);
    walk.check("set-up");
    let mut steps = EVERY_STEP.to_vec();
    for _ in 0..EXTRA_STEPS {
        steps.push(*EVERY_STEP.choose(&mut walk.rng).expect("a step"));
    }
    steps.shuffle(&mut walk.rng);
    for (n, step) in steps.into_iter().enumerate() {
        let action = walk.take(step, n);
        eprintln!("seed {seed} step {n}: {action}");
        walk.check(&format!("seed {seed} step {n} ({action})"));
    }
    let missing: Vec<Step> = EVERY_STEP
        .into_iter()
        .filter(|s| !walk.done.contains(s))
        .collect();
    assert!(missing.is_empty(), "steps never taken: {missing:?}");
}

#[test]
fn random_walk_seed_20261128() {
    walk(20261128);
}

#[test]
fn random_walk_seed_7() {
    walk(7);
}

#[test]
fn random_walk_fresh_seed() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    walk(now);
}
