//! Rust dials out to a Go process and serves net/rpc on that connection: the mirror of
//! the `reverse` example. The Go side listens, accepts, and calls Rust with
//! `rpc.NewClient(conn)` over the accepted connection; Rust serves it with
//! [`Server::serve_conn_from`] until Go hangs up.
//!
//! `cargo run --example server_dial_out -- go-interop/bin/gointerop`

#[path = "server_shared/mod.rs"]
mod server_shared;
#[path = "shared/mod.rs"]
mod shared;

use gobrpc::rpc::server::{Peer, Server};
use shared::{Args, Reply};
use tokio::io::{AsyncBufReadExt, BufReader};

#[gobrpc::service(name = "HelloService")]
pub trait Hello {
    async fn hello(&self, name: String) -> Result<String, String>;
}

#[gobrpc::service]
pub trait Arith {
    async fn add(&self, args: Args) -> Result<Reply, String>;
}

struct Impl;

impl Hello for Impl {
    async fn hello(&self, name: String) -> Result<String, String> {
        Ok(format!("hello, {name}"))
    }
}

impl Arith for Impl {
    async fn add(&self, args: Args) -> Result<Reply, String> {
        Ok(Reply { c: args.a + args.b })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = Server::builder()
        .service(Hello::into_service(Impl))
        .service(Arith::into_service(Impl))
        .build();

    // The Go process listens and says where.
    let mut go = server_shared::start_go_client("dial-out", &["-listen", "127.0.0.1:0"])?;
    let mut lines = BufReader::new(go.stdout.take().expect("piped")).lines();
    let first = lines.next_line().await?.unwrap_or_default();
    let addr: std::net::SocketAddr = first
        .strip_prefix("listening ")
        .ok_or_else(|| anyhow::anyhow!("the Go side said {first:?}"))?
        .parse()?;

    // Rust dials, then serves the calls Go makes over that connection until Go hangs up.
    let stream = tokio::net::TcpStream::connect(addr).await?;
    println!("rust: dialed the Go process at {addr}; serving on that connection");
    server.serve_conn_from(stream, Peer::Tcp(addr)).await;
    println!("rust: the Go side hung up");

    server_shared::finish_go_client(go, lines).await?;
    Ok(())
}
