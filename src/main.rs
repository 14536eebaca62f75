//! The provider binary: `--version`, `--debug` (serve for a debugger), or, when Terraform
//! launches it, serve the provider over go-plugin.

use std::process::ExitCode;

use terraform_provider_acronis::goplugin::{self, HandshakeEnv, ServeOptions};
use terraform_provider_acronis::provider::{AcronisProvider, PROVIDER_ADDRESS};
use terraform_provider_acronis::tfproto::PROTOCOL_VERSION;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let debug = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => false,
        ["--debug"] => true,
        ["--version" | "-v"] => {
            println!("terraform-provider-acronis {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        ["--help" | "-h"] => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{}", usage());
            return ExitCode::from(2);
        }
    };
    let env = HandshakeEnv::from_env();
    if !debug && !env.launched_by_terraform() {
        eprintln!("{}", goplugin::PluginError::NotLaunchedByTerraform);
        return ExitCode::FAILURE;
    }
    goplugin::logging::init_from_env();
    if let Err(e) = goplugin::forbid_core_dumps() {
        tracing::warn!(error = %e, "could not mark the process non-dumpable");
    }

    // One thread: the provider only waits on Terraform and the API, and a single-threaded
    // runtime spends no CPU handing wake-ups between threads.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (service, stop) = AcronisProvider::default().into_service();
    let options = ServeOptions {
        protocol_versions: &[PROTOCOL_VERSION],
        provider_address: PROVIDER_ADDRESS,
        interrupt: stop,
    };
    let provider = tonic::service::Routes::new(service);
    let result = runtime.block_on(async move {
        if debug {
            goplugin::serve_debug(provider, options, env).await
        } else {
            goplugin::serve(provider, options, env).await
        }
    });
    // Do not wait for idle pooled connections or timers: Terraform is waiting for us to exit.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("terraform-provider-acronis: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    format!(
        "terraform-provider-acronis {}\n\n\
         A Terraform plugin: Terraform starts it when a configuration uses the acronis provider.\n\n\
         Options:\n  --version  print the version\n  --debug    serve without Terraform launching it, and print the\n             TF_REATTACH_PROVIDERS value to attach Terraform to it",
        env!("CARGO_PKG_VERSION")
    )
}
