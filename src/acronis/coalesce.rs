//! Coalescing of concurrent single-item reads into batch calls.
//!
//! A read that arrives while no batch is in flight leads one at once, alone or with whatever is
//! waiting: a lone read never waits for company. A read that arrives while a batch is in flight
//! waits, and goes with the others that arrive meanwhile in the next batch: when a slot frees,
//! or once the oldest of them has waited a twentieth of the recent round trip (at least a
//! millisecond), when another batch may start (up to [`Limits::max_in_flight`]). Reads thus
//! wait only while the API is busy with others, and never for long compared with a call of
//! their own.
//!
//! The leader of a batch makes the call in its own task and hands out the answers. A leader
//! whose task is dropped (Terraform cancelled its request) leaves its companions to read on
//! their own, and its slot passes on.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// How batches are formed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The most keys one batch call may carry.
    pub max_batch: usize,
    /// The most batch calls in flight at once.
    pub max_in_flight: usize,
    /// The fraction of the recent round trip a waiting read waits before another batch may
    /// start for it.
    pub patience: f64,
    /// The least such wait (below it the timer would decide).
    pub min_patience: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_batch: 100,
            max_in_flight: 4,
            patience: 0.05,
            min_patience: Duration::from_millis(1),
        }
    }
}

/// What became of one read.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery<V, E> {
    /// The batch answer held the item.
    Found(V),
    /// The batch answer left the item out.
    Absent,
    /// The batch call failed.
    Failed(E),
    /// The batch this read joined was abandoned; the caller reads on its own.
    Orphaned,
}

/// Shares batch calls among concurrent reads of items keyed by string ids.
pub struct Coalescer<V, E> {
    shared: Arc<Shared<V, E>>,
}

struct Shared<V, E> {
    queue: Mutex<Queue<V, E>>,
    limits: Limits,
}

struct Queue<V, E> {
    waiting: VecDeque<Waiter<V, E>>,
    in_flight: usize,
    next_ticket: u64,
    /// A moving average of how long batch calls take.
    round_trip: Option<Duration>,
}

struct Waiter<V, E> {
    ticket: u64,
    key: String,
    turn: oneshot::Sender<Turn<V, E>>,
}

enum Turn<V, E> {
    /// The batch this read joined came back.
    Answered(Delivery<V, E>),
    /// A slot came free: this read leads the next batch.
    Lead(Slot<V, E>),
}

/// A batch slot, held by the leader of a batch. Dropping it hands it to the oldest waiting
/// read, so that even a lead turn that is never read passes on.
struct Slot<V, E> {
    /// `None` once the slot has been handed on, so that dropping it does nothing.
    shared: Option<Arc<Shared<V, E>>>,
}

impl<V, E> Slot<V, E> {
    fn new(shared: &Arc<Shared<V, E>>) -> Self {
        Slot {
            shared: Some(shared.clone()),
        }
    }
}

impl<V, E> Drop for Slot<V, E> {
    fn drop(&mut self) {
        let Some(shared) = self.shared.take() else {
            return;
        };
        let mut queue = shared.lock();
        while let Some(next) = queue.waiting.pop_front() {
            match next.turn.send(Turn::Lead(Slot::new(&shared))) {
                Ok(()) => return,
                // That read is gone: the slot goes to the next one, or back to the pool.
                Err(Turn::Lead(mut unused)) => unused.shared = None,
                Err(Turn::Answered(_)) => {}
            }
        }
        queue.in_flight = queue.in_flight.saturating_sub(1);
    }
}

