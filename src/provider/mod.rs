//! The Acronis provider as a tfplugin6 gRPC service: each RPC decodes Terraform's values,
//! hands them to the resource or data source it names, and encodes the answer.

pub mod config;
pub mod errors;

use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::Instrument as _;

use crate::acronis::AcronisClient;
use crate::data_sources::user as user_data;
use crate::resources::user_status;
use crate::tfplugin::diagnostics::attribute_path;
use crate::tfplugin::proto::{self, provider_server::Provider, provider_server::ProviderServer};
use crate::tfplugin::schema::SchemaDef;
use crate::tfplugin::service::provider_service;
use crate::tfplugin::{Diagnostic, Diagnostics, Value};

/// The address Terraform knows this provider by.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/acronis/acronis";

pub struct AcronisProvider {
    /// Built once: every schema load gets a clone of it.
    schema: proto::get_provider_schema::Response,
    client: RwLock<Option<Arc<AcronisClient>>>,
    /// Cancelled by StopProvider; aborts every API call.
    stop: CancellationToken,
    env: Box<EnvLookup>,
}

/// Reads an environment variable; injectable so tests need not touch the process environment.
type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Default for AcronisProvider {
    fn default() -> Self {
        Self::with_env(|k| std::env::var(k).ok())
    }
}

impl AcronisProvider {
    /// A provider that reads its `ACRONIS_*` fallbacks through `env`.
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        AcronisProvider {
            schema: provider_schema(),
            client: RwLock::new(None),
            stop: CancellationToken::new(),
            env: Box::new(env),
        }
    }

    /// The gRPC service; it accepts messages as large as Terraform sends.
    pub fn into_service(self) -> ProviderServer<AcronisProvider> {
        provider_service(self)
    }

    fn client(&self) -> Result<Arc<AcronisClient>, Diagnostics> {
        self.client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| {
                Diagnostic::error(
                    "Provider not configured",
                    "Terraform called the provider before configuring it; this is a bug in the caller.",
                )
                .into()
            })
    }
}

fn provider_schema() -> proto::get_provider_schema::Response {
    proto::get_provider_schema::Response {
        provider: Some(config::SCHEMA.to_proto()),
        resource_schemas: [(
            user_status::TYPE_NAME.to_owned(),
            user_status::SCHEMA.to_proto(),
        )]
        .into(),
        data_source_schemas: [(
            user_data::TYPE_NAME.to_owned(),
            user_data::SCHEMA.to_proto(),
        )]
        .into(),
        diagnostics: Vec::new(),
        provider_meta: None,
        server_capabilities: Some(server_capabilities()),
    }
}

fn server_capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        // Destroy needs no planning of its own: on_destroy is read from prior state.
        plan_destroy: false,
        // The schema is static, so Terraform may cache it instead of asking each process.
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

/// Decodes a value of `schema` that Terraform sent, or says which one was unreadable.
fn decode(
    value: Option<&proto::DynamicValue>,
    schema: &SchemaDef,
    what: &str,
) -> Result<Value, Diagnostics> {
    match value {
        None => Ok(Value::Null),
        Some(dv) => schema.decode(dv).map_err(|e| {
            Diagnostic::error(
                "Unreadable value from Terraform",
                format!("The {what} could not be decoded: {e}."),
            )
            .into()
        }),
    }
}

/// Decodes a value of `acronis_user_status` (a configuration, a state or its identity, whose
/// one attribute is the resource's `user_id`).
fn user_status_value(
    value: Option<&proto::DynamicValue>,
    what: &str,
) -> Result<Value, Diagnostics> {
    decode(value, &user_status::SCHEMA, what)
}

fn identity_data(identity: Option<Value>) -> Option<proto::ResourceIdentityData> {
    identity.map(|v| proto::ResourceIdentityData {
        identity_data: Some(v.to_dynamic()),
    })
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type {name:?}."),
    )
    .into()
}

