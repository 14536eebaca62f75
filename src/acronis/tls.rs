//! TLS to the API: which servers are trusted (the system's CA store, see [`super::roots`], plus
//! the CAs of `ca_file`),
//! with the system store read on the first HTTPS handshake instead of when the client is built.
//!
//! Reading and parsing the system store (about 150 PEM files on Debian) costs a few
//! milliseconds of CPU, which is most of a small `terraform plan`'s provider CPU; a process that
//! never opens an HTTPS connection (a loopback `http://` API, or a walk that makes no call) never
//! pays it, and a process that does pays it once.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// The rustls client configuration for the API: TLS 1.2 and 1.3, offering HTTP/2 and HTTP/1.1.
pub fn client_config(extra_ca_pem: Option<&[u8]>) -> Result<ClientConfig, String> {
    let extra_roots = match extra_ca_pem {
        None => Vec::new(),
        Some(pem) => parse_ca_bundle(pem)?,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = LazyRootsVerifier {
        provider: provider.clone(),
        extra_roots,
        webpki: OnceLock::new(),
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest leaves ALPN to whoever built the configuration.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The certificates of a PEM bundle; anything else in it is refused.
fn parse_ca_bundle(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the CA file is not PEM certificates: {e}"))?;
    if certs.is_empty() {
        return Err("the CA file holds no certificate".into());
    }
    Ok(certs)
}

/// WebPKI verification against the system store and the extra roots, built on first use.
#[derive(Debug)]
struct LazyRootsVerifier {
    provider: Arc<CryptoProvider>,
    extra_roots: Vec<CertificateDer<'static>>,
    webpki: OnceLock<Result<Arc<WebPkiServerVerifier>, rustls::Error>>,
}

impl LazyRootsVerifier {
    fn webpki(&self) -> Result<&Arc<WebPkiServerVerifier>, rustls::Error> {
        self.webpki
            .get_or_init(|| {
                let mut roots = RootCertStore::empty();
                // A private CA the user named must parse; unreadable system files are skipped,
                // as every TLS stack on Linux does.
                for cert in &self.extra_roots {
                    roots.add(cert.clone())?;
                }
                let system = super::roots::system_roots();
                let (added, ignored) = roots.add_parsable_certificates(system.certs);
                tracing::debug!(
                    added,
                    ignored,
                    errors = system.errors,
                    "loaded the system CA store"
                );
                if roots.is_empty() {
                    return Err(rustls::Error::General(
                        "no trusted CA certificates: the system has none and no ca_file was given"
                            .into(),
                    ));
                }
                WebPkiServerVerifier::builder_with_provider(roots.into(), self.provider.clone())
                    .build()
                    .map_err(|e| rustls::Error::General(e.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyRootsVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.webpki()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    // The handshake signatures need no roots: they are checked against the certificate the
    // server sent, which verify_server_cert has checked against the roots.
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
    fn a_ca_file_without_certificates_is_refused() {
        assert_eq!(
            parse_ca_bundle(b"just text\n").unwrap_err(),
            "the CA file holds no certificate"
        );
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(parse_ca_bundle(broken)
            .unwrap_err()
            .starts_with("the CA file is not PEM certificates"));
    }

    #[test]
    fn the_system_store_is_not_read_until_a_server_certificate_is_checked() {
        let verifier = LazyRootsVerifier {
            provider: Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
            extra_roots: Vec::new(),
            webpki: OnceLock::new(),
        };
        assert!(!verifier.supported_verify_schemes().is_empty());
        assert!(verifier.webpki.get().is_none());
        let _ = verifier.webpki();
        assert!(verifier.webpki.get().is_some());
    }
}
