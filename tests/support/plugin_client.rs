//! A go-plugin client for tests: launches the provider binary as Terraform does (cookie,
//! PLUGIN_* environment, a P-521 client certificate like Terraform's), reads the handshake
//! line, and opens gRPC channels over the socket with or without mutual TLS.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use terraform_provider_acronis::goplugin::handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use terraform_provider_acronis::tfproto::proto::{self, provider_client::ProviderClient};
use terraform_provider_acronis::tfproto::Value;
use tonic::transport::{Channel, Endpoint};

use super::{Simulator, CLIENT_ID, CLIENT_SECRET};

pub const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-acronis");

/// A client identity made the way Terraform makes its own: ECDSA P-521 with SHA-512,
/// self-signed, a CA, SAN localhost, client and server auth.
pub struct ClientIdentity {
    pub pem: String,
    pub der: CertificateDer<'static>,
    pub key: PrivatePkcs8KeyDer<'static>,
}

pub fn terraform_like_identity() -> ClientIdentity {
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
pub struct Plugin {
    pub child: Child,
    /// `unix` or `tcp`.
    pub network: String,
    /// The socket's path (`unix`) or `127.0.0.1:port` (`tcp`).
    pub address: String,
    /// The socket's path, for a unix socket.
    pub socket: PathBuf,
    pub server_cert: Option<Vec<u8>>,
    _socket_parent: tempfile::TempDir,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn launch(client_cert_pem: Option<&str>, extra_env: &[(&str, &str)]) -> Plugin {
    launch_with_stderr(client_cert_pem, extra_env, Stdio::null())
}

/// Like [`launch`], with the plugin's stderr (its log stream) sent to `stderr`.
pub fn launch_with_stderr(
    client_cert_pem: Option<&str>,
    extra_env: &[(&str, &str)],
    stderr: Stdio,
) -> Plugin {
    launch_program(Command::new(BIN), client_cert_pem, extra_env, stderr)
}

/// Launches `cmd` (the provider binary, or a launcher running it under an emulator) with
/// Terraform's environment and reads its handshake line.
pub fn launch_program(
    mut cmd: Command,
    client_cert_pem: Option<&str>,
    extra_env: &[(&str, &str)],
    stderr: Stdio,
) -> Plugin {
    let parent = tempfile::tempdir().expect("tempdir");
    cmd.env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_UNIX_SOCKET_DIR", parent.path())
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdout(Stdio::piped())
        .stderr(stderr);
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
    assert_eq!(&fields[..2], &["1", "6"], "{line:?}");
    assert!(fields[2] == "unix" || fields[2] == "tcp", "{line:?}");
    assert_eq!(fields[4], "grpc");
    let socket = PathBuf::from(fields[3]);
    if fields[2] == "unix" {
        assert!(
            socket.starts_with(parent.path()),
            "socket {socket:?} honours PLUGIN_UNIX_SOCKET_DIR"
        );
    }
    let server_cert = (!fields[5].is_empty()).then(|| {
        assert!(!fields[5].contains('='), "unpadded base64");
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(fields[5])
            .expect("base64 certificate")
    });
    Plugin {
        child,
        network: fields[2].to_owned(),
        address: fields[3].to_owned(),
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
pub async fn connect(
    socket: &Path,
    server_cert: Option<&[u8]>,
    client: Option<&ClientIdentity>,
) -> Result<Channel, tonic::transport::Error> {
    connect_to("unix", &socket.to_string_lossy(), server_cert, client).await
}

/// A gRPC channel to what a handshake line announced: a unix socket or a TCP address.
pub async fn connect_to(
    network: &str,
    address: &str,
    server_cert: Option<&[u8]>,
    client: Option<&ClientIdentity>,
) -> Result<Channel, tonic::transport::Error> {
    let tcp = network == "tcp";
    let address = address.to_owned();
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
            let (address, tls) = (address.clone(), tls.clone());
            async move {
                let stream: Box<dyn IoStream> = if tcp {
                    Box::new(tokio::net::TcpStream::connect(&address).await?)
                } else {
                    unix_stream(&address).await?
                };
                let io: Box<dyn IoStream> = match tls {
                    Some(tls) => Box::new(
                        tls.connect(ServerName::try_from("localhost").expect("name"), stream)
                            .await?,
                    ),
                    None => stream,
                };
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(io))
            }
        }))
        .await
}

#[cfg(unix)]
async fn unix_stream(path: &str) -> std::io::Result<Box<dyn IoStream>> {
    Ok(Box::new(tokio::net::UnixStream::connect(path).await?))
}

pub trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> IoStream for T {}

/// Launches the plugin with Terraform's environment and connects over mutual TLS.
pub async fn launch_and_connect(extra_env: &[(&str, &str)]) -> (Plugin, Channel) {
    let client = terraform_like_identity();
    let plugin = launch(Some(&client.pem), extra_env);
    let channel = connect(&plugin.socket, plugin.server_cert.as_deref(), Some(&client))
        .await
        .expect("connect");
    (plugin, channel)
}

/// The plugin launched as Terraform launches it and configured against `sim`, with
/// `provider_args` added to the provider block; ConfigureProvider must answer no diagnostics.
pub async fn configured_provider(
    sim: &Simulator,
    provider_args: &[(&'static str, Value)],
) -> (Plugin, ProviderClient<Channel>) {
    let (plugin, channel) = launch_and_connect(&[]).await;
    let mut client = ProviderClient::new(channel);
    let mut args = vec![
        ("base_url", Value::from(sim.base_url())),
        ("client_id", Value::from(CLIENT_ID)),
        ("client_secret", Value::from(CLIENT_SECRET)),
    ];
    args.extend(provider_args.iter().cloned());
    let configured = client
        .configure_provider(proto::configure_provider::Request {
            config: Some(Value::object(args).to_dynamic()),
            ..Default::default()
        })
        .await
        .expect("ConfigureProvider")
        .into_inner();
    assert!(
        configured.diagnostics.is_empty(),
        "{:?}",
        configured.diagnostics
    );
    (plugin, client)
}

/// Waits up to `limit` for the child to exit; how long it took.
pub fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().expect("try_wait").is_some() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}
