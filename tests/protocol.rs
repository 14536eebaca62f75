//! The plugin at the protocol level, as go-plugin's client sees it: the cookie, the handshake
//! line, AutoMTLS with a P-521 client certificate like Terraform's, refusal of any other
//! certificate, the go-plugin services, `Unimplemented` for unserved RPCs, `Shutdown`, and the
//! `--debug` reattach mode.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use terraform_provider_acronis::plugin::handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use terraform_provider_acronis::plugin::{health_proto, proto as plugin_proto};
use terraform_provider_acronis::tfplugin::proto;
use tonic::transport::{Channel, Endpoint};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-acronis");

/// A client identity made the way Terraform makes its own: ECDSA P-521 with SHA-512,
/// self-signed, a CA, SAN localhost, client and server auth.
struct ClientIdentity {
    pem: String,
    der: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

fn terraform_like_identity() -> ClientIdentity {
    use rcgen::{
        BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).expect("self-signed");
    ClientIdentity {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// A running plugin and what its handshake line said.
struct Plugin {
    child: Child,
    socket: PathBuf,
    server_cert: Option<Vec<u8>>,
    _socket_parent: tempfile::TempDir,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn launch(client_cert_pem: Option<&str>, extra_env: &[(&str, &str)]) -> Plugin {
    let parent = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(BIN);
    cmd.env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_UNIX_SOCKET_DIR", parent.path())
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(pem) = client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn plugin");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("handshake line");
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line: {line:?}");
    assert_eq!(&fields[..3], &["1", "6", "unix"], "{line:?}");
    assert_eq!(fields[4], "grpc");
    let socket = PathBuf::from(fields[3]);
    assert!(
        socket.starts_with(parent.path()),
        "socket {socket:?} honours PLUGIN_UNIX_SOCKET_DIR"
    );
    let server_cert = (!fields[5].is_empty()).then(|| {
        assert!(!fields[5].contains('='), "unpadded base64");
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(fields[5])
            .expect("base64 certificate")
    });
    Plugin {
        child,
        socket,
        server_cert,
        _socket_parent: parent,
    }
}

/// Trusts exactly the server certificate from the handshake line, as go-plugin's client does.
#[derive(Debug)]
struct PinnedServer(Vec<u8>, Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.signature_verification_algorithms.supported_schemes()
    }
}

/// A gRPC channel over the plugin's socket: TLS with `client` when given, else plaintext.
async fn connect(
    socket: &Path,
    server_cert: Option<&[u8]>,
    client: Option<&ClientIdentity>,
) -> Result<Channel, tonic::transport::Error> {
    let socket = socket.to_path_buf();
    let tls = server_cert.map(|cert| {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedServer(cert.to_vec(), provider)));
        let mut config = match client {
            Some(id) => builder
                .with_client_auth_cert(
                    vec![id.der.clone()],
                    PrivateKeyDer::Pkcs8(id.key.clone_key()),
                )
                .expect("client auth"),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        tokio_rustls::TlsConnector::from(Arc::new(config))
    });
    Endpoint::try_from("http://localhost")
        .expect("endpoint")
        .connect_with_connector(tower::service_fn(move |_| {
            let (socket, tls) = (socket.clone(), tls.clone());
            async move {
                let stream = tokio::net::UnixStream::connect(&socket).await?;
                let io: Box<dyn IoStream> = match tls {
                    Some(tls) => Box::new(
                        tls.connect(ServerName::try_from("localhost").expect("name"), stream)
                            .await?,
                    ),
                    None => Box::new(stream),
                };
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(io))
            }
        }))
        .await
}

trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> IoStream for T {}

async fn schema(channel: Channel) -> Result<proto::get_provider_schema::Response, tonic::Status> {
    let mut client = proto::provider_client::ProviderClient::new(channel);
    client
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .map(|r| r.into_inner())
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().expect("try_wait").is_some() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

#[tokio::test]
async fn mutual_tls_with_terraforms_certificate_serves_the_provider() {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[]);
    let cert = plugin
        .server_cert
        .clone()
        .expect("TLS is on when a client cert is given");
    let channel = connect(&plugin.socket, Some(&cert), Some(&client))
        .await
        .expect("connect");

    let schema = schema(channel.clone()).await.expect("GetProviderSchema");
    assert!(schema.resource_schemas.contains_key("acronis_user_status"));
    assert!(schema.data_source_schemas.contains_key("acronis_user"));
    assert!(
        schema
            .server_capabilities
            .expect("capabilities")
            .get_provider_schema_optional
    );

    let mut health = health_proto::health_client::HealthClient::new(channel.clone());
    let status = health
        .check(health_proto::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .expect("health")
        .into_inner()
        .status;
    assert_eq!(
        status,
        health_proto::health_check_response::ServingStatus::Serving as i32
    );
}

#[tokio::test]
async fn rpcs_the_provider_does_not_serve_answer_unimplemented() {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[]);
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("connect");
    let mut grpc = tonic::client::Grpc::new(channel);
    for method in [
        "GetFunctions",
        "MoveResourceState",
        "OpenEphemeralResource",
        "PlanAction",
    ] {
        grpc.ready().await.expect("ready");
        let path = http::uri::PathAndQuery::try_from(format!("/tfplugin6.Provider/{method}"))
            .expect("path");
        let codec = tonic_prost::ProstCodec::<plugin_proto::Empty, plugin_proto::Empty>::default();
        let err = grpc
            .unary(tonic::Request::new(plugin_proto::Empty {}), path, codec)
            .await
            .expect_err("unserved RPC");
        assert_eq!(err.code(), tonic::Code::Unimplemented, "{method}");
    }
}

#[tokio::test]
async fn any_other_client_certificate_is_refused() {
    let terraform = terraform_like_identity();
    let intruder = terraform_like_identity();
    let plugin = launch(Some(&terraform.pem), &[]);
    let cert = plugin.server_cert.clone().expect("TLS");

    for client in [Some(&intruder), None] {
        let refused = match connect(&plugin.socket, Some(&cert), client).await {
            Err(_) => true,
            Ok(channel) => schema(channel).await.is_err(),
        };
        assert!(
            refused,
            "a connection without Terraform's certificate must not be served"
        );
    }
    // Terraform's own certificate still works after the refusals.
    let channel = connect(&plugin.socket, Some(&cert), Some(&terraform))
        .await
        .expect("connect");
    assert!(schema(channel).await.is_ok());
}

#[tokio::test]
async fn shutdown_ends_the_process_promptly_and_removes_the_socket() {
    let client = terraform_like_identity();
    let mut plugin = launch(Some(&client.pem), &[]);
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("connect");
    // Terraform opens the stdio stream first; it must not hold the shutdown back.
    let mut stdio = plugin_proto::grpc_stdio_client::GrpcStdioClient::new(channel.clone());
    let _stream = stdio
        .stream_stdio(plugin_proto::Empty {})
        .await
        .expect("stdio stream");

    let mut controller = plugin_proto::grpc_controller_client::GrpcControllerClient::new(channel);
    controller
        .shutdown(plugin_proto::Empty {})
        .await
        .expect("Shutdown");
    let took = wait_for_exit(&mut plugin.child, Duration::from_secs(2))
        .expect("exits before Terraform's 2 s kill");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(plugin
        .child
        .try_wait()
        .expect("status")
        .is_some_and(|s| s.success()));
    assert!(!plugin.socket.exists(), "socket removed");
    assert!(
        !plugin.socket.parent().expect("dir").exists(),
        "socket directory removed"
    );
}

#[tokio::test]
async fn tf_disable_plugin_tls_serves_plaintext() {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), &[("TF_DISABLE_PLUGIN_TLS", "1")]);
    assert!(
        plugin.server_cert.is_none(),
        "no certificate in the handshake line"
    );
    let channel = connect(&plugin.socket, None, None).await.expect("connect");
    assert!(schema(channel).await.is_ok());
}

