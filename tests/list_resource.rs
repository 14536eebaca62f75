//! `list "acronis_user_status"` and `GenerateResourceConfig` over the protocol, against the
//! built provider binary and the simulator: how many pages a `limit` reads, what a closed
//! stream stops, failures as the last event after results that stand, retries mid-stream,
//! `include_resource`, the filters, diagnostics under the `config` block, and the
//! configuration written for an account. `tests/acceptance_query.rs` drives the same with real
//! Terraform.

use std::time::Duration;

use acronis_sim::{Endpoint, SeedTenant};
use terraform_provider_acronis::tfproto::proto::{self, provider_client::ProviderClient};
use terraform_provider_acronis::tfproto::Value;
use tonic::transport::Channel;

mod support;
use support::plugin_client::configured_provider;
use support::*;

const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
const OTHER_TENANT: &str = "7e4a0700-0000-4000-8000-000000000006";
const TYPE: &str = "acronis_user_status";

/// The `config` block of a list block.
fn config(tenant_id: &str, enabled: Option<bool>, children: Option<bool>) -> Value {
    let opt = |b: Option<bool>| b.map_or(Value::Null, Value::from);
    Value::object([
        ("enabled", opt(enabled)),
        ("include_child_tenants", opt(children)),
        ("tenant_id", Value::from(tenant_id)),
    ])
}

fn request(config: &Value, include_resource: bool, limit: i64) -> proto::list_resource::Request {
    proto::list_resource::Request {
        type_name: TYPE.into(),
        config: Some(config.to_dynamic()),
        include_resource_object: include_resource,
        limit,
    }
}

/// Every event of a listing, to the end of the stream.
async fn list_all(
    client: &mut ProviderClient<Channel>,
    request: proto::list_resource::Request,
) -> Vec<proto::list_resource::Event> {
    let mut stream = client
        .list_resource(request)
        .await
        .expect("ListResource starts")
        .into_inner();
    let mut events = Vec::new();
    while let Some(event) = stream.message().await.expect("the stream stays sound") {
        events.push(event);
    }
    events
}

/// The user ids of result events, sorted, and whether any came twice.
fn sorted_ids(events: &[proto::list_resource::Event]) -> Vec<String> {
    let mut ids: Vec<String> = events.iter().map(user_id).collect();
    ids.sort();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count, "no account is listed twice");
    ids
}

/// Whether every id of `part` is one of `all`.
fn all_among(part: &[String], all: &[String]) -> bool {
    part.iter().all(|id| all.contains(id))
}

/// The user id of a result event.
fn user_id(event: &proto::list_resource::Event) -> String {
    let identity = event
        .identity
        .as_ref()
        .and_then(|i| i.identity_data.as_ref())
        .expect("a result carries its identity");
    let identity = Value::from_dynamic(identity).expect("identity decodes");
    identity
        .get("user_id")
        .as_str()
        .expect("user_id")
        .to_owned()
}

/// The error summaries and details of an event, and its attribute paths.
fn errors(event: &proto::list_resource::Event) -> Vec<(String, String, Vec<String>)> {
    event
        .diagnostic
        .iter()
        .filter(|d| d.severity == proto::diagnostic::Severity::Error as i32)
        .map(|d| {
            let path = d
                .attribute
                .iter()
                .flat_map(|p| &p.steps)
                .filter_map(|s| match &s.selector {
                    Some(proto::attribute_path::step::Selector::AttributeName(n)) => {
                        Some(n.clone())
                    }
                    _ => None,
                })
                .collect();
            (d.summary.clone(), d.detail.clone(), path)
        })
        .collect()
}

/// Books a harmless fault for the first batch read, so the faults booked after it hit the
/// later pages (the simulator hands faults out in order).
fn first_page_passes(sim: &Simulator) {
    sim.inject(Fault::latency(
        Endpoint::BatchUsers,
        Duration::from_millis(1),
    ));
}

fn config_tenant_id() -> Vec<String> {
    vec!["config".to_owned(), "tenant_id".to_owned()]
}

#[tokio::test]
async fn a_tenant_is_listed_exactly_with_logins() {
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    sim.add_tenant(OTHER_TENANT, 30);
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let events = list_all(
        &mut client,
        request(&config(TENANT, None, None), false, 1000),
    )
    .await;
    assert!(events.iter().all(|e| e.diagnostic.is_empty()));
    assert_eq!(sorted_ids(&events), ids, "exactly the tenant's accounts");
    for event in &events {
        let user = sim.user(&user_id(event)).expect("a live account");
        assert_eq!(event.display_name, user["login"].as_str().expect("login"));
        assert!(event.resource_object.is_none(), "not asked for");
    }
    assert_eq!(sim.calls().tenant_users, 1);
    assert_eq!(sim.calls().batch_users, 3, "three pages of up to 100");
}

