//! The Acronis client against the simulator over real HTTP: token lifecycle, retries, error
//! parsing, conflict reconciliation, timeouts and private CAs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use acronis_sim::{Endpoint, ExpiryFields};
use secrecy::SecretString;
use terraform_provider_acronis::acronis::{
    AcronisClient, ApiError, BaseUrl, ClientOptions, Credentials, Operation, ProxySettings,
    RetryPolicy, TenantScope,
};
use tokio_util::sync::CancellationToken;

mod support;
use support::*;

const ALICE: &str = "1c234e69-5469-424a-a6d1-ff5658b387a6";

fn options(base_url: &str, credentials: Credentials) -> ClientOptions {
    ClientOptions {
        base_url: BaseUrl::parse(base_url).expect("base url"),
        credentials,
        retry: RetryPolicy {
            base_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        },
        request_timeout: Duration::from_secs(5),
        extra_ca_pem: None,
        user_agent: "tests".into(),
        proxy: ProxySettings::default(),
        batch_reads: true,
    }
}

fn secret_credentials() -> Credentials {
    Credentials::ClientSecret {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(CLIENT_SECRET),
    }
}

fn client_for(sim: &Simulator) -> AcronisClient {
    AcronisClient::new(
        options(&sim.base_url(), secret_credentials()),
        CancellationToken::new(),
    )
    .expect("client")
}

fn alice() -> Simulator {
    simulator(vec![user(ALICE, "alice", true)])
}

#[tokio::test]
async fn one_token_serves_every_call_including_concurrent_ones() {
    let sim = alice();
    // Unbatched, so that the concurrent reads are concurrent calls.
    let client = Arc::new(
        AcronisClient::new(
            ClientOptions {
                batch_reads: false,
                ..options(&sim.base_url(), secret_credentials())
            },
            CancellationToken::new(),
        )
        .expect("client"),
    );
    assert_eq!(sim.calls().token, 0, "no token before the first call");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_user(ALICE).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("join").expect("get").id, ALICE);
    }
    for _ in 0..5 {
        client.get_user(ALICE).await.expect("get");
    }
    assert_eq!(sim.calls().token, 1);
    assert_eq!(sim.calls().get_user, 25);
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry_from_either_field() {
    for fields in [
        ExpiryFields::ExpiresIn,
        ExpiryFields::ExpiresOn,
        ExpiryFields::Both,
    ] {
        let sim = alice();
        sim.set_expiry_fields(fields);
        sim.set_token_ttl(Duration::from_secs(2));
        let client = client_for(&sim);
        client.get_user(ALICE).await.expect("first");
        // Past the refresh point (a tenth of the lifetime before expiry) but short of the
        // token's two seconds: a client that kept the token until it expired would not ask
        // for another yet. (`expires_on` is whole seconds, so its lifetime may read shorter.)
        tokio::time::sleep(Duration::from_millis(1900)).await;
        client.get_user(ALICE).await.expect("second");
        let calls = sim.calls();
        // A second token, and no request refused on the way.
        assert_eq!(
            (calls.token, calls.get_user),
            (2, 2),
            "{fields:?}: {calls:?}"
        );
    }
}

#[tokio::test]
async fn without_expiry_fields_a_refused_token_is_replaced_once() {
    let sim = alice();
    sim.set_expiry_fields(ExpiryFields::Neither);
    let client = client_for(&sim);
    client.get_user(ALICE).await.expect("first");
    sim.revoke_tokens();
    client.get_user(ALICE).await.expect("after revocation");
    let calls = sim.calls();
    assert_eq!(
        (calls.token, calls.get_user),
        (2, 3),
        "401, new token, retry: {calls:?}"
    );
}

#[tokio::test]
async fn a_401_that_persists_is_reported_with_advice() {
    let sim = alice();
    sim.inject(Fault::status(Endpoint::GetUser, 401).times(5));
    let err = client_for(&sim).get_user(ALICE).await.expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(sim.calls().token, 2, "exactly one refresh");
    assert_eq!(sim.calls().get_user, 2);
}

