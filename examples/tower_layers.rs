//! A gobrpc client behind two tower layers: a concurrency limit and a timeout, over a
//! `ReconnectingClient` (feature `tower`).
//!
//! Run the Go server (`go-interop/bin/gointerop server`), then:
//! `cargo run --example tower_layers --features tower -- 127.0.0.1:PORT`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::{Client, MethodCall, ReconnectingClient, TowerClient};
use shared::{Args, Reply};
use std::time::Duration;
use tower::{Service, ServiceBuilder, ServiceExt};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = shared::arg(1, "server address (host:port)")?;
    let client = ReconnectingClient::builder()
        .connect(move || Client::dial(addr.clone()))
        .await?;
    let mut svc = ServiceBuilder::new()
        .concurrency_limit(4) // at most 4 calls in flight
        .timeout(Duration::from_millis(500)) // each call gets 500 ms
        .service(TowerClient::<_, Reply>::new(client));

    // Twenty calls at once: the limit lets four through at a time.
    let calls = (0..20).map(|i| MethodCall::new("Arith.Add", Args { a: i, b: i }).idempotent());
    let mut sum = 0;
    for reply in futures::future::join_all(calls.map(|c| svc.clone().oneshot(c))).await {
        sum += reply.map_err(|e| anyhow::anyhow!(e))?.c;
    }
    println!("sum of 20 Arith.Add replies = {sum}");
    anyhow::ensure!(sum == 380, "0+0 + 1+1 + … + 19+19 is 380");

    // A call slower than the timeout layer allows.
    let slow = ServiceExt::<MethodCall<Args>>::ready(&mut svc)
        .await
        .map_err(|e| anyhow::anyhow!(e))?
        .call(MethodCall::new("Arith.SleepMilli", Args { a: 2000, b: 1 }))
        .await;
    match slow {
        Err(e) if e.is::<tower::timeout::error::Elapsed>() => {
            println!("Arith.SleepMilli(2000 ms): {e}")
        }
        other => anyhow::bail!("want a timeout, got {:?}", other.map(|r| r.c)),
    }
    Ok(())
}
