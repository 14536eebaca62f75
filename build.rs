//! Compiles the protocol definitions in `proto/` into Rust with a pure-Rust protobuf compiler
//! (`protox`), so a fresh machine needs no system `protoc`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = ["proto/tfplugin6.proto", "proto/plugin.proto"];
    for file in files {
        println!("cargo:rerun-if-changed={file}");
    }
    let descriptors = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        // Bytes fields (DynamicValue, raw state, private data) as `Bytes` slices of the
        // request buffer rather than a copy each.
        .bytes(".")
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
