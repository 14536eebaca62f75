//! Injected faults: what can go wrong on the wire, and the book that hands them out in order.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

use crate::calls::Endpoint;

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum FaultTarget {
    /// Whatever API endpoint comes next.
    Any,
    /// Only this endpoint.
    Only(Endpoint),
}

impl FaultTarget {
    /// Whether a request to `endpoint` is hit.
    pub fn matches(self, endpoint: Endpoint) -> bool {
        match self {
            FaultTarget::Any => true,
            FaultTarget::Only(only) => only == endpoint,
        }
    }
}

impl From<Endpoint> for FaultTarget {
    fn from(endpoint: Endpoint) -> Self {
        FaultTarget::Only(endpoint)
    }
}

impl fmt::Display for FaultTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultTarget::Any => f.write_str("any"),
            FaultTarget::Only(endpoint) => endpoint.fmt(f),
        }
    }
}

impl FromStr for FaultTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "any" {
            Ok(FaultTarget::Any)
        } else {
            s.parse().map(FaultTarget::Only)
        }
    }
}

impl TryFrom<String> for FaultTarget {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<FaultTarget> for String {
    fn from(target: FaultTarget) -> Self {
        target.to_string()
    }
}

/// What a fault does to the request it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` (default 503) with an error body and maybe `Retry-After`.
    #[default]
    Status,
    /// Close the connection without answering.
    Drop,
    /// Answer a non-JSON HTML page, as a misbehaving proxy would (status default 502).
    Garbage,
    /// Wait `latency_ms`, then serve the request normally.
    Latency,
    /// Serve the request (its change is made), then close the connection without answering:
    /// a response lost on the way back.
    DropAfter,
    /// Answer a JSON body of [`OVERSIZED_BODY_BYTES`], more than a client should read
    /// (status default 200).
    Oversized,
}

/// The size of an [`FaultKind::Oversized`] answer: 9 MiB.
pub const OVERSIZED_BODY_BYTES: usize = 9 * 1024 * 1024;

/// One injected fault; it hits the next `count` requests its target matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub endpoint: FaultTarget,
    #[serde(default)]
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(
        default,
        deserialize_with = "string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_after: Option<String>,
    #[serde(default)]
    pub latency_ms: u64,
}

fn one() -> u32 {
    1
}

/// Accepts `"retry_after": "1"` as well as `"retry_after": 1`.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(u64),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Text(text) => text,
        Raw::Number(n) => n.to_string(),
    }))
}

impl Fault {
    fn new(endpoint: impl Into<FaultTarget>, kind: FaultKind) -> Fault {
        Fault {
            endpoint: endpoint.into(),
            kind,
            status: None,
            count: 1,
            retry_after: None,
            latency_ms: 0,
        }
    }

    /// An error answer with `status`.
    pub fn status(endpoint: impl Into<FaultTarget>, status: u16) -> Fault {
        Fault::new(endpoint, FaultKind::Status).with_status(status)
    }

    /// A connection closed without an answer.
    pub fn drop_connection(endpoint: impl Into<FaultTarget>) -> Fault {
        Fault::new(endpoint, FaultKind::Drop)
    }

    /// The request is served, then its connection closed: the answer is lost.
    pub fn lose_response(endpoint: impl Into<FaultTarget>) -> Fault {
        Fault::new(endpoint, FaultKind::DropAfter)
    }

    /// An HTML proxy error page (502 unless `with_status` says otherwise).
    pub fn garbage(endpoint: impl Into<FaultTarget>) -> Fault {
        Fault::new(endpoint, FaultKind::Garbage)
    }

    /// A 200 answer whose body is [`OVERSIZED_BODY_BYTES`] long.
    pub fn oversized(endpoint: impl Into<FaultTarget>) -> Fault {
        Fault::new(endpoint, FaultKind::Oversized)
    }

