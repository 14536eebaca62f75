//! [`Simulator`]: a running simulator on its own thread and Tokio runtime, driven from
//! synchronous code (tests that run `terraform` subprocesses need no runtime of their own).

use std::io;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::calls::{CallCounts, Exchange};
use crate::config::{ExpiryFields, SeedTenant, SeedUser, SimConfig};
use crate::faults::{Fault, FaultsView};
use crate::server::serve_with_shutdown;
use crate::state::SimState;
use crate::user::UserUpdate;

/// A simulator serving on a local port; dropping it stops the server.
///
/// The helpers that name a user panic when it does not exist: they are test set-up, and a
/// missing user there is a bug in the test.
#[derive(Debug)]
pub struct Simulator {
    state: SimState,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Starts a simulator on `127.0.0.1` with a free port.
    pub fn start(config: SimConfig) -> io::Result<Simulator> {
        Simulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts a simulator on `addr` (port 0 picks a free one).
    pub fn start_on(config: SimConfig, addr: SocketAddr) -> io::Result<Simulator> {
        let state = SimState::new(config)
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
        let listener = StdTcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (shutdown, stop) = oneshot::channel::<()>();
        let served = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("acronis-sim-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(serve_with_shutdown(listener, served, async {
                    // A dropped sender means the same as a sent one: stop.
                    let _ = stop.await;
                }));
            })?;
        Ok(Simulator {
            state,
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (the data-center URL; the API is under `/api/2`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The shared state, for anything the helpers below do not cover.
    pub fn state(&self) -> &SimState {
        &self.state
    }

    /// Creates a user and returns it as the API shows it.
    ///
    /// # Panics
    /// If the seed has an empty login, a malformed id or an id already in use.
    pub fn add_user(&self, seed: SeedUser) -> Value {
        match self.state.add_user(&seed) {
            Ok(user) => user.to_json(),
            Err(err) => panic!("acronis-sim: cannot add user {:?}: {err}", seed.login),
        }
    }

    /// Makes tenant `id` known (a top-level customer unless known already) with `users`
    /// generated live users, and returns their ids in id order, the order `GET /users` pages
    /// them.
    ///
    /// # Panics
    /// If the id is not a lowercase UUID.
    pub fn add_tenant(&self, id: &str, users: usize) -> Vec<String> {
        self.seed_tenant(SeedTenant::new(id, users))
    }

    /// Makes a tenant known, or re-places a known one (kind, parent, name), with its generated
    /// users; returns their ids in id order. Nest one with
    /// `SeedTenant::new(id, n).with_parent(customer).with_kind(TenantKind::Unit)`.
    ///
    /// # Panics
    /// If an id is not a lowercase UUID, the parent is unknown or the nesting makes a cycle.
    pub fn seed_tenant(&self, seed: SeedTenant) -> Vec<String> {
        match self.state.add_tenant(&seed) {
            Ok(created) => {
                let mut ids: Vec<String> = created.into_iter().map(|user| user.id).collect();
                ids.sort();
                ids
            }
            Err(err) => panic!("acronis-sim: cannot add tenant {:?}: {err}", seed.id),
        }
    }

    /// The tenant as `GET /tenants/{tenant_id}` shows it.
    pub fn tenant(&self, id: &str) -> Option<Value> {
        self.state.tenant_json(id).ok()
    }

    /// The user as stored, deleted ones included.
    pub fn user(&self, id: &str) -> Option<Value> {
        self.state.user(id).map(|user| user.to_json())
    }

    /// Enables or disables a user out of band, as in the console; the version goes up by one.
    pub fn console_set_enabled(&self, id: &str, enabled: bool) {
        self.console_edit(
            id,
            UserUpdate {
                enabled: Some(enabled),
                ..UserUpdate::default()
            },
        );
    }

    /// An out-of-band edit that changes nothing the provider manages: version + 1 only.
    pub fn console_bump(&self, id: &str) {
        self.console_edit(id, UserUpdate::default());
    }

    fn console_edit(&self, id: &str, update: UserUpdate) {
        if let Err(err) = self.state.console_update(id, update) {
            panic!("acronis-sim: console edit failed: {err}");
        }
    }

    /// Soft-deletes a user whatever its state (version + 1, `deleted_at` set).
    pub fn delete_user(&self, id: &str) {
        if let Err(err) = self.state.console_delete(id) {
            panic!("acronis-sim: console delete failed: {err}");
        }
    }

    /// Removes a user for good.
    pub fn purge_user(&self, id: &str) {
        if let Err(err) = self.state.purge_user(id) {
            panic!("acronis-sim: purge failed: {err}");
        }
    }

    /// Every access token issued so far.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state().issued_tokens()
    }

    pub fn calls(&self) -> CallCounts {
        self.state.calls()
    }

    pub fn reset_calls(&self) {
        self.state.reset_calls();
    }

    /// Starts keeping every API exchange (request and answer), forgetting those kept so far;
    /// read them with [`Simulator::traffic`].
    pub fn record_traffic(&self) {
        self.state.set_recording(true);
    }

    /// The exchanges kept since [`Simulator::record_traffic`], oldest first.
    pub fn traffic(&self) -> Vec<Exchange> {
        self.state.traffic()
    }

    /// Books a fault, as `POST /admin/faults` does.
    ///
    /// # Panics
    /// If the fault is invalid (count 0, status out of range, latency fault without delay).
    pub fn inject(&self, fault: Fault) {
        if let Err(err) = self.state.inject(fault) {
            panic!("acronis-sim: invalid fault: {err}");
        }
    }

    /// What is still booked, and how many requests faults have hit.
    pub fn faults(&self) -> FaultsView {
        self.state.faults()
    }

    /// Delay added to every API request.
    pub fn set_latency(&self, delay: Duration) {
        self.state.set_latency(delay);
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.state.set_token_ttl(ttl);
    }

    /// Expiry fields of token answers given from now on.
    pub fn set_expiry_fields(&self, fields: ExpiryFields) {
        self.state.set_expiry_fields(fields);
    }

    /// Every token issued so far stops working (the next call answers 401).
    pub fn revoke_tokens(&self) {
        self.state.revoke_tokens();
    }

    /// The next `count` PUTs of the user each first see an out-of-band version bump, so a
    /// PUT carrying the version read before gets 409.
    pub fn bump_between_read_and_write(&self, id: &str, count: u32) {
        self.state.bump_between_read_and_write(id, count);
    }

    /// The user is left out of the next `times` batch answers (`GET /users?uuids=`) that would
    /// include it, as by a replica lagging behind; `GET /users/{id}` still serves it.
    ///
    /// # Panics
    /// If no user has that id.
    pub fn hide_from_batches(&self, id: &str, times: u32) {
        if let Err(err) = self.state.hide_from_batches(id, times) {
            panic!("acronis-sim: cannot hide a user from batches: {err}");
        }
    }

    /// The user's item in the next `times` batch answers (`GET /users?uuids=`) that include it
    /// carries a `version` that is not a number (`"v3"`); `GET /users/{id}` still serves it
    /// well.
    ///
    /// # Panics
    /// If no user has that id.
    pub fn malform_in_batches(&self, id: &str, times: u32) {
        if let Err(err) = self.state.malform_in_batches(id, times) {
            panic!("acronis-sim: cannot malform a user in batches: {err}");
        }
    }

    /// `GET /users` (batch reads and listings alike) answers 404 in the API's error shape, as
    /// a server without `FetchUsersBatch` does, until set back or faults are cleared. Each
    /// such request still counts under its endpoint.
    pub fn set_batch_endpoint_absent(&self, absent: bool) {
        self.state.set_batch_endpoint_absent(absent);
    }

    /// Forgets booked faults, bumps, hides and malformed items, serves `GET /users` again,
    /// and sets the global latency back to zero.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panicked server thread has already reported itself; nothing more to do.
            let _ = thread.join();
        }
    }
}
