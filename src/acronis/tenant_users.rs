//! A tenant's live users, exactly: the ids from `GET /tenants/{id}/users` (the API's own list
//! of the tenant's users), then the accounts by batch reads of 100, page by page. `GET
//! /users?tenant_id=` is no filter (the API ignores `tenant_id` there), so it is never used.

use std::collections::HashSet;

use serde::Deserialize;

use super::client::{AcronisClient, MAX_BATCH_IDS};
use super::error::{ApiError, Operation};
use super::user::{is_valid_tenant_id, is_valid_user_id, User};

/// Whose accounts count as the tenant's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TenantScope {
    /// The users of the tenant itself.
    #[default]
    OwnUsers,
    /// Also the users of the tenants nested in it: for a customer its units, for a partner or
    /// folder its folders (the API's `include_grand_children`).
    WithChildTenants,
}

/// `GET /tenants/{id}/users`: `{"items": ["<user id>", ...]}`.
#[derive(Deserialize)]
struct UuidList {
    items: Vec<String>,
}

/// A tenant's users, a page of at most 100 at a time, read as they are asked for.
pub struct TenantUserPages<'c> {
    client: &'c AcronisClient,
    tenant_id: String,
    scope: TenantScope,
    /// The tenant's user ids, once listed.
    ids: Option<Vec<String>>,
    /// How many of `ids` earlier pages took.
    taken: usize,
    /// Pages handed out so far.
    pages: usize,
}

impl AcronisClient {
    /// The live users of `tenant_id` (and of its nested tenants, as `scope` says), a page at a
    /// time. An unknown tenant is an error for which `is_not_found()` holds.
    pub fn tenant_users(&self, tenant_id: &str, scope: TenantScope) -> TenantUserPages<'_> {
        TenantUserPages {
            client: self,
            tenant_id: tenant_id.to_owned(),
            scope,
            ids: None,
            taken: 0,
            pages: 0,
        }
    }

    /// Every page of [`tenant_users`](Self::tenant_users), collected.
    pub async fn list_tenant_users(
        &self,
        tenant_id: &str,
        scope: TenantScope,
    ) -> Result<Vec<User>, ApiError> {
        let mut pages = self.tenant_users(tenant_id, scope);
        let mut users = Vec::new();
        while let Some(page) = pages.next_page().await? {
            users.extend(page);
        }
        Ok(users)
    }
}

impl TenantUserPages<'_> {
    /// The next page of users, or `None` when every user has been handed out.
    pub async fn next_page(&mut self) -> Result<Option<Vec<User>>, ApiError> {
        let op = self.operation();
        if self.ids.is_none() {
            self.ids = Some(self.list_ids(&op).await?);
        }
        let ids = self.ids.as_deref().unwrap_or_default();
        if self.taken >= ids.len() {
            return Ok(None);
        }
        let end = (self.taken + MAX_BATCH_IDS).min(ids.len());
        let chunk: Vec<&str> = ids[self.taken..end].iter().map(String::as_str).collect();
        let users = self.read_accounts(&chunk).await?;
        self.taken = end;
        self.pages += 1;
        Ok(Some(users))
    }

    /// How many pages have been handed out (the one that failed, if any, is the next).
    pub fn pages_read(&self) -> usize {
        self.pages
    }

    fn operation(&self) -> Operation {
        Operation::ListTenantUsers(self.tenant_id.clone())
    }

    /// The tenant's user ids, each checked before it may become part of a URL.
    async fn list_ids(&self, op: &Operation) -> Result<Vec<String>, ApiError> {
        if !is_valid_tenant_id(&self.tenant_id) {
            return Err(ApiError::InvalidArgument {
                operation: op.clone(),
                detail: "a tenant id is a lowercase UUID".into(),
            });
        }
        let children = self.scope == TenantScope::WithChildTenants;
        let path = format!(
            "tenants/{}/users?include_grand_children={children}",
            self.tenant_id
        );
        let list: UuidList = self.client.get_json(op, &path).await?;
        let mut seen = HashSet::with_capacity(list.items.len());
        for id in &list.items {
            if !is_valid_user_id(id) {
                return Err(ApiError::InvalidResponse {
                    operation: op.clone(),
                    detail: "the tenant's user list holds an id that is not a lowercase UUID"
                        .into(),
                });
            }
        }
        Ok(list
            .items
            .into_iter()
            .filter(|id| seen.insert(id.clone()))
            .collect())
    }

    /// The live accounts among `ids`: one batch read while the API has one, then each id the
    /// batch left out (or could not decode) from its own address; an account gone since the
    /// listing is skipped.
    async fn read_accounts(&self, ids: &[&str]) -> Result<Vec<User>, ApiError> {
        let mut users: Vec<User> = Vec::with_capacity(ids.len());
        if self.client.batching() && ids.len() > 1 {
            match self.client.read_batch::<User>(ids).await {
                Ok(batch) => users = batch,
                // The endpoint is missing (batching is now off): the ids are read one by one.
                Err(e) if !self.client.batching() => {
                    tracing::debug!(error = %e, "listing without batch reads")
                }
                Err(e) => return Err(e),
            }
        }
        users.retain(|user| ids.contains(&user.id.as_str()));
        let found: HashSet<String> = users.iter().map(|u| u.id.clone()).collect();
        for id in ids.iter().filter(|id| !found.contains(**id)) {
            match self.client.read_user::<User>(id).await {
                Ok(user) => users.push(user),
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        users.retain(|user| self.belongs(user));
        Ok(users)
    }

    /// Whether an account may be handed out as the tenant's: live, and (unless nested tenants
    /// count) of the tenant itself.
    fn belongs(&self, user: &User) -> bool {
        if user.deleted_at.is_some() {
            return false;
        }
        let own = user.tenant_id.as_deref() == Some(self.tenant_id.as_str());
        if !own && (self.scope == TenantScope::OwnUsers || user.tenant_id.is_none()) {
            tracing::warn!(
                user_id = %user.id,
                "an account listed for the tenant belongs to another; it is left out"
            );
            return false;
        }
        true
    }
}