#[test]
fn sigint_from_terraforms_ctrl_c_does_not_kill_the_provider() {
    let client = terraform_like_identity();
    let mut plugin = launch(Some(&client.pem), &[]);
    let pid = plugin.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill")
        .success());
    assert!(
        wait_for_exit(&mut plugin.child, Duration::from_millis(300)).is_none(),
        "still running"
    );
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    assert!(
        wait_for_exit(&mut plugin.child, Duration::from_secs(2)).is_some(),
        "SIGTERM stops it"
    );
    assert!(!plugin.socket.exists(), "socket removed after SIGTERM");
}

#[test]
fn without_the_cookie_it_explains_itself_and_exits_1() {
    let out = Command::new(BIN)
        .env_remove(MAGIC_COOKIE_KEY)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("this is a Terraform plugin"));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout that could pass for a handshake"
    );
}

#[test]
fn version_flag_prints_the_version() {
    let out = Command::new(BIN).arg("--version").output().expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("terraform-provider-acronis {}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn debug_mode_prints_a_reattach_line_and_serves_plaintext() {
    let parent = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .arg("--debug")
        .env_remove(MAGIC_COOKIE_KEY)
        .env("PLUGIN_UNIX_SOCKET_DIR", parent.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut reattach = None;
    for _ in 0..10 {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read");
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_owned());
            break;
        }
    }
    let reattach: serde_json::Value =
        serde_json::from_str(&reattach.expect("reattach line")).expect("JSON");
    let entry = &reattach["registry.terraform.io/acronis/acronis"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().expect("address"));
    let channel = connect(&socket, None, None).await.expect("connect");
    assert!(schema(channel).await.is_ok());
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill")
        .success());
    assert!(
        wait_for_exit(&mut child, Duration::from_secs(2)).is_some(),
        "Ctrl-C stops debug mode"
    );
}
