//! A long-poll `Watch` shares one connection with other calls: while it waits, another task
//! `Set`s the key on the same connection, and the watch returns it. The client has a default
//! timeout for its calls; the Watch opts out of it with `no_timeout()`, and one call sets its
//! own with `timeout(..)`.
//!
//! `cargo run --example watch -- 127.0.0.1:PORT`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::Client;
use shared::KV;
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::builder()
        .timeout(Duration::from_secs(2))
        .dial(shared::arg(1, "server address (host:port)")?)
        .await?;

    // KVStoreService.Watch(timeoutSeconds) blocks until some key changes: longer than the
    // client's default timeout allows, so this call has none.
    let watch = client
        .go::<_, String>("KVStoreService.Watch", &10i64)
        .no_timeout();
    println!("watching (call seq {:?})", watch.seq());

    let setter = client.clone();
    let set = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        // Other calls on the same connection are not blocked by the pending Watch.
        let hello: String = setter
            .call("HelloService.Hello", "while watching")
            .timeout(Duration::from_secs(1))
            .await?;
        println!("meanwhile: {hello}");
        setter
            .call::<_, ()>(
                "KVStoreService.Set",
                &KV {
                    key: "color",
                    value: "blue",
                },
            )
            .await?;
        println!("set color = blue");
        anyhow::Ok(())
    });

    let changed = watch.await?;
    set.await??;
    println!("watch returned: {changed}");
    anyhow::ensure!(changed == "color");
    let value: String = client.call("KVStoreService.Get", "color").await?;
    println!("color = {value}");
    anyhow::ensure!(value == "blue");
    Ok(())
}
