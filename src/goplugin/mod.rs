//! go-plugin hosting: everything needed for Terraform (or any go-plugin client) to start this
//! process and talk gRPC to it, and nothing about what the gRPC service does.
//!
//! - [`handshake`]: the magic cookie, protocol negotiation and the handshake line.
//! - [`tls`]: AutoMTLS, a fresh server certificate and the pinned client certificate.
//! - [`listener`]: where the plugin listens (a unix socket, or TCP on Windows) and the
//!   connection type; [`unix_socket`] and [`tcp`] bind each kind.
//! - [`accept`]: accepting connections, with a bounded, timed TLS handshake each.
//! - [`signals`]: Ctrl-C and termination requests, from unix signals or Windows console events.
//! - [`services`]: the controller (Shutdown) and stdio services go-plugin expects.
//! - [`server`]: serves the application's gRPC routes with go-plugin's services and gRPC health
//!   on tonic's server, until Terraform says it is done.
//! - [`logging`]: `tracing` events as the JSON lines go-plugin reads from stderr.

pub mod accept;
pub mod handshake;
pub mod listener;
pub mod logging;
pub mod server;
pub mod services;
pub mod signals;
pub mod tcp;
pub mod tls;
#[cfg(unix)]
pub mod unix_socket;

pub use handshake::HandshakeEnv;
pub use server::{serve, serve_debug, ServeOptions};

/// Generated types of go-plugin's own services (`proto/plugin.proto`).
#[allow(clippy::all, missing_docs)]
pub mod proto {
    tonic::include_proto!("plugin");
}

/// Marks the process non-dumpable (Linux `PR_SET_DUMPABLE`): a crash writes no core file that
/// could hold the secrets and tokens in its memory, and other processes of the same user cannot
/// attach to it or read its memory.
#[cfg(target_os = "linux")]
pub fn forbid_core_dumps() -> std::io::Result<()> {
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .map_err(std::io::Error::from)
}

/// On other unix systems (macOS) the core-file size limit drops to zero, soft and hard, so a
/// crash writes no core file; a debugger of the same user can still attach.
#[cfg(all(unix, not(target_os = "linux")))]
pub fn forbid_core_dumps() -> std::io::Result<()> {
    use rustix::process::{setrlimit, Resource, Rlimit};
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    setrlimit(Resource::Core, none).map_err(std::io::Error::from)
}

/// Windows has no switch a process can throw on itself: crash dumps are written only where an
/// administrator configured Windows Error Reporting's LocalDumps, and a debugger of the same
/// user can read the process's memory. Nothing is done, and the README says so.
#[cfg(windows)]
pub fn forbid_core_dumps() -> std::io::Result<()> {
    Ok(())
}

/// Why the plugin could not be hosted.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error(
        "this is a Terraform plugin: Terraform starts it when it needs the provider, so it \
         is not meant to be run by hand (run `terraform init` and `terraform plan` in a \
         configuration that uses it, or pass --debug to serve it for a debugger)"
    )]
    NotLaunchedByTerraform,
    #[error(
        "PLUGIN_CLIENT_CERT is not set, so mutual TLS cannot be set up: Terraform always sends \
         it; to serve without TLS (as with TF_REATTACH_PROVIDERS), set TF_DISABLE_PLUGIN_TLS=1"
    )]
    MissingClientCert,
    #[error("PLUGIN_CLIENT_CERT is not a PEM certificate: {0}")]
    BadClientCert(String),
    #[error("could not make the server certificate: {0}")]
    Certificate(String),
    #[error("could not set up TLS: {0}")]
    Tls(String),
    #[error("could not listen for Terraform: {0}")]
    Socket(#[source] std::io::Error),
    #[error("could not write the handshake line: {0}")]
    Stdout(#[source] std::io::Error),
    #[error("serving gRPC failed: {0}")]
    Serve(#[source] tonic::transport::Error),
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use rustix::process::{dumpable_behavior, DumpableBehavior};

    #[test]
    fn the_process_becomes_non_dumpable() {
        super::forbid_core_dumps().expect("prctl");
        assert_eq!(
            dumpable_behavior().expect("prctl"),
            DumpableBehavior::NotDumpable
        );
    }
}
