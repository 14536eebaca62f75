//! Serves a [`Provider`] as the tfplugin6 `Provider` gRPC service: each RPC finds the type it
//! names in the registry, hands it Terraform's values, and turns the outcome (diagnostics
//! included) into the protocol's answer. No resource or data source is named here. Listings
//! (`ListResource`, a server stream) are run by [`listing`].

mod listing;

use std::sync::{Arc, RwLock};

use bytes::Bytes;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::Instrument as _;

use super::registry::decode;
use super::{ListRequest, Provider, Registry, Stated};
use crate::tfproto::diagnostics::attribute_path;
use crate::tfproto::proto::{self, provider_server};
use crate::tfproto::schema::SchemaDef;
use crate::tfproto::{Diagnostic, Diagnostics, Value};

/// A provider, its registry, and the client its configuration built.
pub struct Server<P: Provider> {
    provider: P,
    registry: Registry<P::Client>,
    /// Built once: every schema load gets a clone of it.
    schema: proto::get_provider_schema::Response,
    client: RwLock<Option<Arc<P::Client>>>,
    /// Cancelled by StopProvider.
    stop: CancellationToken,
}

impl<P: Provider> Server<P> {
    pub fn new(provider: P) -> Self {
        let registry = provider.registry();
        let schema = provider_schema(provider.schema(), &registry);
        Server {
            provider,
            registry,
            schema,
            client: RwLock::new(None),
            stop: CancellationToken::new(),
        }
    }

    /// Cancelled when Terraform stops the provider; cancel it to do the same.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    fn client(&self) -> Result<Arc<P::Client>, Diagnostics> {
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

fn provider_schema<C: Send + Sync + 'static>(
    provider: &SchemaDef,
    registry: &Registry<C>,
) -> proto::get_provider_schema::Response {
    proto::get_provider_schema::Response {
        provider: Some(provider.to_proto()),
        resource_schemas: registry
            .resources()
            .map(|r| (r.type_name().to_owned(), r.schema().to_proto()))
            .collect(),
        data_source_schemas: registry
            .data_sources()
            .map(|d| (d.type_name().to_owned(), d.schema().to_proto()))
            .collect(),
        list_resource_schemas: registry
            .list_resources()
            .map(|l| (l.type_name().to_owned(), l.schema().to_proto()))
            .collect(),
        diagnostics: Vec::new(),
        provider_meta: None,
        server_capabilities: Some(server_capabilities()),
    }
}

fn server_capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        // Destroy is not planned by the provider: whatever delete needs is in prior state.
        plan_destroy: false,
        // The schema is static, so Terraform may cache it instead of asking each process.
        get_provider_schema_optional: true,
        move_resource_state: false,
        // Configuration written for imported and listed objects is the resource's own choice.
        generate_resource_config: true,
    }
}