#[tokio::test]
async fn a_limit_reads_only_the_pages_it_needs() {
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let events = list_all(&mut client, request(&config(TENANT, None, None), false, 7)).await;
    let listed = sorted_ids(&events);
    assert_eq!(listed.len(), 7);
    assert!(all_among(&listed, &ids));
    assert_eq!(sim.calls().batch_users, 1, "one page only");

    sim.reset_calls();
    let events = list_all(&mut client, request(&config(TENANT, None, None), false, 0)).await;
    assert!(events.is_empty());
    assert_eq!(
        sim.calls().tenant_users + sim.calls().batch_users,
        0,
        "nothing asked, nothing read"
    );
}

#[tokio::test]
async fn a_closed_stream_stops_the_listing() {
    let sim = simulator(vec![]);
    sim.add_tenant(TENANT, 450);
    // The first page comes at once, every later one after a second.
    first_page_passes(&sim);
    sim.inject(Fault::latency(Endpoint::BatchUsers, Duration::from_secs(1)).times(10));
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let mut stream = client
        .list_resource(request(&config(TENANT, None, None), false, 1000))
        .await
        .expect("ListResource starts")
        .into_inner();
    stream
        .message()
        .await
        .expect("sound")
        .expect("a first result");
    drop(stream);
    // Page 2 may have been asked for; page 3 never is.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(sim.calls().batch_users <= 2, "{:?}", sim.calls());

    // The provider serves on.
    sim.clear_faults();
    let events = list_all(&mut client, request(&config(TENANT, None, None), false, 3)).await;
    assert_eq!(events.len(), 3);
}

#[tokio::test]
async fn an_api_failure_mid_stream_is_the_last_event_and_earlier_results_stand() {
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    first_page_passes(&sim);
    sim.inject(Fault::status(Endpoint::BatchUsers, 503).times(5));
    let (_plugin, mut client) = configured_provider(&sim, &[("max_retries", Value::from(0))]).await;
    let events = list_all(
        &mut client,
        request(&config(TENANT, None, None), false, 1000),
    )
    .await;
    let (last, results) = events.split_last().expect("events");
    let listed = sorted_ids(results);
    assert_eq!(listed.len(), 100, "page 1 stands");
    assert!(all_among(&listed, &ids), "each result whole");
    assert!(results.iter().all(|e| e.diagnostic.is_empty()));
    assert!(last.identity.is_none());
    let [(summary, detail, path)] = &errors(last)[..] else {
        panic!("one error: {last:?}")
    };
    assert_eq!(summary, "Could not list the tenant's users");
    assert!(detail.contains(TENANT), "{detail}");
    assert!(detail.contains("HTTP 503"), "{detail}");
    assert!(detail.contains("stopped at page 2"), "{detail}");
    assert!(
        detail.contains("the 100 accounts listed before it stand"),
        "{detail}"
    );
    assert_eq!(path, &config_tenant_id());
}

#[tokio::test]
async fn a_503_mid_stream_is_retried() {
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 250);
    first_page_passes(&sim);
    sim.inject(Fault::status(Endpoint::BatchUsers, 503).with_retry_after("0"));
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let events = list_all(
        &mut client,
        request(&config(TENANT, None, None), false, 1000),
    )
    .await;
    assert_eq!(sorted_ids(&events), ids);
    assert_eq!(sim.calls().batch_users, 4, "page 2 was asked for twice");
}

#[tokio::test]
async fn an_unknown_or_malformed_tenant_is_an_error_at_config_tenant_id() {
    let sim = simulator(vec![]);
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let events = list_all(
        &mut client,
        request(&config(TENANT, None, None), false, 100),
    )
    .await;
    let [event] = &events[..] else {
        panic!("one event: {events:?}")
    };
    let [(summary, _, path)] = &errors(event)[..] else {
        panic!("one error: {event:?}")
    };
    assert_eq!(summary, &format!("Tenant {TENANT} not found"));
    assert_eq!(path, &config_tenant_id());

    let bad = config("Acme", None, None);
    let validated = client
        .validate_list_resource_config(proto::validate_list_resource_config::Request {
            type_name: TYPE.into(),
            config: Some(bad.to_dynamic()),
            ..Default::default()
        })
        .await
        .expect("ValidateListResourceConfig")
        .into_inner();
    let [d] = &validated.diagnostics[..] else {
        panic!("one diagnostic: {validated:?}")
    };
    assert_eq!(d.summary, "Invalid tenant id");
    let events = list_all(&mut client, request(&bad, false, 100)).await;
    assert_eq!(errors(&events[0])[0].0, "Invalid tenant id");
    assert_eq!(errors(&events[0])[0].2, config_tenant_id());
    assert_eq!(sim.calls().tenant_users, 1, "a malformed id is never sent");
}