    /// Extra delay before the request is served normally.
    pub fn latency(endpoint: impl Into<FaultTarget>, delay: Duration) -> Fault {
        Fault {
            latency_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            ..Fault::new(endpoint, FaultKind::Latency)
        }
    }

    /// The same fault for the next `count` matching requests.
    pub fn times(mut self, count: u32) -> Fault {
        self.count = count;
        self
    }

    /// The same fault with this status.
    pub fn with_status(mut self, status: u16) -> Fault {
        self.status = Some(status);
        self
    }

    /// The same fault with a `Retry-After` header.
    pub fn with_retry_after(mut self, value: impl Into<String>) -> Fault {
        self.retry_after = Some(value.into());
        self
    }

    /// The status this fault answers with (for `Status`, `Garbage` and `Oversized`).
    pub fn effective_status(&self) -> u16 {
        self.status.unwrap_or(match self.kind {
            FaultKind::Garbage => 502,
            FaultKind::Oversized => 200,
            _ => 503,
        })
    }

    /// Checks that the fault makes sense before it is booked.
    pub fn validate(&self) -> Result<(), String> {
        if self.count == 0 {
            return Err("count must be at least 1".to_owned());
        }
        if let Some(status) = self.status {
            let lowest = if self.kind == FaultKind::Status {
                400
            } else {
                200
            };
            if !(lowest..=599).contains(&status) {
                return Err(format!(
                    "status {status} is out of range {lowest}..=599 for a {:?} fault",
                    self.kind
                ));
            }
        }
        if self.kind == FaultKind::Latency && self.latency_ms == 0 {
            return Err("a latency fault needs latency_ms > 0".to_owned());
        }
        Ok(())
    }
}

/// A pending "someone edits the user between your read and your write".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingBump {
    pub user_id: String,
    pub count: u32,
}

/// A pending "the replica behind batch reads lags": the user is left out of that many more
/// batch answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingHide {
    pub user_id: String,
    pub times: u32,
}

/// A pending "the batch answer carries a malformed item": the user's item in that many more
/// batch answers has a `version` that is not a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingMalformed {
    pub user_id: String,
    pub times: u32,
}

/// What is still booked, for `GET /admin/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultsView {
    /// Faults still to hit, with their remaining counts.
    pub faults: Vec<Fault>,
    pub bumps: Vec<PendingBump>,
    pub hidden_from_batches: Vec<PendingHide>,
    pub malformed_in_batches: Vec<PendingMalformed>,
    /// Whether `GET /users` answers 404 as on a server without it.
    pub batch_endpoint_absent: bool,
    pub latency_ms: u64,
    /// How many times faults have fired so far: requests hit, PUTs bumped, users left out of
    /// or malformed in a batch answer, and requests to an absent batch endpoint.
    pub consumed: u64,
}

/// Faults tied to a user, each with how many more times it fires.
#[derive(Debug, Default)]
struct PerUser(Vec<(String, u32)>);

impl PerUser {
    fn add(&mut self, user_id: &str, times: u32) {
        if times == 0 {
            return;
        }
        match self.0.iter_mut().find(|(id, _)| id == user_id) {
            Some((_, left)) => *left = left.saturating_add(times),
            None => self.0.push((user_id.to_owned(), times)),
        }
    }

    /// Whether the user's fault fires now; uses up one of its times.
    fn take(&mut self, user_id: &str) -> bool {
        let Some(index) = self.0.iter().position(|(id, _)| id == user_id) else {
            return false;
        };
        let left = &mut self.0[index].1;
        *left -= 1;
        if *left == 0 {
            self.0.remove(index);
        }
        true
    }

    fn view<T>(&self, show: impl Fn(String, u32) -> T) -> Vec<T> {
        self.0
            .iter()
            .map(|(id, left)| show(id.clone(), *left))
            .collect()
    }
}

/// Booked faults, handed out first-booked-first.
#[derive(Debug, Default)]
pub struct FaultBook {
    faults: Vec<Fault>,
    bumps: PerUser,
    hides: PerUser,
    malformed: PerUser,
    batch_absent: bool,
    latency: Duration,
    consumed: u64,
}