/// Checks that an RPC names the one type that serves it.
fn expect_type(kind: &str, served: &str, requested: &str) -> Result<(), Diagnostics> {
    if served == requested {
        Ok(())
    } else {
        Err(unknown_type(kind, requested))
    }
}

/// Runs an RPC body inside a span naming the RPC and the type it concerns.
async fn traced<T>(
    rpc: &'static str,
    type_name: &str,
    body: impl std::future::Future<Output = T>,
) -> T {
    let span = tracing::debug_span!("rpc", tf_rpc = rpc, tf_resource_type = type_name);
    async {
        tracing::trace!("RPC start");
        let out = body.await;
        tracing::trace!("RPC done");
        out
    }
    .instrument(span)
    .await
}

type RpcResult<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl Provider for AcronisProvider {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> RpcResult<proto::get_metadata::Response> {
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: Vec::new(),
            data_sources: vec![proto::get_metadata::DataSourceMetadata {
                type_name: user_data::TYPE_NAME.into(),
            }],
            resources: vec![proto::get_metadata::ResourceMetadata {
                type_name: user_status::TYPE_NAME.into(),
            }],
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<proto::get_provider_schema::Request>,
    ) -> RpcResult<proto::get_provider_schema::Response> {
        Ok(Response::new(self.schema.clone()))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<proto::get_resource_identity_schemas::Request>,
    ) -> RpcResult<proto::get_resource_identity_schemas::Response> {
        Ok(Response::new(
            proto::get_resource_identity_schemas::Response {
                identity_schemas: [(
                    user_status::TYPE_NAME.to_owned(),
                    user_status::identity_schema(),
                )]
                .into(),
                diagnostics: Vec::new(),
            },
        ))
    }

    async fn validate_provider_config(
        &self,
        request: Request<proto::validate_provider_config::Request>,
    ) -> RpcResult<proto::validate_provider_config::Response> {
        let req = request.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &config::SCHEMA,
            "provider configuration",
        ) {
            Ok(cfg) => config::validate(&cfg),
            Err(d) => d,
        };
        Ok(Response::new(proto::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<proto::validate_resource_config::Request>,
    ) -> RpcResult<proto::validate_resource_config::Response> {
        let req = request.into_inner();
        let diags = match (
            req.type_name.as_str(),
            user_status_value(req.config.as_ref(), "resource configuration"),
        ) {
            (_, Err(d)) => d,
            (user_status::TYPE_NAME, Ok(cfg)) => user_status::validate(&cfg),
            (other, _) => unknown_type("resource", other),
        };
        Ok(Response::new(proto::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<proto::validate_data_resource_config::Request>,
    ) -> RpcResult<proto::validate_data_resource_config::Response> {
        let req = request.into_inner();
        let diags = match (
            req.type_name.as_str(),
            decode(
                req.config.as_ref(),
                &user_data::SCHEMA,
                "data source configuration",
            ),
        ) {
            (_, Err(d)) => d,
            (user_data::TYPE_NAME, Ok(cfg)) => user_data::validate(&cfg),
            (other, _) => unknown_type("data source", other),
        };
        Ok(Response::new(
            proto::validate_data_resource_config::Response {
                diagnostics: diags.to_proto(),
            },
        ))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<proto::upgrade_resource_state::Request>,
    ) -> RpcResult<proto::upgrade_resource_state::Response> {
        let req = request.into_inner();
        let result = match req.type_name.as_str() {
            user_status::TYPE_NAME => {
                user_status::upgrade(req.version, &req.raw_state.unwrap_or_default())
            }
            other => Err(unknown_type("resource", other)),
        };
        let (state, diags) = match result {
            Ok(state) => (Some(state.to_dynamic()), Diagnostics::new()),
            Err(d) => (None, d),
        };
        Ok(Response::new(proto::upgrade_resource_state::Response {
            upgraded_state: state,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<proto::upgrade_resource_identity::Request>,
    ) -> RpcResult<proto::upgrade_resource_identity::Response> {
        let req = request.into_inner();
        // Identity version 0 is the only one; its JSON is read as it is.
        let json = req.raw_identity.map(|r| r.json).unwrap_or_default();
        let result = match (req.type_name.as_str(), req.version) {
            (user_status::TYPE_NAME, 0) => Value::from_json(&json)
                .map(|old| Value::object([("user_id", old.get("user_id").clone())]))
                .map_err(|e| Diagnostic::error("Unreadable identity", e.to_string()).into()),
            (user_status::TYPE_NAME, v) => Err(Diagnostic::error(
                "Identity from a newer provider",
                format!("Identity version {v} is newer than this provider knows (0)."),
            )
            .into()),
            (other, _) => Err(unknown_type("resource", other)),
        };
        let (identity, diags) = match result {
            Ok(v) => (identity_data(Some(v)), Diagnostics::new()),
            Err(d) => (None, d),
        };
        Ok(Response::new(proto::upgrade_resource_identity::Response {
            upgraded_identity: identity,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<proto::configure_provider::Request>,
    ) -> RpcResult<proto::configure_provider::Response> {
        let req = request.into_inner();
        let result = decode(
            req.config.as_ref(),
            &config::SCHEMA,
            "provider configuration",
        )
        .and_then(|cfg| config::resolve(&cfg, &*self.env))
        .and_then(|options| {
            AcronisClient::new(options, self.stop.clone())
                .map_err(|e| Diagnostic::error("Could not set up the HTTP client", e).into())
        });
        let diags = match result {
            Ok(client) => {
                *self.client.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(client));
                Diagnostics::new()
            }
            Err(d) => d,
        };
        Ok(Response::new(proto::configure_provider::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<proto::read_resource::Request>,
    ) -> RpcResult<proto::read_resource::Response> {
        let req = request.into_inner();
        let result = traced("ReadResource", &req.type_name, async {
            expect_type("resource", user_status::TYPE_NAME, &req.type_name)?;
            let state = user_status_value(req.current_state.as_ref(), "current state")?;
            if state.is_null() {
                return Ok(Value::Null);
            }
            let client = self.client()?;
            Ok(user_status::read(&client, &state)
                .await?
                .unwrap_or(Value::Null))
        })
        .await;
        let (new_state, diags) = match result {
            Ok(state) => (state, Diagnostics::new()),
            // On failure the current state stands: nothing is lost.
            Err(d) => (
                user_status_value(req.current_state.as_ref(), "current state")
                    .unwrap_or(Value::Null),
                d,
            ),
        };
        Ok(Response::new(proto::read_resource::Response {
            new_identity: identity_data(user_status::identity(&new_state)),
            new_state: Some(new_state.to_dynamic()),
            diagnostics: diags.to_proto(),
            private: req.private,
            deferred: None,
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<proto::plan_resource_change::Request>,
    ) -> RpcResult<proto::plan_resource_change::Response> {
        let req = request.into_inner();
        let result = (|| -> Result<_, Diagnostics> {
            expect_type("resource", user_status::TYPE_NAME, &req.type_name)?;
            let prior = user_status_value(req.prior_state.as_ref(), "prior state")?;
            let proposed = user_status_value(req.proposed_new_state.as_ref(), "proposed state")?;
            let config = user_status_value(req.config.as_ref(), "configuration")?;
            let plan = user_status::plan(&prior, &proposed, &config);
            Ok((prior, plan))
        })();
        let response = match result {
            Ok((prior, plan)) => {
                let identity = if plan.requires_replace.is_empty() && !prior.is_null() {
                    user_status::identity(&prior)
                } else {
                    user_status::identity(&plan.planned)
                };
                proto::plan_resource_change::Response {
                    planned_state: Some(plan.planned.to_dynamic()),
                    requires_replace: plan
                        .requires_replace
                        .iter()
                        .map(|a| attribute_path(&[a]))
                        .collect(),
                    planned_private: req.prior_private,
                    planned_identity: identity_data(identity),
                    ..Default::default()
                }
            }
            Err(d) => proto::plan_resource_change::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            },
        };
        Ok(Response::new(response))
    }

    async fn apply_resource_change(
        &self,
        request: Request<proto::apply_resource_change::Request>,
    ) -> RpcResult<proto::apply_resource_change::Response> {
        let req = request.into_inner();
        let user = async {
            expect_type("resource", user_status::TYPE_NAME, &req.type_name)?;
            let prior = user_status_value(req.prior_state.as_ref(), "prior state")?;
            let planned = user_status_value(req.planned_state.as_ref(), "planned state")?;
            let client = self.client()?;
            Ok(user_status::apply(&client, &prior, &planned).await)
        };
        let (new_state, diags) = match traced("ApplyResourceChange", &req.type_name, user).await {
            Ok(outcome) => outcome,
            Err(d) => (
                user_status_value(req.prior_state.as_ref(), "prior state").unwrap_or(Value::Null),
                d,
            ),
        };
        Ok(Response::new(proto::apply_resource_change::Response {
            new_identity: identity_data(user_status::identity(&new_state)),
            new_state: Some(new_state.to_dynamic()),
            private: req.planned_private,
            diagnostics: diags.to_proto(),
            legacy_type_system: false,
        }))
    }

    async fn import_resource_state(
        &self,
        request: Request<proto::import_resource_state::Request>,
    ) -> RpcResult<proto::import_resource_state::Response> {
        let req = request.into_inner();
        let result = traced("ImportResourceState", &req.type_name, async {
            expect_type("resource", user_status::TYPE_NAME, &req.type_name)?;
            let from_identity = match req.identity.as_ref().and_then(|i| i.identity_data.as_ref()) {
                Some(dv) => user_status_value(Some(dv), "import identity")?
                    .get("user_id")
                    .as_str()
                    .map(str::to_owned),
                None => None,
            };
            let user_id = match (req.id.as_str(), from_identity) {
                ("", Some(id)) => id,
                (id, _) => id.to_owned(),
            };
            let client = self.client()?;
            user_status::import(&client, &user_id).await
        })
        .await;
        let response = match result {
            Ok(state) => proto::import_resource_state::Response {
                imported_resources: vec![proto::import_resource_state::ImportedResource {
                    type_name: user_status::TYPE_NAME.into(),
                    identity: identity_data(user_status::identity(&state)),
                    state: Some(state.to_dynamic()),
                    private: bytes::Bytes::new(),
                }],
                diagnostics: Vec::new(),
                deferred: None,
            },
            Err(d) => proto::import_resource_state::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            },
        };
        Ok(Response::new(response))
    }

    async fn read_data_source(
        &self,
        request: Request<proto::read_data_source::Request>,
    ) -> RpcResult<proto::read_data_source::Response> {
        let req = request.into_inner();
        let result = traced("ReadDataSource", &req.type_name, async {
            expect_type("data source", user_data::TYPE_NAME, &req.type_name)?;
            let config = decode(
                req.config.as_ref(),
                &user_data::SCHEMA,
                "data source configuration",
            )?;
            let client = self.client()?;
            user_data::read(&client, &config).await
        })
        .await;
        let response = match result {
            Ok(state) => proto::read_data_source::Response {
                state: Some(state.to_dynamic()),
                ..Default::default()
            },
            Err(d) => proto::read_data_source::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            },
        };
        Ok(Response::new(response))
    }

    async fn stop_provider(
        &self,
        _: Request<proto::stop_provider::Request>,
    ) -> RpcResult<proto::stop_provider::Response> {
        tracing::info!("StopProvider: cancelling API calls in flight");
        self.stop.cancel();
        Ok(Response::new(proto::stop_provider::Response {
            error: String::new(),
        }))
    }
}