#[tokio::test]
async fn wrong_client_credentials_fail_at_the_token_without_leaking_the_secret() {
    let sim = alice();
    let creds = Credentials::ClientSecret {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from("wrong-secret-123"),
    };
    let client = AcronisClient::new(options(&sim.base_url(), creds), CancellationToken::new())
        .expect("client");
    let err = client.get_user(ALICE).await.expect_err("refused");
    assert!(
        matches!(
            err,
            ApiError::Status {
                operation: Operation::Token,
                status: 401,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("access_denied"), "{err}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("wrong-secret-123"), "{shown}");
    assert_eq!(sim.calls().get_user, 0);
}

#[tokio::test]
async fn an_access_token_is_used_as_is() {
    let sim = alice();
    let client = AcronisClient::new(
        options(
            &sim.base_url(),
            Credentials::AccessToken(SecretString::from("minted-elsewhere")),
        ),
        CancellationToken::new(),
    )
    .expect("client");
    let err = client.get_user(ALICE).await.expect_err("unknown token");
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        sim.calls().token,
        0,
        "no token requests with an access token"
    );
}

#[test]
fn an_access_token_a_header_cannot_carry_is_refused_at_once() {
    let err = AcronisClient::new(
        options(
            "http://127.0.0.1:9",
            Credentials::AccessToken(SecretString::from("minted\nelsewhere")),
        ),
        CancellationToken::new(),
    )
    .err()
    .expect("a newline cannot be sent in a header");
    assert!(err.contains("access token"), "{err}");
    assert!(!err.contains("minted"), "the token leaked: {err}");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sim = alice();
    sim.inject(Fault::status(Endpoint::GetUser, 503).with_retry_after("1"));
    let started = Instant::now();
    client_for(&sim)
        .get_user(ALICE)
        .await
        .expect("after one retry");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sim.calls().get_user, 2);

    sim.inject(Fault::status(Endpoint::Token, 429).with_retry_after("1"));
    let started = Instant::now();
    client_for(&sim)
        .get_user(ALICE)
        .await
        .expect("token after a 429");
    assert!(started.elapsed() >= Duration::from_millis(950));
}

#[tokio::test]
async fn transient_failures_are_retried_and_persistent_ones_reported() {
    let sim = alice();
    let client = client_for(&sim);
    for fault in [
        Fault::status(Endpoint::GetUser, 500).times(2),
        Fault::status(Endpoint::GetUser, 502),
        Fault::status(Endpoint::GetUser, 504),
        Fault::drop_connection(Endpoint::GetUser).times(2),
        Fault::garbage(Endpoint::GetUser),
    ] {
        sim.inject(fault.clone());
        client
            .get_user(ALICE)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    }

    sim.inject(Fault::status(Endpoint::GetUser, 503).times(10));
    sim.reset_calls();
    let err = client.get_user(ALICE).await.expect_err("exhausted");
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        sim.calls().get_user,
        4,
        "the first attempt and max_retries = 3 more"
    );
    sim.clear_faults();

    sim.inject(Fault::garbage(Endpoint::GetUser).with_status(200));
    let err = client.get_user(ALICE).await.expect_err("HTML with 200");
    assert!(matches!(err, ApiError::InvalidResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn an_answer_over_8_mib_is_refused_not_read() {
    let sim = alice();
    sim.inject(Fault::oversized(Endpoint::GetUser));
    let client = client_for(&sim);
    let err = client.get_user(ALICE).await.expect_err("too large");
    assert!(matches!(err, ApiError::InvalidResponse { .. }), "{err:?}");
    assert!(err.to_string().contains("larger than 8 MiB"), "{err}");
    assert_eq!(sim.calls().get_user, 1, "not retried");
    assert_eq!(client.get_user(ALICE).await.expect("next call").id, ALICE);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let sim = alice();
    let client = client_for(&sim);
    let missing = "2c234e69-5469-424a-a6d1-ff5658b387a6";
    let err = client.get_user(missing).await.expect_err("404");
    assert!(err.is_not_found());
    sim.inject(Fault::status(Endpoint::GetUser, 403));
    let err = client.get_user(ALICE).await.expect_err("403");
    assert_eq!(err.status(), Some(403));
    assert_eq!(sim.calls().get_user, 2);
}

#[tokio::test]
async fn a_lost_put_response_is_reconciled_by_reading_not_guessing() {
    let sim = alice();
    let (_, version) = truth(&sim, ALICE);
    sim.inject(Fault::lose_response(Endpoint::PutUser));
    let user = client_for(&sim)
        .set_enabled(ALICE, false, Some(version))
        .await
        .expect("reconciled");
    assert!(!user.enabled);
    assert_eq!(
        truth(&sim, ALICE),
        (false, version + 1),
        "applied exactly once"
    );
    assert_eq!(user.version, version + 1);
    let calls = sim.calls();
    assert_eq!(
        (calls.put_user, calls.get_user),
        (2, 1),
        "lost PUT, retried PUT meets 409, re-read: {calls:?}"
    );
}

#[tokio::test]
async fn a_revision_bumped_between_read_and_write_is_retried_with_the_new_version() {
    let sim = alice();
    let (_, version) = truth(&sim, ALICE);
    sim.bump_between_read_and_write(ALICE, 2);
    let user = client_for(&sim)
        .set_enabled(ALICE, false, Some(version))
        .await
        .expect("reconciled");
    assert!(!user.enabled);
    assert_eq!(truth(&sim, ALICE), (false, user.version));
    assert_eq!(sim.calls().put_user, 3);
}

#[tokio::test]
async fn an_account_that_keeps_changing_ends_in_a_clear_error() {
    let sim = alice();
    sim.bump_between_read_and_write(ALICE, 100);
    let err = client_for(&sim)
        .set_enabled(ALICE, false, None)
        .await
        .expect_err("gives up");
    assert!(
        matches!(err, ApiError::Conflict { attempts: 5, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn slow_answers_time_out() {
    let sim = alice();
    sim.inject(Fault::latency(Endpoint::GetUser, Duration::from_secs(5)).times(5));
    let mut opts = options(&sim.base_url(), secret_credentials());
    opts.request_timeout = Duration::from_secs(1);
    opts.retry.max_retries = 1;
    let err = AcronisClient::new(opts, CancellationToken::new())
        .expect("client")
        .get_user(ALICE)
        .await
        .expect_err("timeout");
    // Had the client waited, the slow answer (a success) would have come back instead.
    assert!(
        matches!(err, ApiError::Timeout { seconds: 1, .. }),
        "{err:?}"
    );
    assert_eq!(sim.calls().get_user, 2, "the first try, then one retry");
}

#[tokio::test]
async fn batch_reads_return_only_existing_users() {
    let sim = alice();
    let users = client_for(&sim)
        .get_users(&[ALICE, "2c234e69-5469-424a-a6d1-ff5658b387a6"])
        .await
        .expect("batch");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id, ALICE);
    let calls = sim.calls();
    assert_eq!(
        (calls.batch_users, calls.batch_user_ids, calls.list_users),
        (1, 2, 0),
        "one batch read of two ids, counted apart from tenant listings"
    );
}

const TENANT: &str = "7e4a0700-0000-4000-8000-000000000005";
const OTHER_TENANT: &str = "7e4a0700-0000-4000-8000-000000000006";

#[tokio::test]
async fn a_tenant_listing_reads_the_ids_then_every_page_and_retries_a_failed_one() {
    let sim = alice();
    let mut expected = sim.add_tenant(TENANT, 250);
    sim.add_tenant(OTHER_TENANT, 40);
    let client = client_for(&sim);
    sim.inject(Fault::status(Endpoint::BatchUsers, 503));
    let users = client
        .list_tenant_users(TENANT, TenantScope::OwnUsers)
        .await
        .expect("all pages");
    let mut ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    ids.sort();
    expected.sort();
    assert_eq!(
        ids, expected,
        "every user of the tenant once, and nobody else"
    );
    assert!(users.iter().all(|u| u.tenant_id.as_deref() == Some(TENANT)));
    let calls = sim.calls();
    assert_eq!(
        (calls.tenant_users, calls.batch_users, calls.batch_user_ids),
        (1, 4, 350),
        "the ids once, then three batch reads of 100, 100 and 50 ids, one of them retried"
    );
    assert_eq!((calls.list_users, calls.get_user), (0, 0));
}

#[tokio::test]
async fn a_listing_hands_out_pages_as_they_are_asked_for() {
    let sim = alice();
    sim.add_tenant(TENANT, 250);
    let client = client_for(&sim);
    let mut pages = client.tenant_users(TENANT, TenantScope::OwnUsers);
    let first = pages.next_page().await.expect("page").expect("some");
    assert_eq!(first.len(), 100);
    assert_eq!(pages.pages_read(), 1);
    assert_eq!(
        (sim.calls().tenant_users, sim.calls().batch_users),
        (1, 1),
        "one page read, not the whole tenant"
    );
    let sizes = [
        pages.next_page().await.expect("2").map(|p| p.len()),
        pages.next_page().await.expect("3").map(|p| p.len()),
        pages.next_page().await.expect("end").map(|p| p.len()),
    ];
    assert_eq!(sizes, [Some(100), Some(50), None]);
}

#[tokio::test]
async fn a_listing_without_the_batch_endpoint_reads_each_account_alone() {
    let sim = alice();
    let mut expected = sim.add_tenant(TENANT, 30);
    sim.inject(Fault::status(Endpoint::BatchUsers, 404).times(100));
    let client = client_for(&sim);
    let mut ids: Vec<String> = client
        .list_tenant_users(TENANT, TenantScope::OwnUsers)
        .await
        .expect("listed one by one")
        .into_iter()
        .map(|u| u.id)
        .collect();
    ids.sort();
    expected.sort();
    assert_eq!(ids, expected);
    let calls = sim.calls();
    assert_eq!(
        (calls.batch_users, calls.get_user),
        (1, 30),
        "one batch call found the endpoint missing; then one GET per account"
    );
}

#[tokio::test]
async fn an_unknown_tenant_is_not_found_and_a_malformed_id_is_not_sent() {
    let sim = alice();
    let client = client_for(&sim);
    let unknown = "7e4a0700-0000-4000-8000-000000000007";
    let err = client
        .list_tenant_users(unknown, TenantScope::OwnUsers)
        .await
        .expect_err("unknown tenant");
    assert!(err.is_not_found(), "{err:?}");
    assert!(
        matches!(&err, ApiError::Status { operation: Operation::ListTenantUsers(id), .. } if id == unknown),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "listing the users of tenant {unknown} failed: HTTP 404"
        )),
        "{err}"
    );
    assert_eq!(sim.calls().tenant_users, 1, "a 404 is not retried");

    let err = client
        .list_tenant_users("tenant&limit=1", TenantScope::OwnUsers)
        .await
        .expect_err("malformed");
    assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
    assert_eq!(sim.calls().tenant_users, 1, "nothing sent");

    sim.add_tenant(TENANT, 0);
    assert_eq!(
        client
            .list_tenant_users(TENANT, TenantScope::OwnUsers)
            .await
            .expect("empty"),
        []
    );
}

#[tokio::test]
async fn a_user_id_that_is_not_a_uuid_never_becomes_a_request() {
    let sim = alice();
    let client = client_for(&sim);
    for hostile in ["../tenants", "a?b=c", "x/../../idp/token", "", "%2e%2e"] {
        let err = client.get_user(hostile).await.expect_err(hostile);
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
        let err = client
            .set_enabled(hostile, false, Some(1))
            .await
            .expect_err(hostile);
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
        let err = client.get_users(&[hostile]).await.expect_err(hostile);
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
    }
    assert_eq!(
        sim.calls(),
        CallCounts::default(),
        "nothing was sent, not even a token request"
    );
}

/// A TLS front for the simulator whose certificate (for `host`) is issued by a private CA;
/// returns the CA (PEM) and the front's port.
async fn tls_front(sim: &Simulator, host: &str) -> (String, u16) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Test Private CA");
    let ca_pem = ca_params.self_signed(&ca_key).expect("CA cert").pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec![host.to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &issuer)
        .expect("leaf cert");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    )
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let backend = sim.addr();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                if let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    (ca_pem, port)
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_given_as_ca_file() {
    let sim = alice();
    let (ca_pem, port) = tls_front(&sim, "localhost").await;

    let options_without_ca = || {
        let mut opts = options(&format!("https://localhost:{port}"), secret_credentials());
        opts.retry.max_retries = 0;
        opts
    };
    let untrusting =
        AcronisClient::new(options_without_ca(), CancellationToken::new()).expect("client");
    let err = untrusting
        .get_user(ALICE)
        .await
        .expect_err("unknown issuer");
    assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );

    let mut opts = options_without_ca();
    opts.extra_ca_pem = Some(ca_pem.into_bytes());
    let trusting = AcronisClient::new(opts, CancellationToken::new()).expect("client");
    assert_eq!(trusting.get_user(ALICE).await.expect("over TLS").id, ALICE);
}

/// A forward proxy that tunnels every `CONNECT` to `127.0.0.1:upstream`, recording each request
/// head it was sent.
async fn connect_proxy(upstream: u16) -> (u16, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                seen.lock()
                    .expect("heads")
                    .push(String::from_utf8_lossy(&head).into_owned());
                let Ok(mut server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                else {
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });
    (port, heads)
}

#[tokio::test]
async fn https_goes_through_the_proxy_the_environment_names_with_its_credentials() {
    let sim = alice();
    // A name only the proxy can reach: the client never resolves it itself.
    let (ca_pem, front) = tls_front(&sim, "api.acronis.test").await;
    let (proxy, heads) = connect_proxy(front).await;

    let mut opts = options(
        &format!("https://api.acronis.test:{front}"),
        secret_credentials(),
    );
    opts.extra_ca_pem = Some(ca_pem.into_bytes());
    opts.proxy = ProxySettings::from_env(|var| {
        (var == "HTTPS_PROXY").then(|| format!("http://user:pa55@127.0.0.1:{proxy}"))
    });
    let client = AcronisClient::new(opts, CancellationToken::new()).expect("client");
    assert_eq!(client.get_user(ALICE).await.expect("via proxy").id, ALICE);

    let heads = heads.lock().expect("heads").clone();
    assert!(!heads.is_empty(), "the proxy was not used");
    for head in &heads {
        assert!(
            head.starts_with(&format!("CONNECT api.acronis.test:{front} HTTP/1.1\r\n")),
            "{head}"
        );
        // base64("user:pa55"); header names are case-insensitive.
        let authorization = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("proxy-authorization")
                .then(|| value.trim())
        });
        assert_eq!(authorization, Some("Basic dXNlcjpwYTU1"), "{head}");
    }
}