/// Decodes a value Terraform sent against `schema`; `what` names it in the error.
fn value_of(
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

/// The client for a call that needs it, or why there is none.
fn client_ref<C>(client: &Result<Arc<C>, Diagnostics>) -> Result<&C, Diagnostics> {
    client.as_deref().map_err(Clone::clone)
}

fn identity_data(identity: Option<Value>) -> Option<proto::ResourceIdentityData> {
    identity.map(|v| proto::ResourceIdentityData {
        identity_data: Some(v.to_dynamic()),
    })
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
impl<P: Provider> provider_server::Provider for Server<P> {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> RpcResult<proto::get_metadata::Response> {
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: Vec::new(),
            data_sources: self
                .registry
                .data_sources()
                .map(|d| proto::get_metadata::DataSourceMetadata {
                    type_name: d.type_name().into(),
                })
                .collect(),
            resources: self
                .registry
                .resources()
                .map(|r| proto::get_metadata::ResourceMetadata {
                    type_name: r.type_name().into(),
                })
                .collect(),
            list_resources: self
                .registry
                .list_resources()
                .map(|l| proto::get_metadata::ListResourceMetadata {
                    type_name: l.type_name().into(),
                })
                .collect(),
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
        let identity_schemas = self
            .registry
            .resources()
            .filter_map(|r| Some((r.type_name().to_owned(), r.identity_schema()?.to_proto())))
            .collect();
        Ok(Response::new(
            proto::get_resource_identity_schemas::Response {
                identity_schemas,
                diagnostics: Vec::new(),
            },
        ))
    }

    async fn validate_provider_config(
        &self,
        request: Request<proto::validate_provider_config::Request>,
    ) -> RpcResult<proto::validate_provider_config::Response> {
        let req = request.into_inner();
        let diags = value_of(
            req.config.as_ref(),
            self.provider.schema(),
            "provider configuration",
        )
        .and_then(|config| decode(&config, "provider configuration"))
        .map_or_else(|d| d, |config| self.provider.validate(&config));
        Ok(Response::new(proto::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<proto::validate_resource_config::Request>,
    ) -> RpcResult<proto::validate_resource_config::Response> {
        let req = request.into_inner();
        let diags = self
            .registry
            .find_resource(&req.type_name)
            .and_then(|r| {
                let config = value_of(req.config.as_ref(), r.schema(), "resource configuration")?;
                Ok(r.validate(&config))
            })
            .unwrap_or_else(|d| d);
        Ok(Response::new(proto::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<proto::validate_data_resource_config::Request>,
    ) -> RpcResult<proto::validate_data_resource_config::Response> {
        let req = request.into_inner();
        let diags = self
            .registry
            .find_data_source(&req.type_name)
            .and_then(|d| {
                let config =
                    value_of(req.config.as_ref(), d.schema(), "data source configuration")?;
                Ok(d.validate(&config))
            })
            .unwrap_or_else(|d| d);
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
        let json = req.raw_state.map(|raw| raw.json).unwrap_or_default();
        let result = self.registry.find_resource(&req.type_name).and_then(|r| {
            if json.is_empty() {
                return Err(Diagnostic::error(
                    "Unsupported state format",
                    "This resource's state was stored in the legacy flatmap format, which this provider never wrote.",
                )
                .into());
            }
            r.upgrade_state(req.version, &json)
        });
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
        let json = req.raw_identity.map(|raw| raw.json).unwrap_or_default();
        let result = self
            .registry
            .find_resource(&req.type_name)
            .and_then(|r| r.upgrade_identity(req.version, &json));
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
        let result = value_of(
            req.config.as_ref(),
            self.provider.schema(),
            "provider configuration",
        )
        .and_then(|config| decode(&config, "provider configuration"))
        .and_then(|config| self.provider.configure(config, self.stop.clone()));
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
        let resource = self.registry.find_resource(&req.type_name);
        let current = resource.as_ref().map_or(Ok(Value::Null), |r| {
            value_of(req.current_state.as_ref(), r.schema(), "current state")
        });
        let (new, diags) = traced("ReadResource", &req.type_name, async {
            match (resource, current) {
                (Ok(resource), Ok(current)) => {
                    let client = self.client();
                    resource.read(client_ref(&client), &current).await
                }
                (Err(d), _) | (_, Err(d)) => (Stated::null(), d),
            }
        })
        .await;
        Ok(Response::new(proto::read_resource::Response {
            new_identity: identity_data(new.identity),
            new_state: Some(new.state.to_dynamic()),
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
        let result = self.registry.find_resource(&req.type_name).and_then(|r| {
            let schema = r.schema();
            let prior = value_of(req.prior_state.as_ref(), schema, "prior state")?;
            let proposed = value_of(req.proposed_new_state.as_ref(), schema, "proposed state")?;
            let config = value_of(req.config.as_ref(), schema, "configuration")?;
            r.plan(&prior, &proposed, &config)
        });
        let response = match result {
            Ok((planned, requires_replace)) => proto::plan_resource_change::Response {
                planned_state: Some(planned.state.to_dynamic()),
                requires_replace: requires_replace
                    .iter()
                    .map(|a| attribute_path(&[a]))
                    .collect(),
                planned_private: req.prior_private,
                planned_identity: identity_data(planned.identity),
                ..Default::default()
            },
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
        let resource = self.registry.find_resource(&req.type_name);
        let prior = resource.as_ref().map_or(Ok(Value::Null), |r| {
            value_of(req.prior_state.as_ref(), r.schema(), "prior state")
        });
        let (new, diags) = traced("ApplyResourceChange", &req.type_name, async {
            match (resource, prior) {
                (Ok(resource), Ok(prior)) => {
                    let planned = value_of(
                        req.planned_state.as_ref(),
                        resource.schema(),
                        "planned state",
                    );
                    let client = self.client();
                    resource.apply(client_ref(&client), &prior, planned).await
                }
                (Err(d), _) | (_, Err(d)) => (Stated::null(), d),
            }
        })
        .await;
        Ok(Response::new(proto::apply_resource_change::Response {
            new_identity: identity_data(new.identity),
            new_state: Some(new.state.to_dynamic()),
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
            let resource = self.registry.find_resource(&req.type_name)?;
            let identity = match req.identity.as_ref().and_then(|i| i.identity_data.as_ref()) {
                Some(dv) => Value::from_dynamic(dv).map_err(|e| {
                    Diagnostics::from(Diagnostic::error(
                        "Unreadable value from Terraform",
                        format!("The import identity could not be decoded: {e}."),
                    ))
                })?,
                None => Value::Null,
            };
            resource.import(&*self.client()?, &req.id, &identity).await
        })
        .await;
        let response = match result {
            Ok(imported) => proto::import_resource_state::Response {
                imported_resources: vec![proto::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    identity: identity_data(imported.identity),
                    state: Some(imported.state.to_dynamic()),
                    private: Bytes::new(),
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
            let data_source = self.registry.find_data_source(&req.type_name)?;
            let config = value_of(
                req.config.as_ref(),
                data_source.schema(),
                "data source configuration",
            )?;
            data_source.read(&*self.client()?, &config).await
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

    async fn generate_resource_config(
        &self,
        request: Request<proto::generate_resource_config::Request>,
    ) -> RpcResult<proto::generate_resource_config::Response> {
        let req = request.into_inner();
        let result = self.registry.find_resource(&req.type_name).and_then(|r| {
            let state = value_of(req.state.as_ref(), r.schema(), "state")?;
            r.generate_config(&state)
        });
        let response = match result {
            Ok(config) => proto::generate_resource_config::Response {
                config: Some(config.to_dynamic()),
                diagnostics: Vec::new(),
            },
            Err(d) => proto::generate_resource_config::Response {
                config: None,
                diagnostics: d.to_proto(),
            },
        };
        Ok(Response::new(response))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<proto::validate_list_resource_config::Request>,
    ) -> RpcResult<proto::validate_list_resource_config::Response> {
        let req = request.into_inner();
        let diags = self
            .registry
            .find_list_resource(&req.type_name)
            .and_then(|l| {
                let config = value_of(req.config.as_ref(), l.schema(), "list configuration")?;
                Ok(l.validate(&config))
            })
            .unwrap_or_else(|d| d);
        Ok(Response::new(
            proto::validate_list_resource_config::Response {
                diagnostics: diags.to_proto(),
            },
        ))
    }

    type ListResourceStream = listing::EventStream;

    async fn list_resource(
        &self,
        request: Request<proto::list_resource::Request>,
    ) -> RpcResult<Self::ListResourceStream> {
        let req = request.into_inner();
        let started = self
            .registry
            .find_list_resource(&req.type_name)
            .and_then(|l| {
                let config = value_of(req.config.as_ref(), l.schema(), "list configuration")?;
                Ok((l, self.client()?, config))
            });
        let stream = match started {
            Ok((entry, client, config)) => {
                let request = ListRequest {
                    include_resource: req.include_resource_object,
                    limit: req.limit,
                };
                listing::listing(entry, client, config, request)
            }
            Err(d) => listing::failed(d),
        };
        Ok(Response::new(stream))
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
