//! The client operations the contract test drives against the simulator, one entry each in
//! [`STEPS`]: a name and an async function over the client and the seeded fixture. A new client
//! operation is one more function and one more entry.

use std::future::Future;
use std::pin::Pin;

use acronis_sim::{SeedTenant, Simulator};
use terraform_provider_acronis::acronis::{AcronisClient, TenantScope};

pub const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
pub const BOB: &str = "b0b00000-0000-4000-8000-000000000002";
pub const CAROL: &str = "ca201000-0000-4000-8000-000000000003";
pub const NOBODY: &str = "00000000-0000-4000-8000-00000000dead";
pub const CUSTOMER: &str = "c0570000-0000-4000-8000-000000000001";
pub const UNIT: &str = "c0570000-0000-4000-8000-000000000002";
pub const UNKNOWN_TENANT: &str = "c0570000-0000-4000-8000-0000000000ff";

/// What every step works on.
pub struct Ctx {
    pub sim: Simulator,
    pub client: AcronisClient,
    /// A client whose secret is wrong.
    pub stranger: AcronisClient,
}

/// Seeds the tenants the steps use: a customer with 3 users and a unit in it with 2.
pub fn seed(sim: &Simulator) {
    sim.add_tenant(CUSTOMER, 3);
    sim.seed_tenant(SeedTenant::new(UNIT, 2).with_parent(CUSTOMER));
}

type Step = for<'c> fn(&'c Ctx) -> Pin<Box<dyn Future<Output = ()> + 'c>>;

/// Every step, in the order they run.
pub const STEPS: &[(&str, Step)] = &[
    ("token and get user", |c| Box::pin(get_user(c))),
    ("concurrent status reads share a batch", |c| {
        Box::pin(statuses(c))
    }),
    ("batch read of several users", |c| Box::pin(batch_read(c))),
    ("update user, with a conflict", |c| Box::pin(update_user(c))),
    ("tenant users, own and nested", |c| {
        Box::pin(tenant_users(c))
    }),
    ("get tenant: a customer, a unit, an unknown one", |c| {
        Box::pin(get_tenant(c))
    }),
    ("error answers: unknown user, tenant, client", |c| {
        Box::pin(errors(c))
    }),
    ("batch faults: absent endpoint, malformed item", |c| {
        Box::pin(batch_faults(c))
    }),
];

async fn get_user(c: &Ctx) {
    c.client.get_user(ALICE).await.expect("alice");
}

async fn statuses(c: &Ctx) {
    let (a, b) = tokio::join!(
        c.client.get_user_status(ALICE),
        c.client.get_user_status(BOB)
    );
    a.expect("alice");
    b.expect("bob");
}

async fn batch_read(c: &Ctx) {
    let users = c
        .client
        .get_users(&[ALICE, BOB, CAROL, NOBODY])
        .await
        .expect("batch");
    assert_eq!(users.len(), 3);
}

async fn update_user(c: &Ctx) {
    c.client
        .set_enabled(BOB, true, None)
        .await
        .expect("enable bob");
    c.sim.bump_between_read_and_write(BOB, 1);
    c.client
        .set_enabled(BOB, false, None)
        .await
        .expect("disable bob after a conflict");
}

async fn tenant_users(c: &Ctx) {
    let own = c
        .client
        .list_tenant_users(CUSTOMER, TenantScope::OwnUsers)
        .await;
    assert_eq!(own.expect("own").len(), 3);
    let nested = c
        .client
        .list_tenant_users(CUSTOMER, TenantScope::WithChildTenants)
        .await;
    assert_eq!(nested.expect("nested").len(), 5);
}

async fn get_tenant(c: &Ctx) {
    let customer = c.client.get_tenant(CUSTOMER).await.expect("customer");
    assert_eq!(customer.id, CUSTOMER);
    let unit = c.client.get_tenant(UNIT).await.expect("unit");
    assert_eq!(unit.parent_id.as_deref(), Some(CUSTOMER));
    let unknown = c.client.get_tenant(UNKNOWN_TENANT).await;
    assert!(unknown.is_err_and(|e| e.is_not_found()));
}

async fn errors(c: &Ctx) {
    assert!(c.client.get_user(NOBODY).await.is_err());
    let unknown = c
        .client
        .list_tenant_users(UNKNOWN_TENANT, TenantScope::OwnUsers)
        .await;
    assert!(unknown.is_err());
    assert!(c.stranger.get_user(ALICE).await.is_err());
}

async fn batch_faults(c: &Ctx) {
    // Only the traffic matters here; how the client copes is the client tests' business.
    c.sim.malform_in_batches(ALICE, 1);
    let _ = c.client.get_users(&[ALICE, BOB]).await;
    c.sim.set_batch_endpoint_absent(true);
    let _ = c.client.get_users(&[ALICE, CAROL]).await;
    c.sim.clear_faults();
}
