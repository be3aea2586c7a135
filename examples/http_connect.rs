//! Go's `rpc.DialHTTP` / `DialHTTPPath`: the HTTP CONNECT handshake, then gob as usual.
//!
//! `cargo run --example http_connect -- 127.0.0.1:HTTP_PORT [/custom_rpc]`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::Client;
use shared::{Args, Reply};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = shared::arg(1, "HTTP server address (host:port)")?;
    let client = Client::dial_http(&addr).await?;
    let r: Reply = client.call("Arith.Mul", &Args { a: 6, b: 7 }).await?;
    println!(
        "over CONNECT {}: Arith.Mul(6, 7) = {}",
        gobrpc::rpc::DEFAULT_RPC_PATH,
        r.c
    );
    anyhow::ensure!(r.c == 42);

    if let Some(path) = std::env::args().nth(2) {
        let client = Client::dial_http_path(&addr, &path).await?;
        let hello: String = client.call("HelloService.Hello", "http").await?;
        println!("over CONNECT {path}: {hello}");
    }
    Ok(())
}