#[tokio::test]
async fn objects_are_what_an_import_stores_and_filters_select() {
    let sim = simulator(vec![]);
    let ids = sim.add_tenant(TENANT, 5);
    sim.console_set_enabled(&ids[1], false);
    sim.console_set_enabled(&ids[3], false);
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let events = list_all(
        &mut client,
        request(&config(TENANT, Some(false), None), true, 100),
    )
    .await;
    assert_eq!(
        sorted_ids(&events),
        [ids[1].clone(), ids[3].clone()],
        "the disabled ones"
    );
    for event in &events {
        let id = user_id(event);
        let object = event.resource_object.as_ref().expect("asked for");
        let object = Value::from_dynamic(object).expect("decodes");
        let (enabled, version) = truth(&sim, &id);
        assert_eq!(
            object,
            Value::object([
                ("enabled", Value::from(enabled)),
                ("id", Value::from(id.as_str())),
                ("on_destroy", Value::from("keep")),
                ("user_id", Value::from(id.as_str())),
                ("version", Value::from(version)),
            ])
        );
    }
    let enabled = list_all(
        &mut client,
        request(&config(TENANT, Some(true), None), false, 100),
    )
    .await;
    assert_eq!(enabled.len(), 3);
}

#[tokio::test]
async fn nested_tenants_count_only_when_asked() {
    const UNIT: &str = "7e4a0700-0000-4000-8000-000000000007";
    let sim = simulator(vec![]);
    let own = sim.add_tenant(TENANT, 3);
    let nested = sim.seed_tenant(SeedTenant::new(UNIT, 2).with_parent(TENANT));
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let events = list_all(
        &mut client,
        request(&config(TENANT, None, None), false, 100),
    )
    .await;
    assert_eq!(sorted_ids(&events), own, "the tenant's own accounts");
    let events = list_all(
        &mut client,
        request(&config(TENANT, None, Some(true)), false, 100),
    )
    .await;
    let mut all = [own, nested].concat();
    all.sort();
    assert_eq!(sorted_ids(&events), all, "and those of its unit");
}

/// GenerateResourceConfig for `state`.
async fn generated(client: &mut ProviderClient<Channel>, state: Value) -> Value {
    let answer = client
        .generate_resource_config(proto::generate_resource_config::Request {
            type_name: TYPE.into(),
            state: Some(state.to_dynamic()),
        })
        .await
        .expect("GenerateResourceConfig")
        .into_inner();
    assert!(answer.diagnostics.is_empty(), "{:?}", answer.diagnostics);
    Value::from_dynamic(&answer.config.expect("a config")).expect("decodes")
}

#[tokio::test]
async fn generated_configuration_says_user_id_and_enabled_only() {
    let sim = simulator(vec![]);
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let state = |on_destroy: &str| {
        Value::object([
            ("enabled", Value::from(false)),
            ("id", Value::from(TENANT)),
            ("on_destroy", Value::from(on_destroy)),
            ("user_id", Value::from(TENANT)),
            ("version", Value::from(4)),
        ])
    };
    let config = |on_destroy: Value| {
        Value::object([
            ("enabled", Value::from(false)),
            ("id", Value::Null),
            ("on_destroy", on_destroy),
            ("user_id", Value::from(TENANT)),
            ("version", Value::Null),
        ])
    };
    assert_eq!(
        generated(&mut client, state("keep")).await,
        config(Value::Null)
    );
    assert_eq!(
        generated(&mut client, state("disable")).await,
        config(Value::from("disable")),
        "a setting other than the default is kept"
    );
    assert_eq!(generated(&mut client, Value::Null).await, Value::Null);
}

#[tokio::test]
async fn the_schema_offers_the_list_resource_and_generated_configuration() {
    let sim = simulator(vec![]);
    let (_plugin, mut client) = configured_provider(&sim, &[]).await;
    let schema = client
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    let list = schema.list_resource_schemas.get(TYPE).expect("listed");
    let names: Vec<&str> = list
        .block
        .iter()
        .flat_map(|b| &b.attributes)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["tenant_id", "include_child_tenants", "enabled"]);
    assert!(
        schema.resource_schemas.contains_key(TYPE),
        "the type it lists is served"
    );
    let capabilities = schema.server_capabilities.expect("capabilities");
    assert!(capabilities.generate_resource_config);
    let identities = client
        .get_resource_identity_schemas(proto::get_resource_identity_schemas::Request {})
        .await
        .expect("GetResourceIdentitySchemas")
        .into_inner();
    assert!(
        identities.identity_schemas.contains_key(TYPE),
        "results carry its identity"
    );
    let metadata = client
        .get_metadata(proto::get_metadata::Request {})
        .await
        .expect("GetMetadata")
        .into_inner();
    let listed: Vec<&str> = metadata
        .list_resources
        .iter()
        .map(|l| l.type_name.as_str())
        .collect();
    assert_eq!(listed, [TYPE]);
}

/// Terraform refuses a list resource whose managed resource type it does not know with an
/// identity.
#[test]
fn every_list_resource_lists_a_served_resource_with_an_identity() {
    let registry = terraform_provider_acronis::provider::registry();
    for list in registry.list_resources() {
        let resource = registry
            .find_resource(list.type_name())
            .unwrap_or_else(|_| panic!("{} is not a served resource", list.type_name()));
        assert!(resource.identity_schema().is_some(), "{}", list.type_name());
    }
}
