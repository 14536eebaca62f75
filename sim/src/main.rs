//! The `acronis-sim` binary: starts the simulator on an address, seeds it from a file and
//! flags, prints `acronis-sim listening on http://ADDR` once bound, and serves until SIGINT or
//! SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use acronis_sim::{
    serve_with_shutdown, ExpiryFields, SeedFile, SeedTenant, SeedUser, SimConfig, SimState,
    TenantKind,
};
use clap::Parser;

/// Simulator of the Acronis Cyber Platform account API, for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "acronis-sim", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// JSON file: {"client_id": .., "client_secret": .., "users": [{"login": .., ...}]}.
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// API client id (overrides the seed file; default sim-client).
    #[arg(long)]
    client_id: Option<String>,
    /// API client secret (overrides the seed file; default sim-secret).
    #[arg(long)]
    client_secret: Option<String>,
    /// A user to create; repeatable. Append ":disabled" for a disabled one.
    #[arg(long = "user", value_name = "LOGIN[:disabled]", value_parser = parse_user)]
    users: Vec<SeedUser>,
    /// A tenant to make known (repeatable), with that many generated users in it, of a kind
    /// (root, partner, folder, customer, unit) and nested in a tenant given before it.
    #[arg(
        long = "tenant",
        value_name = "TENANT_ID[:USERS[:KIND[:PARENT_ID]]]",
        value_parser = parse_tenant
    )]
    tenants: Vec<SeedTenant>,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 7_200)]
    token_ttl: u64,
    /// Expiry fields of token answers: both, expires_in, expires_on or neither.
    #[arg(long, default_value_t = ExpiryFields::Both)]
    expiry_fields: ExpiryFields,
}

fn parse_user(raw: &str) -> Result<SeedUser, String> {
    let (login, enabled) = match raw.rsplit_once(':') {
        Some((login, "disabled")) => (login, false),
        Some((login, "enabled")) => (login, true),
        _ => (raw, true),
    };
    if login.trim().is_empty() {
        return Err("the login must not be empty".to_owned());
    }
    Ok(SeedUser {
        enabled,
        ..SeedUser::new(login)
    })
}

fn parse_tenant(raw: &str) -> Result<SeedTenant, String> {
    let mut parts = raw.splitn(4, ':');
    let id = parts.next().unwrap_or_default();
    let users = match parts.next() {
        Some(users) => users
            .parse()
            .map_err(|_| format!("{users:?} is not a number of users"))?,
        None => 0,
    };
    let mut seed = SeedTenant::new(id, users);
    if let Some(kind) = parts.next().filter(|kind| !kind.is_empty()) {
        seed = seed.with_kind(kind.parse::<TenantKind>()?);
    }
    if let Some(parent) = parts.next() {
        seed = seed.with_parent(parent);
    }
    Ok(seed)
}

fn read_seed(path: &Path) -> Result<SeedFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read seed file {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("bad seed file {}: {e}", path.display()))
}

fn config_from(args: &Args) -> Result<SimConfig, String> {
    let mut config = SimConfig {
        token_ttl: Duration::from_secs(args.token_ttl),
        expiry_fields: args.expiry_fields,
        ..SimConfig::default()
    };
    if let Some(path) = &args.seed {
        read_seed(path)?.apply_to(&mut config);
    }
    if let Some(id) = &args.client_id {
        config.client_id.clone_from(id);
    }
    if let Some(secret) = &args.client_secret {
        config.client_secret.clone_from(secret);
    }
    config.users.extend(args.users.iter().cloned());
    config.tenants.extend(args.tenants.iter().cloned());
    Ok(config)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(args: Args) -> Result<(), String> {
    let config = config_from(&args)?;
    let state = SimState::new(config).map_err(|e| format!("bad seed: {e}"))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    for user in state.all_users() {
        eprintln!(
            "acronis-sim: user {} id {} enabled={} version={}",
            user.login, user.id, user.enabled, user.version
        );
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "acronis-sim listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    serve_with_shutdown(listener, state, shutdown_signal()).await;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("acronis-sim: {message}");
            ExitCode::FAILURE
        }
    }
}
