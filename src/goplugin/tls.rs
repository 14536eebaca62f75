//! AutoMTLS as go-plugin does it: the client (Terraform) hands us its self-signed certificate in
//! `PLUGIN_CLIENT_CERT`; we make a fresh self-signed server certificate, publish it in the
//! handshake line, and accept exactly one client certificate: Terraform's, compared byte for
//! byte.
//!
//! Terraform's certificate is ECDSA P-521 signed with SHA-512, which only the aws-lc-rs crypto
//! provider verifies. It is also marked as a CA, which webpki refuses as an end-entity
//! certificate, so chain building is replaced by pinning (the handshake signature is still
//! verified). Client authentication stays mandatory.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

use super::PluginError;

/// How long the server certificate is valid: the life of one provider process, with margin.
const CERT_LIFETIME: time::Duration = time::Duration::hours(24);

/// The server's certificate and key for one process.
pub struct ServerIdentity {
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

/// Makes a fresh ECDSA P-256 certificate for `localhost`, self-signed and marked as a CA (the
/// client pins it as its only root).
pub fn generate_server_identity() -> Result<ServerIdentity, PluginError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let cert_err = |e: rcgen::Error| PluginError::Certificate(e.to_string());
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(cert_err)?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).map_err(cert_err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "terraform-provider-acronis");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = time::OffsetDateTime::now_utc();
    // A little back-dating absorbs clock differences between threads and processes.
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + CERT_LIFETIME;
    let cert = params.self_signed(&key).map_err(cert_err)?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
    })
}

/// Parses the client certificate Terraform passed as PEM.
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, PluginError> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| PluginError::BadClientCert(e.to_string()))
}

fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The TLS server configuration: our identity, ALPN `h2`, and only `client_cert` accepted.
pub fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<Arc<ServerConfig>, PluginError> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedClientCert {
        pinned: client_cert,
        provider: provider.clone(),
    });
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PluginError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert_der.clone()],
            PrivateKeyDer::Pkcs8(identity.key_der.clone_key()),
        )
        .map_err(|e| PluginError::Tls(e.to_string()))?;
    // gRPC clients insist on HTTP/2 being negotiated.
    config.alpn_protocols = vec![b"h2".to_vec()];
    // Terraform opens one connection per plugin process and never resumes a session: issuing
    // tickets and keeping sessions would be work (and secrets in memory) for nothing.
    config.send_tls13_tickets = 0;
    config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    Ok(Arc::new(config))
}

/// Accepts exactly one certificate, by its DER bytes, and checks that the peer holds its key.
#[derive(Debug)]
struct PinnedClientCert {
    pinned: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_certificates_are_fresh_and_parse() {
        let a = generate_server_identity().expect("identity");
        let b = generate_server_identity().expect("identity");
        assert_ne!(a.cert_der.as_ref(), b.cert_der.as_ref());
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &a.cert_der)
        );
        assert_eq!(
            parse_client_cert(&pem).expect("pem").as_ref(),
            a.cert_der.as_ref()
        );
        assert!(server_config(&a, b.cert_der.clone()).is_ok());
    }

    #[test]
    fn no_session_is_kept_or_offered_for_resumption() {
        let server = generate_server_identity().expect("identity");
        let client = generate_server_identity().expect("identity");
        let config = server_config(&server, client.cert_der).expect("config");
        assert_eq!(config.send_tls13_tickets, 0);
        assert!(!config.session_storage.can_cache());
        assert!(!config.ticketer.enabled());
    }

    #[test]
    fn garbage_client_cert_is_an_error() {
        assert!(matches!(
            parse_client_cert("not a pem"),
            Err(PluginError::BadClientCert(_))
        ));
    }

    #[test]
    fn only_the_pinned_certificate_verifies() {
        let pinned = generate_server_identity().expect("identity").cert_der;
        let other = generate_server_identity().expect("identity").cert_der;
        let verifier = PinnedClientCert {
            pinned: pinned.clone(),
            provider: crypto_provider(),
        };
        assert!(verifier.client_auth_mandatory());
        assert!(verifier
            .verify_client_cert(&pinned, &[], UnixTime::now())
            .is_ok());
        assert!(verifier
            .verify_client_cert(&other, &[], UnixTime::now())
            .is_err());
        assert!(verifier
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }
}
