//! gob net/rpc over TLS (feature `tls`), trusting the bundled server's generated certificate.
//!
//! `cargo run --example tls --features tls -- 127.0.0.1:TLS_PORT /path/to/ca.pem`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::Client;
use shared::{Args, Reply};
use std::sync::Arc;
use tokio_rustls::rustls;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = shared::arg(1, "TLS server address (host:port)")?;
    let ca = shared::arg(2, "CA certificate (PEM)")?;

    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(&ca)?;
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots.add(cert?)?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();

    let client = Client::builder()
        .dial_tls(&addr, "localhost", Arc::new(config))
        .await?;
    let r: Reply = client.call("Arith.Add", &Args { a: 40, b: 2 }).await?;
    println!("over TLS: Arith.Add(40, 2) = {}", r.c);
    anyhow::ensure!(r.c == 42);
    Ok(())
}
