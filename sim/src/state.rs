//! The simulator's shared state: users, tokens, call counters, faults and client credentials,
//! behind one mutex. Every method locks briefly and never across an `.await`.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};

use crate::calls::{CallCounts, Endpoint, Exchange};
use crate::config::{ExpiryFields, SeedTenant, SeedUser, SimConfig};
use crate::error::StoreError;
use crate::faults::{Fault, FaultBook, FaultsView};
use crate::listing::{Listing, TenantUsersQuery};
use crate::lod::Lod;
use crate::store::{UserPage, UserStore};
use crate::tokens::{IssuedToken, TokenStore};
use crate::user::{User, UserUpdate};

/// A cheap-to-clone handle on one simulator's state; the HTTP layers and [`crate::Simulator`]
/// share it.
#[derive(Debug, Clone)]
pub struct SimState {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    client_id: String,
    client_secret: String,
    users: UserStore,
    tokens: TokenStore,
    calls: CallCounts,
    /// Exchanges kept while recording is on (`None`: off).
    traffic: Option<Vec<Exchange>>,
    faults: FaultBook,
}

impl SimState {
    /// A state holding the configuration's seed users.
    pub fn new(config: SimConfig) -> Result<SimState, StoreError> {
        let mut users = UserStore::default();
        for seed in &config.users {
            users.add(seed)?;
        }
        for seed in &config.tenants {
            users.seed_tenant(seed)?;
        }
        Ok(SimState {
            inner: Arc::new(Mutex::new(Inner {
                client_id: config.client_id,
                client_secret: config.client_secret,
                users,
                tokens: TokenStore::new(config.token_ttl, config.expiry_fields),
                calls: CallCounts::default(),
                traffic: None,
                faults: FaultBook::default(),
            })),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // --- API clients and tokens ---

    /// Whether the pair is the configured API client.
    pub fn client_matches(&self, client_id: &str, client_secret: &str) -> bool {
        let inner = self.lock();
        inner.client_id == client_id && inner.client_secret == client_secret
    }

    pub fn issue_token(&self) -> IssuedToken {
        self.lock().tokens.issue()
    }

    pub fn token_is_valid(&self, token: &str) -> bool {
        self.lock().tokens.is_valid(token)
    }

    /// Lifetime of tokens issued from now on.
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.lock().tokens.set_ttl(ttl);
    }

    pub fn set_expiry_fields(&self, fields: ExpiryFields) {
        self.lock().tokens.set_expiry_fields(fields);
    }

    /// Every access token issued so far.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.lock().tokens.issued()
    }

    /// Every token issued so far stops working.
    pub fn revoke_tokens(&self) {
        self.lock().tokens.revoke_all();
    }

    // --- call counters ---

    /// Counts one request to `endpoint`, and the ids it asks for if it is a batch read.
    pub fn record_call(&self, endpoint: Endpoint, batch_ids: u64) {
        let calls = &mut self.lock().calls;
        calls.record(endpoint);
        calls.record_batch_ids(batch_ids);
    }

    pub fn calls(&self) -> CallCounts {
        self.lock().calls
    }

    pub fn reset_calls(&self) {
        self.lock().calls = CallCounts::default();
    }

    // --- recorded traffic ---

    /// Starts keeping every API exchange (forgetting those kept so far), or stops.
    pub fn set_recording(&self, on: bool) {
        self.lock().traffic = on.then(Vec::new);
    }

    pub fn is_recording(&self) -> bool {
        self.lock().traffic.is_some()
    }

    /// Keeps an exchange if recording is on.
    pub fn record_exchange(&self, exchange: Exchange) {
        if let Some(traffic) = &mut self.lock().traffic {
            traffic.push(exchange);
        }
    }

    /// The exchanges kept since recording started, oldest first.
    pub fn traffic(&self) -> Vec<Exchange> {
        self.lock().traffic.clone().unwrap_or_default()
    }

    // --- faults ---

    /// Books a fault after validating it.
    pub fn inject(&self, fault: Fault) -> Result<(), String> {
        fault.validate()?;
        self.lock().faults.push(fault);
        Ok(())
    }

    pub fn take_fault(&self, endpoint: Endpoint) -> Option<Fault> {
        self.lock().faults.take(endpoint)
    }

    pub fn bump_between_read_and_write(&self, user_id: &str, count: u32) {
        self.lock().faults.push_bump(user_id, count);
    }

    pub fn take_bump(&self, user_id: &str) -> bool {
        self.lock().faults.take_bump(user_id)
    }

    /// Leaves a stored user out of its next `times` batch answers.
    pub fn hide_from_batches(&self, user_id: &str, times: u32) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if inner.users.get(user_id).is_none() {
            return Err(StoreError::NotFound(user_id.to_owned()));
        }
        inner.faults.push_hide(user_id, times);
        Ok(())
    }

