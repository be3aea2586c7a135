//! A Rust `HelloService` that Go's client calls with `client.Go(...)` and `Done`: one call
//! waited on through its own `Done` channel, then five sharing one `Done` channel, which
//! receives them in the order the server completes them.
//!
//! `HelloInTurn` answers the call of turn k only after the call of turn k-1: Go sends turns
//! 4, 3, 2, 1, 0, so every call waits on the one sent last. They complete (and Go's `Done`
//! receives them) in the reverse of sending order, which only a server that runs each call
//! concurrently can do.
//!
//! `cargo run --example server_hello -- go-interop/bin/gointerop`

#[path = "server_shared/mod.rs"]
mod server_shared;

use gobrpc::rpc::server::Server;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// Go: `type Turn struct{ Name string; Turn int }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Turn")]
pub struct Turn {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Turn")]
    turn: i64,
}

#[gobrpc::service(name = "HelloService")]
pub trait Hello {
    async fn hello(&self, name: String) -> Result<String, String>;
    async fn hello_in_turn(&self, args: Turn) -> Result<String, String>;
}

struct HelloImpl {
    /// How many turns have been answered.
    answered: watch::Sender<i64>,
}

impl Hello for HelloImpl {
    async fn hello(&self, name: String) -> Result<String, String> {
        Ok(format!("hello, {name}"))
    }

    async fn hello_in_turn(&self, args: Turn) -> Result<String, String> {
        let mut answered = self.answered.subscribe();
        answered
            .wait_for(|n| *n >= args.turn)
            .await
            .map_err(|e| e.to_string())?;
        // On this single-threaded runtime the reply is queued before the next turn's
        // handler runs, so the replies go out in turn order too.
        self.answered.send_modify(|n| *n += 1);
        Ok(format!("hello, {}", args.name))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let hello = HelloImpl {
        answered: watch::Sender::new(0),
    };
    let server = Server::builder().service(hello.into_service()).build();
    let got = server_shared::run_go_client(server, "hello").await?;
    let fan_in = got.iter().find_map(|l| l.strip_prefix("fan-in: "));
    println!(
        "Go's Done channel received: {}",
        fan_in.unwrap_or("nothing")
    );
    Ok(())
}
