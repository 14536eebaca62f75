//! A seeded random walk: configuration changes and out-of-band edits (toggle, revision bump,
//! delete) interleaved with apply. After every step Terraform must report no provider error
//! and state must equal the simulator's truth. `ACC_SEED=<n>` replays a sequence.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod support;
use support::*;

const STEPS: usize = 14;

fn uuid(n: usize) -> String {
    format!("a0000000-0000-4000-8000-{n:012x}")
}

fn config_for(managed: &BTreeMap<String, bool>) -> String {
    managed
        .iter()
        .map(|(id, enabled)| user_status(&format!("u_{}", &id[24..]), id, *enabled))
        .collect()
}

#[test]
fn random_walk_keeps_state_equal_to_the_truth() {
    let seed = std::env::var("ACC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261128u64);
    eprintln!("random walk seed: {seed} (replay with ACC_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);

    let mut next_user = 0;
    let sim = simulator(vec![]);
    let mut fresh_user = |sim: &Simulator, rng: &mut StdRng| {
        next_user += 1;
        let id = uuid(next_user);
        sim.add_user(user(&id, &format!("user{next_user}"), rng.random_bool(0.5)));
        id
    };
    let mut pool: Vec<String> = (0..4).map(|_| fresh_user(&sim, &mut rng)).collect();
    let mut managed: BTreeMap<String, bool> = pool
        .iter()
        .take(2)
        .map(|id| (id.clone(), rng.random_bool(0.5)))
        .collect();
    let ws = Workspace::new(&sim);
    ws.config(&config_for(&managed));
    ws.apply().assert_success();

    for step in 0..STEPS {
        let target = pool[rng.random_range(0..pool.len())].clone();
        let mut deleted_managed = None;
        let action = match rng.random_range(0..6) {
            0 => {
                let flip = !managed.get(&target).copied().unwrap_or(true);
                managed.insert(target.clone(), flip);
                format!("config: {target} enabled = {flip}")
            }
            1 => {
                let current = truth(&sim, &target).0;
                sim.console_set_enabled(&target, !current);
                format!("console: {target} enabled = {}", !current)
            }
            2 => {
                sim.console_bump(&target);
                format!("console: {target} revision bumped")
            }
            3 => {
                sim.delete_user(&target);
                pool.retain(|id| id != &target);
                pool.push(fresh_user(&sim, &mut rng));
                if managed.contains_key(&target) {
                    deleted_managed = Some(target.clone());
                }
                format!("console: {target} deleted")
            }
            4 => {
                managed.remove(&target);
                format!("config: {target} removed")
            }
            _ => {
                managed.insert(target.clone(), rng.random_bool(0.5));
                format!("config: {target} added")
            }
        };
        eprintln!("step {step}: {action}");
        ws.config(&config_for(&managed));
        let run = ws.apply();
        match &deleted_managed {
            // Terraform proposes to create it again; the API says it is gone.
            Some(id) => {
                run.assert_failure_containing(&format!("User {id} not found"));
                managed.remove(id);
            }
            None => {
                run.assert_success();
            }
        }

        // State equals the simulator's truth, and the configuration where it applies.
        let resources = ws.resources();
        for resource in &resources {
            let values = &resource["values"];
            let id = values["user_id"].as_str().expect("user_id");
            let user = sim.user(id).expect("known user");
            assert!(
                user["deleted_at"].is_null(),
                "step {step}: deleted {id} left in state"
            );
            assert_eq!(
                values["enabled"], user["enabled"],
                "step {step}: enabled of {id}"
            );
            assert_eq!(
                values["version"], user["version"],
                "step {step}: version of {id}"
            );
            assert_eq!(
                values["enabled"], managed[id],
                "step {step}: {id} follows the config"
            );
        }
        assert_eq!(
            resources.len(),
            managed.len(),
            "step {step}: every configured account is managed"
        );
    }
}
