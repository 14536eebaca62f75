//! The go-plugin handshake: the environment Terraform sets for its plugins, the choice of
//! protocol version, and the one line the plugin prints to tell Terraform where to connect.

use std::path::PathBuf;

use base64::Engine as _;

use super::PluginError;

/// The cookie Terraform puts in the environment of every provider it launches.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's own protocol version, the first field of the handshake line.
const CORE_PROTOCOL_VERSION: u32 = 1;

/// What the launching client told the plugin through its environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandshakeEnv {
    pub cookie: Option<String>,
    /// `PLUGIN_PROTOCOL_VERSIONS`: comma-separated versions the client speaks.
    pub protocol_versions: Option<String>,
    /// `PLUGIN_CLIENT_CERT`: the client's certificate (PEM) for AutoMTLS.
    pub client_cert: Option<String>,
    pub socket_dir: Option<PathBuf>,
    pub socket_group: Option<String>,
    /// `PLUGIN_MIN_PORT` and `PLUGIN_MAX_PORT`: the ports a TCP listener may use (Windows).
    pub min_port: Option<String>,
    pub max_port: Option<String>,
    pub disable_tls: bool,
}

impl HandshakeEnv {
    pub fn from_env() -> Self {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the handshake variables through `lookup`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        HandshakeEnv {
            cookie: lookup(MAGIC_COOKIE_KEY),
            protocol_versions: non_empty("PLUGIN_PROTOCOL_VERSIONS"),
            client_cert: non_empty("PLUGIN_CLIENT_CERT"),
            socket_dir: non_empty("PLUGIN_UNIX_SOCKET_DIR").map(PathBuf::from),
            socket_group: non_empty("PLUGIN_UNIX_SOCKET_GROUP"),
            min_port: non_empty("PLUGIN_MIN_PORT"),
            max_port: non_empty("PLUGIN_MAX_PORT"),
            disable_tls: non_empty("TF_DISABLE_PLUGIN_TLS").is_some(),
        }
    }

    /// True when the process was started by a client that knows the cookie.
    pub fn launched_by_terraform(&self) -> bool {
        self.cookie.as_deref() == Some(MAGIC_COOKIE_VALUE)
    }

    pub fn require_terraform(&self) -> Result<(), PluginError> {
        if self.launched_by_terraform() {
            Ok(())
        } else {
            Err(PluginError::NotLaunchedByTerraform)
        }
    }
}

/// Picks the highest version both sides speak. As go-plugin does, a client that offers none of
/// ours gets our highest, and reports the mismatch itself with both versions named.
pub fn negotiate_protocol(offered: Option<&str>, supported: &[u32]) -> u32 {
    let ours = supported.iter().copied().max().unwrap_or(0);
    let Some(offered) = offered else {
        return ours;
    };
    offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .filter(|v| supported.contains(v))
        .max()
        .unwrap_or(ours)
}

/// The handshake line: `1|<app version>|<network>|<address>|grpc|<cert>`, where the cert is
/// the server certificate's DER in standard base64 without padding (empty without TLS).
pub fn handshake_line(
    app_version: u32,
    network: &str,
    address: &str,
    server_cert_der: Option<&[u8]>,
) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("{CORE_PROTOCOL_VERSION}|{app_version}|{network}|{address}|grpc|{cert}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HandshakeEnv {
        HandshakeEnv::from_lookup(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn the_cookie_must_match_exactly() {
        assert!(env(&[(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)]).launched_by_terraform());
        assert!(!env(&[(MAGIC_COOKIE_KEY, "nope")]).launched_by_terraform());
        let err = env(&[]).require_terraform().expect_err("no cookie");
        assert!(err.to_string().contains("this is a Terraform plugin"));
    }

    #[test]
    fn negotiates_the_highest_common_version() {
        assert_eq!(negotiate_protocol(Some("5,6"), &[6]), 6);
        assert_eq!(negotiate_protocol(Some("6, 5"), &[6]), 6);
        assert_eq!(negotiate_protocol(Some("5"), &[6]), 6);
        assert_eq!(negotiate_protocol(Some("garbage"), &[6]), 6);
        assert_eq!(negotiate_protocol(None, &[5, 6]), 6);
        assert_eq!(negotiate_protocol(Some("5,7"), &[5, 6]), 5);
    }

    #[test]
    fn reads_the_plugin_environment() {
        let e = env(&[
            ("PLUGIN_UNIX_SOCKET_DIR", "/run/x"),
            ("TF_DISABLE_PLUGIN_TLS", "1"),
            ("PLUGIN_CLIENT_CERT", "  "),
            ("PLUGIN_MIN_PORT", "10000"),
        ]);
        assert_eq!(e.min_port.as_deref(), Some("10000"));
        assert_eq!(e.max_port, None);
        assert_eq!(e.socket_dir, Some(PathBuf::from("/run/x")));
        assert!(e.disable_tls);
        assert_eq!(e.client_cert, None);
    }

    #[test]
    fn the_line_carries_unpadded_standard_base64() {
        let line = handshake_line(6, "unix", "/tmp/p/plugin.sock", Some(&[0xfb, 0xff]));
        assert_eq!(line, "1|6|unix|/tmp/p/plugin.sock|grpc|+/8");
        assert_eq!(handshake_line(6, "unix", "/s", None), "1|6|unix|/s|grpc|");
    }
}
