//! `acronis_tenant`: reads one tenant by id (its name, kind, parent and status).

use serde::{Deserialize, Serialize};

use crate::acronis::{AcronisClient, Tenant as ApiTenant};
use crate::framework::{DataSource, Field};
use crate::provider::checks::{check_tenant_id_at, known_tenant_id};
use crate::provider::errors::api_error;
use crate::tfproto::{Diagnostic, Diagnostics};

pub struct Tenant;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, crate::framework::Schema)]
#[schema(version = 0, description = "Reads one Acronis tenant by its id.")]
pub struct TenantModel {
    #[attr(required, description = "The id of the tenant (a lowercase UUID).")]
    pub tenant_id: Field<String>,
    #[attr(computed, description = "The tenant's name.")]
    pub name: Field<String>,
    #[attr(
        computed,
        description = "What the tenant is: `partner`, `folder`, `customer`, `unit`, ... (the \
                       API's `kind`)."
    )]
    pub kind: Field<String>,
    #[attr(computed, description = "The id of the tenant this one is nested in.")]
    pub parent_id: Field<String>,
    #[attr(computed, description = "Whether the tenant is enabled.")]
    pub enabled: Field<bool>,
    #[attr(
        computed,
        description = "The tenant's revision number; the API increments it on every change."
    )]
    pub version: Field<i64>,
}

impl TenantModel {
    fn of(tenant: ApiTenant) -> TenantModel {
        TenantModel {
            tenant_id: Field::Known(tenant.id),
            name: Field::Known(tenant.name),
            kind: Field::Known(tenant.kind),
            parent_id: tenant.parent_id.into(),
            enabled: Field::Known(tenant.enabled),
            version: Field::Known(tenant.version),
        }
    }
}

impl DataSource for Tenant {
    type Client = AcronisClient;
    type Model = TenantModel;

    const TYPE_NAME: &'static str = "acronis_tenant";

    fn validate(&self, config: &TenantModel) -> Diagnostics {
        check_tenant_id_at(&config.tenant_id, TenantModel::TENANT_ID)
            .into_iter()
            .collect()
    }

    async fn read(
        &self,
        client: &AcronisClient,
        config: TenantModel,
    ) -> Result<TenantModel, Diagnostics> {
        let tenant_id = known_tenant_id(&config.tenant_id, TenantModel::TENANT_ID, "read it")?;
        match client.get_tenant(tenant_id).await {
            Ok(tenant) => Ok(TenantModel::of(tenant)),
            Err(e) if e.is_not_found() => Err(Diagnostic::error(
                format!("Tenant {tenant_id} not found"),
                format!("No tenant with id {tenant_id} exists, or the API client cannot see it."),
            )
            .at(TenantModel::TENANT_ID)
            .into()),
            Err(e) => Err(api_error("Could not read the tenant", &e)
                .at(TenantModel::TENANT_ID)
                .into()),
        }
    }
}
