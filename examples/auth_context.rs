//! Per-connection state: log in on one connection, then call; a fresh connection is refused.
//!
//! `cargo run --example auth_context -- 127.0.0.1:PORT`

#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::Client;
use shared::Creds;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = shared::arg(1, "server address (host:port)")?;
    let alice = Client::dial(&addr).await?;
    let welcome: String = alice
        .call(
            "Auth.Login",
            &Creds {
                user: "gopher",
                password: "secret",
            },
        )
        .await?;
    println!("login: {welcome}");
    let secret: String = alice.call("Auth.Secret", &0i64).await?;
    println!("logged-in connection: Auth.Secret = {secret:?}");

    let stranger = Client::dial(&addr).await?;
    let err = stranger
        .call::<_, String>("Auth.Secret", &0i64)
        .await
        .expect_err("a new connection is not logged in");
    println!("fresh connection: Auth.Secret failed: {err}");
    anyhow::ensure!(err.server_error() == Some("not logged in"));
    Ok(())
}