#[tokio::test]
async fn loopback_and_no_proxy_hosts_are_reached_directly() {
    let sim = alice();
    let (proxy, heads) = connect_proxy(1).await;
    let proxy_url = format!("http://127.0.0.1:{proxy}");

    // The simulator is on loopback: never proxied.
    let mut opts = options(&sim.base_url(), secret_credentials());
    opts.proxy = ProxySettings::from_env(|var| (var == "ALL_PROXY").then(|| proxy_url.clone()));
    let client = AcronisClient::new(opts, CancellationToken::new()).expect("client");
    assert_eq!(client.get_user(ALICE).await.expect("direct").id, ALICE);

    // A TLS front named in NO_PROXY: reached directly (the name resolves to loopback here).
    let (ca_pem, front) = tls_front(&sim, "localhost").await;
    let mut opts = options(&format!("https://localhost:{front}"), secret_credentials());
    opts.extra_ca_pem = Some(ca_pem.into_bytes());
    opts.proxy = ProxySettings {
        https: Some(proxy_url.clone()),
        all: None,
        no: Some("localhost".into()),
    };
    let client = AcronisClient::new(opts, CancellationToken::new()).expect("client");
    assert_eq!(client.get_user(ALICE).await.expect("direct").id, ALICE);
    assert!(heads.lock().expect("heads").is_empty());
}

