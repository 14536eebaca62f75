//! The coalescer's rules, with a fetch that records each batch and answers when told to.

use super::*;
use std::sync::Arc;
use tokio::sync::Notify;

type Item = (String, u32);
type Batches = Arc<Mutex<Vec<Vec<String>>>>;
type Answer = std::pin::Pin<Box<dyn Future<Output = Result<Vec<Item>, String>> + Send>>;

fn key_of(item: &Item) -> &str {
    &item.0
}

/// A fetch that records its keys, waits for `gate` if given, then answers every key except
/// those in `absent` (or fails, if `fail`).
fn fetch(
    batches: &Batches,
    gate: Option<Arc<Notify>>,
    absent: &'static [&'static str],
    fail: bool,
) -> impl FnOnce(Vec<String>) -> Answer {
    let batches = batches.clone();
    move |keys| {
        Box::pin(async move {
            batches.lock().expect("lock").push(keys.clone());
            if let Some(gate) = gate {
                gate.notified().await;
            }
            if fail {
                return Err(format!("failed for {}", keys.len()));
            }
            Ok(keys
                .into_iter()
                .filter(|k| !absent.contains(&k.as_str()))
                .map(|k| (k, 7))
                .collect())
        })
    }
}

fn coalescer(limits: Limits) -> Arc<Coalescer<Item, String>> {
    Arc::new(Coalescer::new(limits))
}

/// Lets spawned tasks run until they are all parked.
async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

/// A read whose call does not answer until the returned gate is notified.
fn spawn_held_read(
    c: &Arc<Coalescer<Item, String>>,
    key: &'static str,
    batches: &Batches,
) -> (tokio::task::JoinHandle<Delivery<Item, String>>, Arc<Notify>) {
    let gate = Arc::new(Notify::new());
    let (c, batches, held) = (c.clone(), batches.clone(), gate.clone());
    let task = tokio::spawn(async move {
        c.read(key, fetch(&batches, Some(held), &[], false), key_of)
            .await
    });
    (task, gate)
}

fn spawn_read(
    c: &Arc<Coalescer<Item, String>>,
    key: &'static str,
    batches: &Batches,
    absent: &'static [&'static str],
) -> tokio::task::JoinHandle<Delivery<Item, String>> {
    let (c, batches) = (c.clone(), batches.clone());
    tokio::spawn(async move {
        c.read(key, fetch(&batches, None, absent, false), key_of)
            .await
    })
}

#[tokio::test]
async fn a_lone_read_goes_at_once_by_itself() {
    let c = coalescer(Limits::default());
    let batches = Batches::default();
    let got = c.read("a", fetch(&batches, None, &[], false), key_of).await;
    assert_eq!(got, Delivery::Found(("a".into(), 7)));
    assert_eq!(*batches.lock().expect("lock"), vec![vec!["a".to_owned()]]);
}

#[tokio::test(start_paused = true)]
async fn reads_that_arrive_during_a_call_share_the_next_one() {
    let c = coalescer(Limits::default());
    let batches = Batches::default();
    let (first, gate) = spawn_held_read(&c, "a", &batches);
    settle().await;
    let others: Vec<_> = ["b", "c", "b", "d"]
        .into_iter()
        .map(|k| spawn_read(&c, k, &batches, &["d"]))
        .collect();
    settle().await;
    assert_eq!(batches.lock().expect("lock").len(), 1, "the others wait");
    gate.notify_one();
    assert_eq!(first.await.expect("join"), Delivery::Found(("a".into(), 7)));
    let mut answers = Vec::new();
    for task in others {
        answers.push(task.await.expect("join"));
    }
    assert_eq!(
        answers,
        vec![
            Delivery::Found(("b".into(), 7)),
            Delivery::Found(("c".into(), 7)),
            Delivery::Found(("b".into(), 7)),
            Delivery::Absent,
        ]
    );
    let batches = batches.lock().expect("lock");
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[1], vec!["b", "c", "d"], "one call, each key once");
}

