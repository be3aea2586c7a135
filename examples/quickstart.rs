//! Calls Go's `Arith` and `HelloService` on the bundled Go server with `Client::call`.
//!
//! Run the Go server (`go-interop/bin/gointerop server`), then:
//! `cargo run --example quickstart -- 127.0.0.1:PORT`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::Client;
use shared::{Args, Reply};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = shared::arg(1, "server address (host:port)")?;
    let client = Client::dial(&addr).await?;

    let hello: String = client.call("HelloService.Hello", "gopher").await?;
    println!("HelloService.Hello(\"gopher\") = {hello:?}");

    let sum: Reply = client.call("Arith.Add", &Args { a: 7, b: 8 }).await?;
    println!("Arith.Add(7, 8) = {}", sum.c);
    anyhow::ensure!(sum.c == 15, "7 + 8 should be 15");

    let text: String = client.call("Arith.String", &Args { a: 27, b: 35 }).await?;
    println!("Arith.String(27, 35) = {text:?}");

    // A Go error comes back verbatim.
    let err = client
        .call::<_, Reply>("Arith.Div", &Args { a: 1, b: 0 })
        .await
        .expect_err("division by zero fails");
    println!("Arith.Div(1, 0) failed: {err}");
    anyhow::ensure!(err.server_error() == Some("divide by zero"));

    client.close().await;
    Ok(())
}