#[test]
fn a_ca_file_without_certificates_is_refused() {
    let mut opts = options("https://eu2-cloud.acronis.com", secret_credentials());
    opts.extra_ca_pem = Some(b"not a certificate".to_vec());
    let err = AcronisClient::new(opts, CancellationToken::new())
        .err()
        .expect("no certificate");
    assert!(
        err.contains("no certificate") || err.contains("PEM"),
        "{err}"
    );
}

/// Eleven reads at once: the first goes alone, the rest share a batch call.
async fn read_all_at_once(
    client: &Arc<AcronisClient>,
    ids: &[String],
) -> Vec<Result<(), ApiError>> {
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let (client, id) = (client.clone(), id.clone());
            tokio::spawn(async move {
                let user = client.get_user(&id).await?;
                assert_eq!(user.id, id);
                Ok(())
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("join"));
    }
    results
}

fn eleven_users() -> (Simulator, Vec<String>) {
    let ids = uuids(11);
    let sim = simulator_with_enabled(&ids);
    sim.set_latency(Duration::from_millis(20));
    (sim, ids)
}

#[tokio::test]
async fn concurrent_reads_share_batch_calls_and_a_missing_account_is_confirmed_gone() {
    let (sim, ids) = eleven_users();
    sim.delete_user(&ids[5]);
    let client = Arc::new(client_for(&sim));
    let results = read_all_at_once(&client, &ids).await;
    for (id, result) in ids.iter().zip(&results) {
        if id == &ids[5] {
            let err = result.as_ref().expect_err("deleted");
            assert!(err.is_not_found(), "{err}");
            assert!(
                err.to_string()
                    .starts_with(&format!("reading user {id} failed: HTTP 404")),
                "{err}"
            );
        } else {
            assert!(result.is_ok(), "{id}: {result:?}");
        }
    }
    let calls = sim.calls();
    assert!(calls.batch_users >= 1, "{calls:?}");
    assert!(calls.get_user + calls.batch_users < 11, "{calls:?}");
}

