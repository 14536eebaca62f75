//! The system's trusted CA certificates. On Linux and Windows they come from the OS store
//! (rustls-native-certs: the distribution's bundle, `SSL_CERT_FILE`/`SSL_CERT_DIR`, or
//! Windows' certificate store). On macOS the keychain is reached only through Apple's Security
//! framework, which cannot be linked without Apple's SDK, so the provider reads PEM bundles
//! instead: `SSL_CERT_FILE` and the files of `SSL_CERT_DIR` when set, else `/etc/ssl/cert.pem`
//! (the bundle macOS ships, which also holds the roots the keychain trusts by default).

use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// The certificates found, and how many files or entries could not be read.
pub struct SystemRoots {
    pub certs: Vec<CertificateDer<'static>>,
    pub errors: usize,
}

/// The bundle macOS ships with its default roots.
pub const MACOS_BUNDLE: &str = "/etc/ssl/cert.pem";

#[cfg(not(target_os = "macos"))]
pub fn system_roots() -> SystemRoots {
    let found = rustls_native_certs::load_native_certs();
    SystemRoots {
        certs: found.certs,
        errors: found.errors.len(),
    }
}

#[cfg(target_os = "macos")]
pub fn system_roots() -> SystemRoots {
    pem_roots(
        std::env::var_os("SSL_CERT_FILE").map(PathBuf::from),
        std::env::var_os("SSL_CERT_DIR").map(PathBuf::from),
    )
}

/// The certificates of `file` and of the files in `dir` (`SSL_CERT_DIR` may list several
/// directories, separated by `:`); with neither, of [`MACOS_BUNDLE`].
pub fn pem_roots(file: Option<PathBuf>, dir: Option<PathBuf>) -> SystemRoots {
    let mut files = Vec::new();
    if file.is_none() && dir.is_none() {
        files.push(PathBuf::from(MACOS_BUNDLE));
    }
    files.extend(file);
    let mut errors = 0;
    for dir in dir.iter().flat_map(std::env::split_paths) {
        match std::fs::read_dir(&dir) {
            Ok(entries) => files.extend(entries.flatten().map(|e| e.path())),
            Err(_) => errors += 1,
        }
    }
    files.sort();
    let mut certs = Vec::new();
    for path in files.iter().filter(|p| p.is_file()) {
        match read_bundle(path) {
            Some(found) => certs.extend(found),
            None => errors += 1,
        }
    }
    SystemRoots { certs, errors }
}

/// The certificates in one PEM file; other PEM sections are skipped, an unreadable file or a
/// broken certificate is `None`.
fn read_bundle(path: &Path) -> Option<Vec<CertificateDer<'static>>> {
    let bytes = std::fs::read(path).ok()?;
    CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert_pem() -> (String, Vec<u8>) {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["ca.test".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        (cert.pem(), cert.der().to_vec())
    }

    #[test]
    fn bundles_named_by_ssl_cert_file_and_dir_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, a_der) = cert_pem();
        let (b, b_der) = cert_pem();
        let file = dir.path().join("bundle.pem");
        std::fs::write(&file, format!("{a}{b}")).expect("write bundle");
        let certs_dir = dir.path().join("certs");
        std::fs::create_dir(&certs_dir).expect("mkdir");
        let (c, c_der) = cert_pem();
        std::fs::write(certs_dir.join("c.pem"), c).expect("write c");
        std::fs::write(
            certs_dir.join("broken.pem"),
            "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
        )
        .expect("write broken");

        let roots = pem_roots(Some(file), Some(certs_dir));
        let found: Vec<Vec<u8>> = roots.certs.iter().map(|c| c.to_vec()).collect();
        assert_eq!(found.len(), 3);
        for der in [a_der, b_der, c_der] {
            assert!(found.contains(&der));
        }
        assert_eq!(roots.errors, 1, "the broken file is counted, not fatal");
    }

    #[test]
    fn a_missing_bundle_yields_no_roots_and_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let roots = pem_roots(None, Some(dir.path().join("absent")));
        assert!(roots.certs.is_empty());
        assert_eq!(roots.errors, 1);
    }
}
