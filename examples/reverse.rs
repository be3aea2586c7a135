//! Reverse RPC: the Rust side listens, a Go process dials in and serves net/rpc on that
//! connection, and Rust calls it — `Client::new` over an accepted stream.
//!
//! `cargo run --example reverse -- path/to/gointerop`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::Client;
use shared::{Args, Reply};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let gointerop = shared::arg(1, "path to the go-interop binary")?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;

    // The Go side dials out to us and then serves on that connection.
    let mut go = tokio::process::Command::new(gointerop)
        .args(["server", "-tcp", "", "-reverse", &addr.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;

    let (stream, peer) = listener.accept().await?;
    println!("Go server dialed in from {peer}");
    let client = Client::new(stream);
    let r: Reply = client.call("Arith.Add", &Args { a: 1, b: 2 }).await?;
    println!(
        "Rust called the Go side over the accepted connection: Arith.Add(1, 2) = {}",
        r.c
    );
    anyhow::ensure!(r.c == 3);

    go.kill().await?;
    Ok(())
}