#[tokio::test]
async fn a_batch_call_that_fails_sends_the_reads_it_carried_to_their_own_address() {
    let (sim, ids) = eleven_users();
    sim.inject(Fault::status(Endpoint::BatchUsers, 403));
    sim.delete_user(&ids[7]);
    let client = Arc::new(client_for(&sim));
    let results = read_all_at_once(&client, &ids).await;
    let calls = sim.calls();
    assert_eq!(calls.batch_users, 1, "{calls:?}");
    assert_eq!(
        calls.get_user, 11,
        "each read ended in its own GET: {calls:?}"
    );
    for (id, result) in ids.iter().zip(&results) {
        match result {
            Err(err) if id == &ids[7] => assert!(err.is_not_found(), "{err}"),
            Err(err) => panic!("{id}: {err}"),
            Ok(()) => assert_ne!(id, &ids[7], "a deleted account was found"),
        }
    }
}

#[tokio::test]
async fn a_batch_endpoint_that_answers_404_turns_batching_off_and_removes_nobody() {
    let ids = uuids(40);
    let sim = simulator_with_enabled(&ids);
    sim.set_latency(Duration::from_millis(20));
    sim.inject(Fault::status(Endpoint::BatchUsers, 404).times(1000));
    let client = Arc::new(client_for(&sim));
    let first = read_all_at_once(&client, &ids).await;
    assert!(first.iter().all(Result::is_ok), "{first:?}");
    let batches = sim.calls().batch_users;
    assert!(
        (1..=4).contains(&batches),
        "the batch calls already in flight when the first 404 came back, and no more: {batches}"
    );
    assert_eq!(
        sim.calls().get_user,
        40,
        "each read answered by its own GET"
    );
    let second = read_all_at_once(&client, &ids).await;
    assert!(second.iter().all(Result::is_ok), "{second:?}");
    assert_eq!(
        sim.calls().batch_users,
        batches,
        "no batch call after the first 404"
    );
    assert_eq!(sim.calls().get_user, 80, "each read alone");
}