#[tokio::test(start_paused = true)]
async fn batches_hold_at_most_max_batch_keys() {
    let c = coalescer(Limits {
        max_batch: 2,
        ..Limits::default()
    });
    let batches = Batches::default();
    let (first, gate) = spawn_held_read(&c, "a", &batches);
    settle().await;
    let others: Vec<_> = ["b", "c", "d"]
        .into_iter()
        .map(|k| spawn_read(&c, k, &batches, &[]))
        .collect();
    settle().await;
    gate.notify_one();
    first.await.expect("join");
    for task in others {
        assert!(matches!(task.await.expect("join"), Delivery::Found(_)));
    }
    let batches = batches.lock().expect("lock");
    assert_eq!(batches[1..], [vec!["b", "c"], vec!["d"]]);
}

#[tokio::test(start_paused = true)]
async fn a_failed_batch_fails_each_of_its_reads_and_no_other() {
    let c = coalescer(Limits::default());
    let batches = Batches::default();
    let (first, gate) = spawn_held_read(&c, "a", &batches);
    settle().await;
    let failing: Vec<_> = ["b", "c"]
        .into_iter()
        .map(|k| {
            let (c, batches) = (c.clone(), batches.clone());
            tokio::spawn(async move { c.read(k, fetch(&batches, None, &[], true), key_of).await })
        })
        .collect();
    settle().await;
    gate.notify_one();
    assert_eq!(first.await.expect("join"), Delivery::Found(("a".into(), 7)));
    for task in failing {
        assert_eq!(
            task.await.expect("join"),
            Delivery::Failed("failed for 2".into())
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_dropped_leader_orphans_its_companions_and_passes_its_slot_on() {
    let c = coalescer(Limits::default());
    let batches = Batches::default();
    let (first, gate) = spawn_held_read(&c, "a", &batches);
    settle().await;
    // "b" leads the second batch, which never answers; "c" goes with it.
    let (second, _never_notified) = spawn_held_read(&c, "b", &batches);
    settle().await;
    let companion = spawn_read(&c, "c", &batches, &[]);
    settle().await;
    gate.notify_one();
    first.await.expect("join");
    settle().await;
    assert_eq!(batches.lock().expect("lock").len(), 2);
    second.abort();
    assert_eq!(companion.await.expect("join"), Delivery::Orphaned);
    // The slot is free again: a new read goes at once.
    let got = c.read("d", fetch(&batches, None, &[], false), key_of).await;
    assert_eq!(got, Delivery::Found(("d".into(), 7)));
}

#[tokio::test(start_paused = true)]
async fn a_read_that_waits_long_gets_a_batch_of_its_own() {
    let c = coalescer(Limits {
        max_in_flight: 2,
        patience: 0.1,
        min_patience: Duration::from_millis(1),
        ..Limits::default()
    });
    let batches = Batches::default();
    // One call of 100 ms teaches the coalescer the round trip.
    {
        let batches = batches.clone();
        c.read(
            "warm",
            move |keys| async move {
                batches.lock().expect("lock").push(keys.clone());
                tokio::time::sleep(Duration::from_millis(100)).await;
                Ok::<_, String>(keys.into_iter().map(|k| (k, 7)).collect())
            },
            key_of,
        )
        .await;
    }
    let (first, gate) = spawn_held_read(&c, "a", &batches);
    settle().await;
    let waiting = spawn_read(&c, "b", &batches, &[]);
    settle().await;
    assert_eq!(batches.lock().expect("lock").len(), 2, "b waits at first");
    // A tenth of the round trip later, b goes without waiting for a's call to end.
    tokio::time::sleep(Duration::from_millis(11)).await;
    assert_eq!(
        waiting.await.expect("join"),
        Delivery::Found(("b".into(), 7))
    );
    assert_eq!(batches.lock().expect("lock")[2], vec!["b"]);
    gate.notify_one();
    first.await.expect("join");
}

#[tokio::test(start_paused = true)]
async fn a_slot_due_to_a_read_that_is_gone_goes_to_the_next_one() {
    let c = coalescer(Limits {
        max_in_flight: 1,
        ..Limits::default()
    });
    let batches = Batches::default();
    let (first, gate) = spawn_held_read(&c, "a", &batches);
    settle().await;
    let gone = spawn_read(&c, "b", &batches, &[]);
    settle().await;
    let next = spawn_read(&c, "c", &batches, &[]);
    settle().await;
    gone.abort();
    settle().await;
    gate.notify_one();
    first.await.expect("join");
    assert_eq!(next.await.expect("join"), Delivery::Found(("c".into(), 7)));
    assert_eq!(batches.lock().expect("lock")[1], vec!["c"]);
}
