//! The contract test: the real client (`terraform_provider_acronis::acronis`) drives the
//! simulator with traffic recording on, and every request it sent and every answer it got is
//! held against the vendor's OpenAPI document (`ACRONIS_OPENAPI_DOCUMENT`; skipped without it);
//! so is the traffic of one real Terraform session, and every answer the simulator can give.

mod drive;
mod endpoints;
mod openapi;
mod raw;
#[path = "../support/mod.rs"]
mod support;
mod terraform;

use std::collections::BTreeSet;
use std::time::Duration;

use acronis_sim::{Exchange, SeedUser, SimConfig, Simulator};
use secrecy::SecretString;
use terraform_provider_acronis::acronis::{
    AcronisClient, BaseUrl, ClientOptions, Credentials, ProxySettings, RetryPolicy,
};
use tokio_util::sync::CancellationToken;

use drive::{Ctx, ALICE, BOB, CAROL, STEPS};
use openapi::{Document, ENV, PUBLIC_URL};

fn document() -> Option<Document> {
    let document = Document::from_env();
    if document.is_none() {
        println!("SKIPPED contract test: {ENV} is not set (the vendor's document: {PUBLIC_URL})");
    }
    document
}

fn client(sim: &Simulator, secret: &str) -> AcronisClient {
    let options = ClientOptions {
        base_url: BaseUrl::parse(&sim.base_url()).expect("base url"),
        credentials: Credentials::ClientSecret {
            client_id: "sim-client".into(),
            client_secret: SecretString::from(secret),
        },
        retry: RetryPolicy {
            base_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        request_timeout: Duration::from_secs(5),
        extra_ca_pem: None,
        user_agent: "contract".into(),
        proxy: ProxySettings::default(),
        batch_reads: true,
    };
    AcronisClient::new(options, CancellationToken::new()).expect("client")
}

fn simulator() -> Simulator {
    let users = [
        (ALICE, "alice", true),
        (BOB, "bob", false),
        (CAROL, "carol", true),
    ]
    .into_iter()
    .map(|(id, login, enabled)| SeedUser {
        enabled,
        ..SeedUser::new(login).with_id(id)
    })
    .collect();
    let sim = Simulator::start(SimConfig {
        users,
        ..SimConfig::default()
    })
    .expect("sim");
    drive::seed(&sim);
    sim
}

/// Every problem of every exchange, each line naming the request.
fn problems(document: &Document, traffic: &[Exchange]) -> Vec<String> {
    traffic
        .iter()
        .flat_map(|ex| {
            document.problems(ex).into_iter().map(move |p| {
                format!(
                    "{} {}?{} -> {}: {p}",
                    ex.method, ex.path, ex.query, ex.status
                )
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clients_requests_and_the_simulators_answers_follow_the_vendors_document() {
    let Some(document) = document() else { return };
    let sim = simulator();
    sim.record_traffic();
    let ctx = Ctx {
        client: client(&sim, "sim-secret"),
        stranger: client(&sim, "wrong-secret"),
        sim,
    };
    for (name, step) in STEPS {
        println!("contract step: {name}");
        step(&ctx).await;
    }
    let traffic = ctx.sim.traffic();
    assert_follows_the_document(&document, &traffic);
    let statuses: BTreeSet<u16> = traffic.iter().map(|ex| ex.status).collect();
    for expected in [200, 401, 404, 409] {
        assert!(
            statuses.contains(&expected),
            "no {expected} answer in {statuses:?}"
        );
    }
}

#[test]
fn a_terraform_session_sends_and_gets_only_what_the_document_allows() {
    let Some(document) = document() else { return };
    let (_sim, traffic) = terraform::session();
    assert_follows_the_document(&document, &traffic);
}

/// Fails the test unless every exchange follows the document and the traffic holds each
/// operation the provider uses.
fn assert_follows_the_document(document: &Document, traffic: &[Exchange]) {
    let found = problems(document, traffic);
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
    let operations: BTreeSet<String> = traffic
        .iter()
        .filter_map(|ex| document.operation_id(&ex.method, &ex.path))
        .collect();
    for expected in [
        "RequestTokens",
        "FetchUser",
        "UpdateUser",
        "FetchUsersBatch",
        "FetchTenantUsers",
    ] {
        assert!(
            operations.contains(expected),
            "no {expected} in {operations:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_finds_broken_requests_and_answers() {
    let Some(document) = document() else { return };
    let good = Exchange {
        method: "GET".into(),
        path: format!("/api/2/users/{ALICE}"),
        query: "allow_deleted=true".into(),
        content_type: None,
        request_body: String::new(),
        status: 404,
        response_content_type: Some("application/json".into()),
        response_body: r#"{"error":{"code":"not_found","message":"m","details":{"info":null},"domain":"PlatformAccountServer"}}"#.into(),
        fault: false,
    };
    assert_eq!(document.problems(&good), Vec::<String>::new());
    let broken = [
        Exchange {
            query: "colour=red".into(),
            ..good.clone()
        },
        Exchange {
            query: "allow_deleted=maybe".into(),
            ..good.clone()
        },
        Exchange {
            path: "/api/2/users/NOT-A-UUID".into(),
            ..good.clone()
        },
        Exchange {
            status: 418,
            ..good.clone()
        },
        Exchange {
            response_body: r#"{"error":{"message":"m"}}"#.into(),
            ..good.clone()
        },
        Exchange {
            status: 200,
            response_body: format!(r#"{{"id":"{ALICE}","version":"v1"}}"#),
            ..good.clone()
        },
        Exchange {
            method: "PUT".into(),
            query: String::new(),
            content_type: Some("application/json".into()),
            request_body: r#"{"enabled":false,"version":1,"tenant_id":"x"}"#.into(),
            ..good.clone()
        },
        Exchange {
            method: "PATCH".into(),
            ..good.clone()
        },
    ];
    for exchange in broken {
        assert!(
            !document.problems(&exchange).is_empty(),
            "not caught: {exchange:?}"
        );
    }
}

#[test]
fn every_answer_the_simulator_gives_follows_the_vendors_document() {
    let Some(document) = document() else { return };
    let sim = simulator();
    sim.record_traffic();
    endpoints::exercise(&sim);
    let traffic = sim.traffic();
    let found: Vec<String> = traffic
        .iter()
        .flat_map(|ex| {
            document
                .response_problems(ex, endpoints::UNDECLARED)
                .into_iter()
                .map(move |p| {
                    format!(
                        "{} {}?{} -> {}: {p}",
                        ex.method, ex.path, ex.query, ex.status
                    )
                })
        })
        .collect();
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
    let seen = endpoints::seen(&document, &traffic);
    let missing: Vec<_> = endpoints::EXPECTED
        .iter()
        .filter(|(id, status)| !seen.contains(&((*id).to_owned(), *status)))
        .collect();
    assert!(
        missing.is_empty(),
        "never answered: {missing:?}; seen {seen:?}"
    );
}
