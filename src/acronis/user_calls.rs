//! The user endpoints: `GET /users/{id}` (batched with others while the API is busy, see
//! `client.rs`), `GET /users?uuids=` and `PUT /users/{id}`.

use reqwest::Method;
use serde::Serialize;

use super::client::{decode, is_version_conflict, status_error, AcronisClient, MAX_BATCH_IDS};
use super::error::{ApiError, Operation};
use super::user::{check_user_id, User, UserStatus};

/// How often an update is retried when the account changed under it (409).
const MAX_CONFLICT_ATTEMPTS: u32 = 5;

#[derive(Serialize)]
struct EnabledUpdate {
    enabled: bool,
    version: i64,
}

impl AcronisClient {
    /// One user. With batching on, reads that arrive while the API is busy share one
    /// `GET /users?uuids=...&lod=full`; a lone read is a plain `GET /users/{id}`.
    pub async fn get_user(&self, id: &str) -> Result<User, ApiError> {
        self.read_one(self.user_reads(), id).await
    }

    /// Whether the account is enabled, and its version: what a refresh needs. Batched as
    /// [`get_user`](Self::get_user) is, with the lighter `lod=basic`; the rest of the object is
    /// never built.
    pub async fn get_user_status(&self, id: &str) -> Result<UserStatus, ApiError> {
        Ok(self.read_one(self.status_reads(), id).await?.status())
    }

    /// `GET /users/{id}`, for an id already checked.
    pub(super) async fn read_user<U: serde::de::DeserializeOwned>(
        &self,
        id: &str,
    ) -> Result<U, ApiError> {
        self.get_json(&Operation::ReadUser(id.to_owned()), &format!("users/{id}"))
            .await
    }

    /// `GET /users?uuids=...`: the users among `ids` that exist and decode (at most 100 ids a
    /// call). Ids already checked by the caller are checked again: this is public.
    pub async fn get_users(&self, ids: &[&str]) -> Result<Vec<User>, ApiError> {
        for id in ids {
            check_user_id(&Operation::ReadUsers(ids.len()), id)?;
        }
        let mut users = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BATCH_IDS) {
            users.extend(self.read_batch::<User>(chunk).await?);
        }
        Ok(users)
    }

    /// Brings the account to `enabled`, starting from `version` if the caller knows it.
    ///
    /// On a version conflict (the account changed since it was read, or a retried request had
    /// already landed) it re-reads the account: if it already has the wanted `enabled`, nothing
    /// more is sent; otherwise only `enabled` is sent again with the new version. Bounded.
    pub async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
        version: Option<i64>,
    ) -> Result<UserStatus, ApiError> {
        let op = Operation::UpdateUser(id.to_owned());
        check_user_id(&op, id)?;
        let mut version = match version {
            Some(v) => v,
            None => {
                let user = self.get_user_status(id).await?;
                if user.enabled == enabled {
                    return Ok(user);
                }
                user.version
            }
        };
        for _ in 0..MAX_CONFLICT_ATTEMPTS {
            let body = EnabledUpdate { enabled, version };
            let answer = self
                .call_raw(&op, Method::PUT, &format!("users/{id}"), Some(&body))
                .await?;
            if answer.is_success() {
                return decode(&op, &answer);
            }
            if !is_version_conflict(&answer) {
                return Err(status_error(&op, &answer));
            }
            tracing::debug!(user_id = id, "version conflict; re-reading the account");
            let current = self.get_user_status(id).await?;
            if current.enabled == enabled {
                return Ok(current);
            }
            version = current.version;
        }
        Err(ApiError::Conflict {
            operation: op,
            attempts: MAX_CONFLICT_ATTEMPTS,
        })
    }
}
