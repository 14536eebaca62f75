//! The tfplugin6 `Provider` gRPC service as Terraform needs it served: tonic's generated server
//! over a provider's handlers, accepting and sending messages as large as Terraform's client does.

use super::proto::provider_server::{Provider, ProviderServer};

/// The largest message either side may send: Terraform's client allows up to `MaxInt32` bytes
/// (a big state or configuration), far past tonic's 4 MiB default.
pub const MAX_MESSAGE_SIZE: usize = i32::MAX as usize;

/// The `tfplugin6.Provider` service over `provider`, with Terraform's message limits.
pub fn provider_service<P: Provider>(provider: P) -> ProviderServer<P> {
    ProviderServer::new(provider)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE)
}