    /// Malforms a stored user's item (a `version` that is not a number) in its next `times`
    /// batch answers.
    pub fn malform_in_batches(&self, user_id: &str, times: u32) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if inner.users.get(user_id).is_none() {
            return Err(StoreError::NotFound(user_id.to_owned()));
        }
        inner.faults.push_malformed(user_id, times);
        Ok(())
    }

    /// Makes `GET /users` answer 404, as a server without the batch endpoint does (or serve it
    /// again).
    pub fn set_batch_endpoint_absent(&self, absent: bool) {
        self.lock().faults.set_batch_absent(absent);
    }

    /// Whether the current `GET /users` request finds no endpoint.
    pub fn take_batch_endpoint_absent(&self) -> bool {
        self.lock().faults.take_batch_absent()
    }

    pub fn latency(&self) -> Duration {
        self.lock().faults.latency()
    }

    /// Delay added to every API request.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().faults.set_latency(latency);
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub fn faults(&self) -> FaultsView {
        self.lock().faults.view()
    }

    // --- users ---

    pub fn add_user(&self, seed: &SeedUser) -> Result<User, StoreError> {
        self.lock().users.add(seed)
    }

    /// The user as stored, deleted or not.
    pub fn user(&self, id: &str) -> Option<User> {
        self.lock().users.get(id).cloned()
    }

    pub fn all_users(&self) -> Vec<User> {
        self.lock().users.all()
    }

    /// The user as `GET /users/{id}` shows it.
    pub fn visible_user(&self, id: &str, allow_deleted: bool) -> Result<User, StoreError> {
        self.lock().users.visible(id, allow_deleted).cloned()
    }

    /// The items of a batch read at `lod`: the users among `ids` (deleted ones only with
    /// `allow_deleted`), less those a hide fault leaves out this time, with the items a
    /// malformed-item fault spoils; and whether any was spoiled.
    pub fn batch_items(&self, ids: &[String], allow_deleted: bool, lod: Lod) -> (Vec<Value>, bool) {
        let mut inner = self.lock();
        let mut users = inner.users.among(ids, allow_deleted);
        users.retain(|user| !inner.faults.take_hide(&user.id));
        let mut spoiled = false;
        let items = users
            .iter()
            .map(|user| {
                let mut item = lod.item(user);
                if inner.faults.take_malformed(&user.id) {
                    item["version"] = json!(format!("v{}", user.version));
                    spoiled = true;
                }
                item
            })
            .collect();
        (items, spoiled)
    }

    // --- tenants ---

    /// Makes a tenant known and creates its generated users.
    pub fn add_tenant(&self, seed: &SeedTenant) -> Result<Vec<User>, StoreError> {
        self.lock().users.seed_tenant(seed)
    }

    pub fn tenants(&self) -> Vec<String> {
        self.lock().users.tenants()
    }

    /// A known tenant as `GET /tenants/{tenant_id}` shows it.
    pub fn tenant_json(&self, tenant_id: &str) -> Result<Value, StoreError> {
        let (tenant, has_children) = self.lock().users.tenant(tenant_id)?;
        Ok(tenant.to_json(has_children))
    }

    /// The ids `GET /tenants/{tenant_id}/users` answers.
    pub fn tenant_user_ids(
        &self,
        tenant_id: &str,
        query: &TenantUsersQuery,
    ) -> Result<Vec<String>, StoreError> {
        self.lock().users.tenant_user_ids(tenant_id, query)
    }

    /// Up to `limit` users of a `GET /users` listing whose ids sort after `after`.
    pub fn users_page(
        &self,
        listing: &Listing,
        after: Option<&str>,
        limit: usize,
    ) -> Result<UserPage, StoreError> {
        self.lock().users.users_page(listing, after, limit)
    }

    pub fn api_update(
        &self,
        id: &str,
        version: i64,
        update: UserUpdate,
    ) -> Result<User, StoreError> {
        self.lock().users.api_update(id, version, update)
    }

    /// An out-of-band edit, as if made in the management console: version + 1.
    pub fn console_update(&self, id: &str, update: UserUpdate) -> Result<User, StoreError> {
        self.lock().users.console_update(id, update)
    }

    pub fn api_delete(&self, id: &str, version: i64) -> Result<(), StoreError> {
        self.lock().users.api_delete(id, version)
    }

    /// Soft-deletes a user whatever its state.
    pub fn console_delete(&self, id: &str) -> Result<User, StoreError> {
        self.lock().users.console_delete(id)
    }

    /// Removes a user for good.
    pub fn purge_user(&self, id: &str) -> Result<User, StoreError> {
        self.lock().users.purge(id)
    }
}
