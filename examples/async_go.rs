//! Several calls sent at once with `Client::go`, collected later — out of order.
//!
//! `cargo run --example async_go -- 127.0.0.1:PORT`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::{done_channel, Client};
use shared::{Args, Reply};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::dial(shared::arg(1, "server address (host:port)")?).await?;

    // Each request is on the wire when `go` returns; nothing has been awaited yet.
    // Arith.SleepMilli sleeps A ms and replies C = B, so later calls finish first.
    let calls: Vec<_> = (0..5)
        .map(|i| {
            client.go::<_, Reply>(
                "Arith.SleepMilli",
                &Args {
                    a: 100 - 20 * i,
                    b: i,
                },
            )
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let reply = call.await?;
        println!("call {i}: SleepMilli replied {}", reply.c);
        anyhow::ensure!(reply.c == i as i64);
    }

    // Go's shared Done channel: many calls, one completion stream, in completion order.
    let (done, mut completions) = done_channel::<Reply>();
    for i in 0..5 {
        client.go_done(
            "Arith.SleepMilli",
            &Args {
                a: 500 - 100 * i, // 100 ms apart: the order holds on a busy machine
                b: i,
            },
            &done,
        )?;
    }
    drop(done);
    let mut order = Vec::new();
    while let Some(c) = completions.recv().await {
        let reply = c.result?;
        println!(
            "completed: seq {} ({}) replied {}",
            c.seq, c.method, reply.c
        );
        order.push(reply.c);
    }
    anyhow::ensure!(order.len() == 5);
    println!("completion order: {order:?}");
    Ok(())
}