impl FaultBook {
    /// Books a fault after the ones already booked.
    pub fn push(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    /// The fault that hits the current request to `endpoint`, if any; uses up one of its count.
    pub fn take(&mut self, endpoint: Endpoint) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|f| f.endpoint.matches(endpoint))?;
        let fault = &mut self.faults[index];
        fault.count = fault.count.saturating_sub(1);
        let hit = Fault {
            count: 1,
            ..fault.clone()
        };
        if fault.count == 0 {
            self.faults.remove(index);
        }
        self.count_consumed(true);
        Some(hit)
    }

    /// Books `count` out-of-band version bumps for the next PUTs of a user.
    pub fn push_bump(&mut self, user_id: &str, count: u32) {
        self.bumps.add(user_id, count);
    }

    /// Whether the current PUT of `user_id` must first see an out-of-band bump; uses it up.
    pub fn take_bump(&mut self, user_id: &str) -> bool {
        let fired = self.bumps.take(user_id);
        self.count_consumed(fired)
    }

    /// Leaves a user out of its next `times` batch answers.
    pub fn push_hide(&mut self, user_id: &str, times: u32) {
        self.hides.add(user_id, times);
    }

    /// Whether the current batch answer must leave `user_id` out; uses up one of its times.
    pub fn take_hide(&mut self, user_id: &str) -> bool {
        let fired = self.hides.take(user_id);
        self.count_consumed(fired)
    }

    /// Malforms a user's item in its next `times` batch answers.
    pub fn push_malformed(&mut self, user_id: &str, times: u32) {
        self.malformed.add(user_id, times);
    }

    /// Whether the current batch answer must malform `user_id`'s item; uses up one time.
    pub fn take_malformed(&mut self, user_id: &str) -> bool {
        let fired = self.malformed.take(user_id);
        self.count_consumed(fired)
    }

    /// Makes `GET /users` answer 404 (or serve again).
    pub fn set_batch_absent(&mut self, absent: bool) {
        self.batch_absent = absent;
    }

    /// Whether the current `GET /users` request finds no endpoint; counted as a firing.
    pub fn take_batch_absent(&mut self) -> bool {
        let fired = self.batch_absent;
        self.count_consumed(fired)
    }

    fn count_consumed(&mut self, fired: bool) -> bool {
        if fired {
            self.consumed = self.consumed.saturating_add(1);
        }
        fired
    }

    /// Delay added to every API request.
    pub fn latency(&self) -> Duration {
        self.latency
    }

    pub fn set_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    /// Forgets every booked fault, bump, hide and malformed item, serves `GET /users` again
    /// and sets the global latency back (the consumed count stays).
    pub fn clear(&mut self) {
        self.faults.clear();
        self.bumps = PerUser::default();
        self.hides = PerUser::default();
        self.malformed = PerUser::default();
        self.batch_absent = false;
        self.latency = Duration::ZERO;
    }

    pub fn view(&self) -> FaultsView {
        FaultsView {
            faults: self.faults.clone(),
            bumps: self
                .bumps
                .view(|user_id, count| PendingBump { user_id, count }),
            hidden_from_batches: self
                .hides
                .view(|user_id, times| PendingHide { user_id, times }),
            malformed_in_batches: self
                .malformed
                .view(|user_id, times| PendingMalformed { user_id, times }),
            batch_endpoint_absent: self.batch_absent,
            latency_ms: u64::try_from(self.latency.as_millis()).unwrap_or(u64::MAX),
            consumed: self.consumed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_from_admin_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"endpoint":"get_user","status":503,"count":2,"retry_after":"1","latency_ms":0,"kind":"status"}"#,
        )
        .expect("valid fault");
        assert_eq!(
            fault,
            Fault::status(Endpoint::GetUser, 503)
                .times(2)
                .with_retry_after("1")
        );
        let any: Fault =
            serde_json::from_str(r#"{"endpoint":"any","kind":"drop","retry_after":2}"#)
                .expect("valid fault");
        assert_eq!(any.endpoint, FaultTarget::Any);
        assert_eq!(any.retry_after.as_deref(), Some("2"));
        assert!(serde_json::from_str::<Fault>(r#"{"endpoint":"users"}"#).is_err());
        assert!(serde_json::from_str::<Fault>(r#"{"endpoint":"any","colour":1}"#).is_err());
    }

    #[test]
    fn book_hands_out_faults_in_order_and_counts_them() {
        let mut book = FaultBook::default();
        book.push(Fault::status(Endpoint::PutUser, 409).times(2));
        book.push(Fault::garbage(FaultTarget::Any));
        assert_eq!(
            book.take(Endpoint::GetUser).map(|f| f.kind),
            Some(FaultKind::Garbage)
        );
        assert!(book.take(Endpoint::GetUser).is_none());
        assert_eq!(
            book.take(Endpoint::PutUser).and_then(|f| f.status),
            Some(409)
        );
        assert_eq!(book.view().faults[0].count, 1);
        assert!(book.take(Endpoint::PutUser).is_some());
        assert!(book.take(Endpoint::PutUser).is_none());
        book.push_bump("u", 1);
        assert!(!book.take_bump("v"));
        assert!(book.take_bump("u"));
        assert!(!book.take_bump("u"));
        assert_eq!(book.view().consumed, 4);
    }

    #[test]
    fn hides_fire_per_answer_until_used_up_and_clear() {
        let mut book = FaultBook::default();
        book.push_hide("u", 2);
        book.push_hide("u", 0);
        book.push_hide("v", 1);
        assert_eq!(
            book.view().hidden_from_batches,
            vec![
                PendingHide {
                    user_id: "u".to_owned(),
                    times: 2
                },
                PendingHide {
                    user_id: "v".to_owned(),
                    times: 1
                },
            ]
        );
        assert!(!book.take_hide("w"));
        assert!(book.take_hide("u"));
        assert_eq!(book.view().hidden_from_batches[0].times, 1);
        assert!(book.take_hide("u"));
        assert!(!book.take_hide("u"), "used up");
        assert!(!book.take_bump("v"), "a hide is not a bump");
        assert_eq!(book.view().consumed, 2);
        book.clear();
        assert!(!book.take_hide("v"), "cleared");
        assert!(book.view().hidden_from_batches.is_empty());
        assert_eq!(book.view().consumed, 2, "clearing keeps the consumed count");
    }

    #[test]
    fn malformed_items_and_an_absent_batch_endpoint_fire_until_cleared() {
        let mut book = FaultBook::default();
        book.push_malformed("u", 1);
        assert!(!book.take_hide("u"), "a malformed item is not a hide");
        assert!(book.take_malformed("u"));
        assert!(!book.take_malformed("u"), "used up");
        assert!(!book.take_batch_absent());
        book.set_batch_absent(true);
        assert!(book.view().batch_endpoint_absent);
        assert!(
            book.take_batch_absent() && book.take_batch_absent(),
            "until cleared"
        );
        assert_eq!(book.view().consumed, 3);
        book.push_malformed("v", 2);
        book.clear();
        assert!(!book.take_batch_absent() && !book.take_malformed("v"));
        assert!(book.view().malformed_in_batches.is_empty());
    }

    #[test]
    fn validation_rejects_nonsense() {
        assert!(Fault::status(Endpoint::Token, 503)
            .times(0)
            .validate()
            .is_err());
        assert!(Fault::status(Endpoint::Token, 200).validate().is_err());
        assert!(Fault::garbage(Endpoint::Token)
            .with_status(200)
            .validate()
            .is_ok());
        assert!(Fault::latency(Endpoint::Token, Duration::ZERO)
            .validate()
            .is_err());
        assert_eq!(Fault::garbage(Endpoint::Token).effective_status(), 502);
    }
}
