//! What the framework does with a listing: results go out as events until Terraform's limit,
//! a closed stream or an error (the last event, after the results that stand), objects only
//! when asked for, and diagnostics under the `list` block's `config` block.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;

use super::*;
use crate::framework::{ListResults, Listed};
use crate::tfproto::proto::list_resource::Event;

/// Lists toys `toy0`, `toy1`, ... up to `count`, failing before `fail_at` when that is set;
/// counts the toys it was let to push.
#[derive(Default)]
struct ToyList {
    pushed: AtomicUsize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[schema(version = 0, description = "Toys.")]
struct ToyListConfig {
    #[attr(required, description = "How many.")]
    count: Field<i64>,
    #[attr(optional, description = "Where it fails.")]
    #[serde(default)]
    fail_at: Field<i64>,
    #[attr(computed, description = "Read-only.")]
    #[serde(default)]
    seen: Field<i64>,
}

impl ListResource for ToyList {
    type Resource = Toy;
    type Config = ToyListConfig;

    fn validate(&self, config: &ToyListConfig) -> Diagnostics {
        match config.count.known() {
            Some(n) if *n < 0 => Diagnostic::error("Negative", "count < 0")
                .at("count")
                .into(),
            _ => Diagnostics::new(),
        }
    }

    async fn list(
        &self,
        _: &(),
        config: ToyListConfig,
        results: &mut ListResults<Toy>,
    ) -> Result<(), Diagnostics> {
        let count = config.count.known().copied().unwrap_or(0);
        for i in 0..count {
            if config.fail_at.known() == Some(&i) {
                return Err(Diagnostic::error("Broke", format!("at {i}"))
                    .at("count")
                    .into());
            }
            let name = format!("toy{i}");
            let toy = Listed {
                identity: ToyIdentity { name: name.clone() },
                display_name: name.to_uppercase(),
                object: Some(ToyModel {
                    name: Field::Known(name),
                    fail: Field::Known(false),
                }),
            };
            self.pushed.fetch_add(1, Ordering::SeqCst);
            if results.push(toy).await == ControlFlow::Break(()) {
                break;
            }
        }
        Ok(())
    }
}

fn config(count: i64, fail_at: Option<i64>) -> Value {
    Value::object([
        ("count", Value::from(count)),
        ("fail_at", fail_at.map_or(Value::Null, Value::from)),
    ])
}

/// Every event of a listing of `config`.
async fn listing(list: &ToyList, config: &Value, include_resource: bool, limit: i64) -> Vec<Event> {
    let (tx, mut rx) = mpsc::channel(100);
    let request = ListRequest {
        include_resource,
        limit,
    };
    AnyListResource::<()>::list(list, &(), config, request, tx).await;
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    events
}

fn identity_name(event: &Event) -> String {
    let data = event
        .identity
        .as_ref()
        .and_then(|i| i.identity_data.as_ref());
    let value = Value::from_dynamic(data.expect("an identity")).expect("decodes");
    value.get("name").as_str().expect("a name").to_owned()
}

fn error_path(event: &Event) -> Vec<String> {
    event.diagnostic[0]
        .attribute
        .iter()
        .flat_map(|p| &p.steps)
        .filter_map(|s| match &s.selector {
            Some(crate::tfproto::proto::attribute_path::step::Selector::AttributeName(n)) => {
                Some(n.clone())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn results_stop_at_the_limit() {
    let list = ToyList::default();
    let events = listing(&list, &config(5, None), false, 2).await;
    let names: Vec<String> = events.iter().map(identity_name).collect();
    assert_eq!(names, ["toy0", "toy1"]);
    assert_eq!(events[0].display_name, "TOY0");
    assert_eq!(
        list.pushed.load(Ordering::SeqCst),
        2,
        "nothing listed past the limit"
    );

    let list = ToyList::default();
    assert!(listing(&list, &config(5, None), false, 0).await.is_empty());
    assert_eq!(
        list.pushed.load(Ordering::SeqCst),
        0,
        "a limit of 0 lists nothing"
    );
}

#[tokio::test]
async fn objects_go_out_only_when_asked_for() {
    let list = ToyList::default();
    let without = listing(&list, &config(1, None), false, 10).await;
    assert!(without[0].resource_object.is_none());
    let with = listing(&list, &config(1, None), true, 10).await;
    let object = with[0].resource_object.as_ref().expect("asked for");
    assert_eq!(
        Value::from_dynamic(object).expect("decodes"),
        toy("toy0", false)
    );
}

#[tokio::test]
async fn an_error_is_the_last_event_after_the_results_that_stand() {
    let list = ToyList::default();
    let events = listing(&list, &config(5, Some(3)), false, 10).await;
    assert_eq!(events.len(), 4);
    assert!(events[..3]
        .iter()
        .all(|e| e.diagnostic.is_empty() && e.identity.is_some()));
    let last = &events[3];
    assert!(last.identity.is_none());
    assert_eq!(last.diagnostic[0].summary, "Broke");
    assert_eq!(error_path(last), ["config", "count"]);
}

#[tokio::test]
async fn a_closed_stream_ends_the_listing() {
    let request = ListRequest {
        include_resource: false,
        limit: 1000,
    };
    let list = ToyList::default();
    let (tx, rx) = mpsc::channel(1);
    drop(rx);
    AnyListResource::<()>::list(&list, &(), &config(1000, None), request, tx).await;
    assert_eq!(
        list.pushed.load(Ordering::SeqCst),
        0,
        "closed before it starts: nothing listed"
    );

    let list = std::sync::Arc::new(ToyList::default());
    let (tx, mut rx) = mpsc::channel(1);
    let lister = std::sync::Arc::clone(&list);
    let running = tokio::spawn(async move {
        AnyListResource::<()>::list(&*lister, &(), &config(1000, None), request, tx).await;
    });
    rx.recv().await.expect("a first result");
    drop(rx);
    running.await.expect("the listing ends");
    let pushed = list.pushed.load(Ordering::SeqCst);
    assert!(
        pushed <= 3,
        "stopped once the stream closed, not after {pushed} of 1000"
    );
}

#[test]
fn validation_speaks_of_the_config_block() {
    let list = ToyList::default();
    let mut bad = config(-1, None);
    if let Value::Object(attrs) = &mut bad {
        attrs.insert("seen", Value::from(3));
    }
    let diags = AnyListResource::<()>::validate(&list, &bad);
    let paths: Vec<Vec<String>> = diags.iter().map(|d| d.attribute.clone()).collect();
    assert_eq!(
        paths,
        [
            vec!["config".to_owned(), "seen".to_owned()],
            vec!["config".to_owned(), "count".to_owned()]
        ]
    );
    let registry = Registry::default()
        .resource(Toy)
        .list_resource(ToyList::default());
    assert!(registry.find_list_resource("toy").is_ok());
    assert!(registry.find_list_resource("nope").is_err());
}
