//! The net/rpc client, live, against the bundled Go server (`gointerop server`, see
//! go-interop/SERVER.md): every service over TCP, every transport, every server error text,
//! concurrency on one connection, cancellation and timeouts, and the ways a connection ends
//! (server exit, server-side close, `close()` and `close_gracefully`), replies that do not
//! fit the caller's type (only that call fails), busy polling.
//!
//! Every test starts its own Go server (a `GoServer`, killed when dropped) and runs inside its
//! own `tokio::time::timeout`, so a hang fails the test instead of blocking the run.

mod common;

#[path = "rpc_live/busy_poll.rs"]
mod busy_poll;
#[path = "rpc_live/concurrency.rs"]
mod concurrency;
#[path = "rpc_live/dialing.rs"]
mod dialing;
#[path = "rpc_live/errors.rs"]
mod errors;
#[path = "rpc_live/large_replies.rs"]
mod large_replies;
#[path = "rpc_live/mismatch.rs"]
mod mismatch;
#[path = "rpc_live/services.rs"]
mod services;
#[path = "rpc_live/shutdown.rs"]
mod shutdown;
#[path = "rpc_live/transports.rs"]
mod transports;

use common::gotypes::{args, Point, Reply};
use common::rpc::{connect, timed, with_client};
use common::server::GoServer;
use gobrpc::rpc::{self, Client};
use gobrpc::GobType;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

// ---- the Go server's types (go-interop/types.go, services.go) ---------------------------
// (`Args`, `Reply` and `Point` are in `common::gotypes`)

/// Go: `type KV struct{ Key, Value string }`
#[derive(Serialize, GobType, Debug)]
#[gob(name = "main.KV")]
struct KV<'a> {
    #[serde(rename = "Key")]
    key: &'a str,
    #[serde(rename = "Value")]
    value: &'a str,
}

/// Go: `type Creds struct{ User, Password string }`
#[derive(Serialize, GobType, Debug)]
#[gob(name = "main.Creds")]
struct Creds<'a> {
    #[serde(rename = "User")]
    user: &'a str,
    #[serde(rename = "Password")]
    password: &'a str,
}

/// Go's `interface{}` with the concrete types the server registers (`main.Point`,
/// `[]interface {}`, `map[string]interface {}`) and gob's builtin `int` and `string`.
#[derive(Serialize, Deserialize, GobType, Debug, Clone, PartialEq, Default)]
#[gob(interface)]
enum Any {
    #[default]
    Nil,
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "main.Point")]
    Point(Point),
    #[serde(rename = "[]interface {}")]
    List(Vec<Any>),
    #[serde(rename = "map[string]interface {}")]
    Map(BTreeMap<String, Any>),
}

/// Go: `type AnyHolder struct{ V interface{} }`
#[derive(Serialize, Deserialize, GobType, Debug, Clone, PartialEq)]
#[gob(name = "main.AnyHolder")]
struct AnyHolder {
    #[serde(rename = "V", default)]
    v: Any,
}

// ---- helpers -------------------------------------------------------------------------

/// `Arith.Add(a, b)` must succeed with `a + b`: the connection works.
async fn add(client: &Client, a: i64, b: i64) {
    let r: Reply = client
        .call("Arith.Add", &args(a, b))
        .await
        .unwrap_or_else(|e| panic!("Arith.Add({a}, {b}) failed: {e} ({e:?})"));
    assert_eq!(r.c, a + b, "Arith.Add({a}, {b})");
}

/// `method(args)` must succeed: its reply.
async fn call_ok<A, R>(client: &Client, method: &str, args: &A) -> R
where
    A: Serialize + GobType + Debug + ?Sized,
    R: DeserializeOwned + Send + 'static,
{
    client
        .call(method, args)
        .await
        .unwrap_or_else(|e| panic!("{method}({args:?}) failed: {e} ({e:?})"))
}

/// `method(args)` must fail with the server error `want`; `R` is the reply type asked for.
async fn call_fails<A, R>(client: &Client, method: &str, args: &A, want: &str)
where
    A: Serialize + GobType + Debug + ?Sized,
    R: DeserializeOwned + Debug + Send + 'static,
{
    let e = server_error(client.call::<_, R>(method, args).await);
    assert_eq!(e, want, "{method}({args:?})");
}

/// Logs the connection in (`Auth.Login` as gopher), after which `Auth.Secret` answers.
async fn log_in(client: &Client) {
    let creds = Creds {
        user: "gopher",
        password: "secret",
    };
    let w: String = call_ok(client, "Auth.Login", &creds).await;
    assert_eq!(w, "welcome gopher");
    let s: String = call_ok(client, "Auth.Secret", &0i64).await;
    assert_eq!(s, "the cake is a lie");
}

/// The server's error text of a call that must have failed with one.
fn server_error<T: Debug>(r: rpc::Result<T>) -> String {
    match r {
        Ok(v) => panic!("want a server error, got Ok({v:?})"),
        Err(e) => {
            let text = e
                .server_error()
                .unwrap_or_else(|| panic!("want a server error, got {e:?} ({e})"))
                .to_string();
            // Go's ServerError prints as the bare text.
            assert_eq!(e.to_string(), text);
            text
        }
    }
}

/// A few calls of different shapes, for the transport tests.
async fn smoke(client: &Client) {
    add(client, 7, 8).await;
    let hello: String = client.call("HelloService.Hello", "gopher").await.unwrap();
    assert_eq!(hello, "hello, gopher");
    let r: Reply = client.call("Arith.Mul", &args(6, 7)).await.unwrap();
    assert_eq!(r.c, 42);
    call_fails::<_, Reply>(client, "Arith.Div", &args(1, 0), "divide by zero").await;
    let s: String = client.call("Arith.String", &args(27, 35)).await.unwrap();
    assert_eq!(s, "27+35=62");
    add(client, -1, 1).await;
}
