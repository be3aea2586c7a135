//! Go's own net/rpc test services (`src/net/rpc/server_test.go`), served by the Rust server,
//! so that Go's test cases can run against it with Go's client.
//!
//! Serves `Arith` (also as `net.rpc.Arith` and `newServer.Arith`), `Embed` and
//! `BuiltinTypes` over TCP, and over HTTP with `CONNECT` on `/_goRPC_` and `/foo` and the
//! debug page on `/debug/rpc` and `/bar`. When it is up it prints exactly one line,
//! `{"tcp":"127.0.0.1:PORT","http":"127.0.0.1:PORT"}`, and it runs until stdin reaches end
//! of file. (A stable contract: outside checks rely on it.)
//!
//! `cargo run --example go_test_services`

use gobrpc::rpc::server::{Context, HttpPaths, Server, Service};
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// `type Args struct { A, B int }`
#[derive(Debug, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Args")]
struct Args {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: i64,
}

/// `type Reply struct { C int }`
#[derive(Debug, Default, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Reply")]
struct Reply {
    #[serde(rename = "C")]
    c: i64,
}

type Result<T> = std::result::Result<T, String>;

/// `type Arith int`, method for method as Go's test declares it.
fn arith() -> Service {
    Service::new()
        .method("Add", |_: Context, args: Args| async move {
            Result::Ok(Reply { c: args.a + args.b })
        })
        .method("Mul", |_: Context, args: Args| async move {
            Result::Ok(Reply { c: args.a * args.b })
        })
        .method("Div", |_: Context, args: Args| async move {
            if args.b == 0 {
                return Err("divide by zero".to_string());
            }
            Ok(Reply { c: args.a / args.b })
        })
        .method("String", |_: Context, args: Args| async move {
            Result::Ok(format!("{}+{}={}", args.a, args.b, args.a + args.b))
        })
        .method("Scan", |_: Context, args: String| async move {
            // fmt.Sscan(args, &reply.C): the first space-separated word, as an int.
            let word = args
                .split_whitespace()
                .next()
                .ok_or("unexpected EOF".to_string())?;
            let c = word.parse().map_err(|_| "expected integer".to_string())?;
            Result::Ok(Reply { c })
        })
        .method("Error", |_: Context, _: Args| async move {
            if true {
                panic!("ERROR");
            }
            Result::Ok(Reply::default())
        })
        .method("SleepMilli", |_: Context, args: Args| async move {
            tokio::time::sleep(Duration::from_millis(args.a.max(0) as u64)).await;
            Result::Ok(Reply::default())
        })
        // Go's take `args *Args`, as the debug page shows.
        .pointer_arg("Mul")
        .pointer_arg("String")
        .pointer_arg("Error")
}

/// `type Embed struct { hidden }`: the method promoted from the unexported embedded type.
fn embed() -> Service {
    Service::new().method("Exported", |_: Context, args: Args| async move {
        Result::Ok(Reply { c: args.a + args.b })
    })
}

/// `type BuiltinTypes struct{}`: replies that are a map, a slice and an array.
fn builtin_types() -> Service {
    Service::new()
        .method("Map", |_: Context, args: Args| async move {
            Result::Ok(HashMap::from([(args.a, args.b)]))
        })
        .method("Slice", |_: Context, args: Args| async move {
            Result::Ok(vec![args.a, args.b])
        })
        .method("Array", |_: Context, args: Args| async move {
            Result::Ok([args.a, args.b])
        })
        // Go's take `args *Args`, as the debug page shows.
        .pointer_arg("Map")
        .pointer_arg("Slice")
        .pointer_arg("Array")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = Server::builder()
        .register("Arith", arith())
        .register("net.rpc.Arith", arith())
        .register("newServer.Arith", arith())
        .register("Embed", embed())
        .register("BuiltinTypes", builtin_types())
        .build();
    let tcp = TcpListener::bind("127.0.0.1:0").await?;
    let http = TcpListener::bind("127.0.0.1:0").await?;
    println!(
        "{{\"tcp\":\"{}\",\"http\":\"{}\"}}",
        tcp.local_addr()?,
        http.local_addr()?
    );
    let paths = HttpPaths::default().rpc("/foo").debug("/bar");
    let serving = {
        let server = server.clone();
        async move { tokio::try_join!(server.serve(tcp), server.serve_http(http, paths)) }
    };
    // Runs until stdin reaches end of file, then shuts down.
    let stdin = async {
        let mut sink = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    };
    tokio::select! {
        r = serving => { r?; }
        _ = stdin => {}
    }
    server.shutdown(Duration::from_secs(5)).await;
    Ok(())
}