impl<V, E> Shared<V, E> {
    fn lock(&self) -> MutexGuard<'_, Queue<V, E>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<V: Clone, E: Clone> Coalescer<V, E> {
    pub fn new(limits: Limits) -> Self {
        Coalescer {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue {
                    waiting: VecDeque::new(),
                    in_flight: 0,
                    next_ticket: 0,
                    round_trip: None,
                }),
                limits: Limits {
                    max_batch: limits.max_batch.max(1),
                    max_in_flight: limits.max_in_flight.max(1),
                    ..limits
                },
            }),
        }
    }

    /// Reads `key`, alone or in company. `fetch` is called (by whichever read leads) with the
    /// distinct keys of one batch, the leader's first; `key_of` names the item a result is for.
    pub async fn read<F, Fut>(&self, key: &str, fetch: F, key_of: fn(&V) -> &str) -> Delivery<V, E>
    where
        F: FnOnce(Vec<String>) -> Fut,
        Fut: Future<Output = Result<Vec<V>, E>>,
    {
        let slot = match self.lead_now_or_queue(key) {
            Ok(slot) => slot,
            Err((ticket, turn)) => match self.wait_for_turn(ticket, turn).await {
                Ok(Turn::Answered(delivery)) => return delivery,
                Ok(Turn::Lead(slot)) => slot,
                Err(_) => return Delivery::Orphaned,
            },
        };
        let (companions, keys) = self.companions(key);
        let started = Instant::now();
        let result = fetch(keys).await;
        self.record_round_trip(started.elapsed());
        // The next batch may start while this one's answers are handed out.
        drop(slot);
        for waiter in companions {
            // A companion that is gone no longer needs its answer.
            let _ = waiter
                .turn
                .send(Turn::Answered(deliver(&result, &waiter.key, key_of)));
        }
        deliver(&result, key, key_of)
    }

    /// A slot if no batch is in flight; otherwise a place in the queue.
    #[allow(clippy::type_complexity)]
    fn lead_now_or_queue(
        &self,
        key: &str,
    ) -> Result<Slot<V, E>, (u64, oneshot::Receiver<Turn<V, E>>)> {
        let mut queue = self.shared.lock();
        if queue.in_flight == 0 {
            queue.in_flight = 1;
            return Ok(Slot::new(&self.shared));
        }
        let (turn, receiver) = oneshot::channel();
        let ticket = queue.next_ticket;
        queue.next_ticket += 1;
        queue.waiting.push_back(Waiter {
            ticket,
            key: key.to_owned(),
            turn,
        });
        Err((ticket, receiver))
    }

    /// Waits to be answered or to lead; after a while, leads on a slot of its own if one may
    /// open.
    async fn wait_for_turn(
        &self,
        ticket: u64,
        mut turn: oneshot::Receiver<Turn<V, E>>,
    ) -> Result<Turn<V, E>, oneshot::error::RecvError> {
        match tokio::time::timeout(self.patience(), &mut turn).await {
            Ok(outcome) => outcome,
            Err(_) => match self.open_slot(ticket) {
                Some(slot) => Ok(Turn::Lead(slot)),
                None => turn.await,
            },
        }
    }

    /// How long a waiting read waits before another batch may start for it: the least wait
    /// until a round trip has been seen.
    fn patience(&self) -> Duration {
        let limits = &self.shared.limits;
        let round_trip = self.shared.lock().round_trip.unwrap_or_default();
        round_trip.mul_f64(limits.patience).max(limits.min_patience)
    }

    /// Another slot for the read holding `ticket`, if it still waits and one may open.
    fn open_slot(&self, ticket: u64) -> Option<Slot<V, E>> {
        let mut queue = self.shared.lock();
        if queue.in_flight >= self.shared.limits.max_in_flight {
            return None;
        }
        let at = queue.waiting.iter().position(|w| w.ticket == ticket)?;
        queue.waiting.remove(at);
        queue.in_flight += 1;
        Some(Slot::new(&self.shared))
    }

    /// The waiting reads that join the leader's batch (as many as fit, oldest first), and the
    /// distinct keys of the batch, the leader's first.
    fn companions(&self, leader: &str) -> (Vec<Waiter<V, E>>, Vec<String>) {
        let mut queue = self.shared.lock();
        let mut taken = Vec::new();
        let mut keys = vec![leader.to_owned()];
        while keys.len() < self.shared.limits.max_batch {
            let Some(waiter) = queue.waiting.pop_front() else {
                break;
            };
            if waiter.turn.is_closed() {
                continue;
            }
            if !keys.contains(&waiter.key) {
                keys.push(waiter.key.clone());
            }
            taken.push(waiter);
        }
        (taken, keys)
    }

    fn record_round_trip(&self, elapsed: Duration) {
        let mut queue = self.shared.lock();
        queue.round_trip = Some(match queue.round_trip {
            None => elapsed,
            Some(average) => average.mul_f64(0.8) + elapsed.mul_f64(0.2),
        });
    }
}

fn deliver<V: Clone, E: Clone>(
    result: &Result<Vec<V>, E>,
    key: &str,
    key_of: fn(&V) -> &str,
) -> Delivery<V, E> {
    match result {
        Ok(items) => match items.iter().find(|item| key_of(item) == key) {
            Some(item) => Delivery::Found(item.clone()),
            None => Delivery::Absent,
        },
        Err(e) => Delivery::Failed(e.clone()),
    }
}

#[cfg(test)]
mod tests;
