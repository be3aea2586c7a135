//! A per-connection login: `Auth.Login` stores the user in the connection's state
//! ([`Context::connection`]), which lives as long as the connection. Go's client logs in on
//! one connection and is served there; a second connection, not logged in, is refused.
//!
//! `cargo run --example server_login -- go-interop/bin/gointerop`

#[path = "server_shared/mod.rs"]
mod server_shared;

use gobrpc::rpc::server::{Context, Server};
use gobrpc::GobType;
use serde::{Deserialize, Serialize};

/// Go: `type Creds struct{ User, Password string }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Creds")]
pub struct Creds {
    #[serde(rename = "User")]
    user: String,
    #[serde(rename = "Password")]
    password: String,
}

#[gobrpc::service]
pub trait Auth {
    async fn login(&self, ctx: Context, creds: Creds) -> Result<String, String>;
    async fn whoami(&self, ctx: Context, unused: i64) -> Result<String, String>;
    async fn secret(&self, ctx: Context, unused: i64) -> Result<String, String>;
}

/// Who logged in on a connection.
#[derive(Clone)]
struct User(String);

/// The connection's user, or Go's client gets `not logged in`.
fn user(ctx: &Context) -> Result<User, String> {
    ctx.connection()
        .get::<User>()
        .ok_or_else(|| "not logged in".to_string())
}

struct AuthImpl;

impl Auth for AuthImpl {
    async fn login(&self, ctx: Context, creds: Creds) -> Result<String, String> {
        if creds.user != "gopher" || creds.password != "secret" {
            return Err("invalid credentials".into());
        }
        println!("rust: {} logged in from {}", creds.user, ctx.peer());
        ctx.connection().insert(User(creds.user.clone()));
        Ok(format!("welcome {}", creds.user))
    }

    async fn whoami(&self, ctx: Context, _: i64) -> Result<String, String> {
        Ok(user(&ctx)?.0)
    }

    async fn secret(&self, ctx: Context, _: i64) -> Result<String, String> {
        user(&ctx)?;
        Ok("the cake is a lie".into())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = Server::builder().service(AuthImpl.into_service()).build();
    let got = server_shared::run_go_client(server, "login").await?;
    let refused = got.iter().filter(|l| l.starts_with("connection 2:"));
    println!(
        "calls refused on the second connection: {}",
        refused.count()
    );
    Ok(())
}
