//! The plugin host against a go-plugin netrpc plugin of our own (`go-interop/goplugin/`,
//! built from Debian's go-plugin sources in GOPATH mode): what go-plugin's test binary
//! lacks. Broker callbacks in both directions, interface-typed errors in replies,
//! `time.Time`, `[]byte` and `map[string]interface{}`, the stdout and stderr streams, a
//! panic mid-call, and calls pending when the plugin is killed.
//!
//! Expected values come from the Go plugin's documented behaviour (each method's comment in
//! `go-interop/goplugin/main.go`) and from Go's own rules (type names, time formatting).
#![cfg(feature = "plugin")]

mod plugin_support;

use gobrpc::plugin::{BasicError, Client, ClientConfig, HandshakeConfig, Killed, Stdin};
use gobrpc::rpc::server::{Context, Service};
use gobrpc::types::GoTime;
use gobrpc::GobType;
use plugin_support::{own_plugin_binary, socket_dir_of, wait_gone, Any, SharedBuf, GUARD};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::HashMap;
use std::time::Duration;

/// The plugin's handshake (`Handshake` in main.go).
fn own_plugin() -> ClientConfig {
    ClientConfig::command(own_plugin_binary())
        .handshake(HandshakeConfig {
            protocol_version: 1,
            magic_cookie_key: "GOBRPC_TEST_PLUGIN".into(),
            magic_cookie_value: "gobrpc".into(),
        })
        .plugins(["test"])
        .stdin(Stdin::Null)
}

async fn start(config: ClientConfig) -> Client {
    tokio::time::timeout(GUARD, Client::start(config))
        .await
        .expect("start in time")
        .expect("start")
}

/// Starts the plugin and dispenses "test".
async fn dispensed(config: ClientConfig) -> (Client, gobrpc::rpc::Client) {
    let c = start(config).await;
    let p = tokio::time::timeout(GUARD, c.dispense("test"))
        .await
        .expect("dispense in time")
        .expect("dispense");
    (c, p)
}

/// Calls `method` under the hang guard.
async fn call<A, R>(p: &gobrpc::rpc::Client, method: &str, args: &A) -> gobrpc::rpc::Result<R>
where
    A: Serialize + GobType + ?Sized,
    R: serde::de::DeserializeOwned + GobType + Send + 'static,
{
    tokio::time::timeout(GUARD, p.call(method, args))
        .await
        .expect("reply in time")
}

/// Waits (under the guard) until `buf` holds `want`.
async fn wait_for_text(buf: &SharedBuf, want: &str) {
    let found = tokio::time::timeout(GUARD, async {
        while !buf.text().contains(want) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(
        found.is_ok(),
        "{want:?} never arrived; got {:?}",
        buf.text()
    );
}

// ---- broker callbacks ---------------------------------------------------------------------

#[gobrpc::go_names]
#[derive(Serialize, GobType)]
#[gob(name = "main.CallbackArgs")]
struct CallbackArgs {
    id: u32,
    a: i64,
    b: i64,
}

#[gobrpc::go_names]
#[derive(Deserialize, GobType)]
#[gob(name = "main.AddArgs")]
struct AddArgs {
    a: i64,
    b: i64,
}

#[gobrpc::go_names]
#[derive(Serialize, GobType)]
#[gob(name = "main.AddReply")]
struct AddReply {
    sum: i64,
}

/// The host's service the plugin calls back: `Plugin.Add`.
fn adder() -> Service {
    Service::new().method("Add", |_: Context, args: AddArgs| async move {
        Ok::<_, String>(AddReply {
            sum: args.a + args.b,
        })
    })
}

// The plugin, in the middle of `Plugin.Callback`, dials a broker id the host serves and
// calls the host's `Plugin.Add` there; it returns the sum times ten.
#[tokio::test]
async fn plugin_calls_back_into_the_host() {
    let (c, p) = dispensed(own_plugin()).await;
    let broker = c.rpc_client().await.unwrap().broker().clone();
    for (a, b) in [(2, 3), (40, 2)] {
        let id = broker.next_id();
        let serving = tokio::spawn({
            let broker = broker.clone();
            async move { broker.accept_and_serve(id, adder()).await }
        });
        let r: i64 = call(&p, "Plugin.Callback", &CallbackArgs { id, a, b })
            .await
            .unwrap();
        assert_eq!(r, (a + b) * 10);
        // The plugin closes its client: the served connection ends by itself.
        tokio::time::timeout(GUARD, serving)
            .await
            .expect("the served connection ends")
            .unwrap()
            .unwrap();
    }
    assert_eq!(c.kill().await, Killed::Gracefully);
}

// The host dials a broker id the plugin serves (`AcceptAndServe` of a Go `Counter`).
#[tokio::test]
async fn host_dials_a_plugin_served_id() {
    let (c, p) = dispensed(own_plugin()).await;
    let broker = c.rpc_client().await.unwrap().broker().clone();
    let id: u32 = call(&p, "Plugin.ServeCounter", &5i64).await.unwrap();
    let counter = gobrpc::rpc::Client::new(broker.dial(id).await.unwrap());
    assert_eq!(
        call::<_, i64>(&counter, "Plugin.Incr", &2i64)
            .await
            .unwrap(),
        7
    );
    assert_eq!(
        call::<_, i64>(&counter, "Plugin.Incr", &3i64)
            .await
            .unwrap(),
        10
    );
    // A second id is a second counter.
    let id2: u32 = call(&p, "Plugin.ServeCounter", &100i64).await.unwrap();
    assert_ne!(id, id2);
    let counter2 = gobrpc::rpc::Client::new(broker.dial(id2).await.unwrap());
    assert_eq!(
        call::<_, i64>(&counter2, "Plugin.Incr", &1i64)
            .await
            .unwrap(),
        101
    );
    assert_eq!(
        call::<_, i64>(&counter, "Plugin.Incr", &0i64)
            .await
            .unwrap(),
        10
    );
    assert_eq!(c.kill().await, Killed::Gracefully);
}

// ---- interface-typed errors ---------------------------------------------------------------

/// `type AppError struct { Code int; Message string }`, registered as `*main.AppError`.
#[gobrpc::go_names]
#[derive(Debug, PartialEq, Deserialize, GobType)]
#[gob(name = "main.AppError")]
struct AppError {
    code: i64,
    message: String,
}

/// The plugin's `error` values: the types it registers.
#[derive(Debug, PartialEq, Deserialize, GobType)]
#[gob(interface)]
enum GoError {
    #[serde(rename = "*plugin.BasicError")]
    Basic(BasicError),
    #[serde(rename = "*main.AppError")]
    App(AppError),
}

/// `type ErrReply struct { Err error; Note string }`.
#[gobrpc::go_names]
#[derive(Debug, PartialEq, Deserialize, GobType)]
#[gob(name = "main.ErrReply")]
struct ErrReply {
    err: Option<GoError>,
    note: String,
}

#[tokio::test]
async fn interface_typed_errors_in_replies() {
    let (c, p) = dispensed(own_plugin()).await;
    let r: ErrReply = call(&p, "Plugin.Errors", "basic").await.unwrap();
    assert_eq!(
        r,
        ErrReply {
            err: Some(GoError::Basic(BasicError::new("basic failure"))),
            note: "basic".into(),
        }
    );
    assert_eq!(
        r.err.as_ref().map(|e| match e {
            GoError::Basic(b) => b.to_string(),
            GoError::App(a) => a.message.clone(),
        }),
        Some("basic failure".into())
    );

    let r: ErrReply = call(&p, "Plugin.Errors", "app").await.unwrap();
    assert_eq!(
        r.err,
        Some(GoError::App(AppError {
            code: 418,
            message: "teapot".into()
        }))
    );
    // A nil error: Go omits the field.
    let r: ErrReply = call(&p, "Plugin.Errors", "nil").await.unwrap();
    assert_eq!((r.err, r.note.as_str()), (None, "nil"));
    // A method's own error is not an interface value: net/rpc sends its text in the
    // response header, whatever its type (here a *plugin.BasicError).
    let e = call::<_, ErrReply>(&p, "Plugin.Errors", "method")
        .await
        .unwrap_err();
    assert_eq!(e.server_error(), Some("the method failed"));
    // The connection carries on.
    let r: ErrReply = call(&p, "Plugin.Errors", "nil").await.unwrap();
    assert_eq!(r.note, "nil");
    assert_eq!(c.kill().await, Killed::Gracefully);
}

// ---- time.Time, []byte, map[string]interface{} ------------------------------------------------

#[gobrpc::go_names]
#[derive(Serialize, GobType)]
#[gob(name = "main.Values")]
struct Values {
    t: GoTime,
    b: ByteBuf,
    m: HashMap<String, Any>,
}

#[gobrpc::go_names]
#[derive(Debug, Deserialize, GobType)]
#[gob(name = "main.ValuesReply")]
struct ValuesReply {
    t: GoTime,
    b: ByteBuf,
    types: Vec<String>,
    m: HashMap<String, Any>,
    text: String,
}

#[tokio::test]
async fn time_bytes_and_interface_maps() {
    let (c, p) = dispensed(own_plugin()).await;
    // 2009-11-10 23:00:00.123456789 UTC.
    let t = GoTime::from_unix(1_257_894_000, 123_456_789);
    let nested = HashMap::from([("k".to_string(), Any::Bool(true))]);
    let m = HashMap::from([
        ("s".to_string(), Any::Str("x".into())),
        ("n".to_string(), Any::Int(7)),
        ("f".to_string(), Any::Float(1.5)),
        ("b".to_string(), Any::Bytes(ByteBuf::from(vec![1, 2]))),
        ("t".to_string(), Any::Time(t)),
        ("nested".to_string(), Any::Map(nested)),
    ]);
    let args = Values {
        t,
        b: ByteBuf::from(b"gob\x00\xff".to_vec()),
        m: m.clone(),
    };
    let r: ValuesReply = call(&p, "Plugin.Echo", &args).await.unwrap();
    // What Go saw: each value as the Go type the interface enum names.
    assert_eq!(
        r.types,
        [
            "b=[]uint8",
            "f=float64",
            "n=int",
            "nested=map[string]interface {}",
            "s=string",
            "t=time.Time",
        ]
    );
    // Go's Time.String() of a time gob decoded as UTC.
    assert_eq!(r.text, "2009-11-10 23:00:00.123456789 +0000 UTC");
    // One hour and one nanosecond later, in a UTC+2 fixed zone.
    let later = GoTime::from_unix(1_257_894_000 + 3600, 123_456_790)
        .with_offset(7200)
        .unwrap();
    assert_eq!(r.t, later);
    assert_eq!(r.t.to_string(), "2009-11-11T02:00:00.12345679+02:00");
    assert_eq!(r.b.as_slice(), b"\xff\x00bog");
    // The map came back whole, with two entries added.
    let mut want = m;
    want.insert("count".into(), Any::Int(6));
    want.insert("when".into(), Any::Time(t));
    assert_eq!(r.m, want);
    assert_eq!(c.kill().await, Killed::Gracefully);
}

// ---- output streams -------------------------------------------------------------------------

// What the plugin writes to os.Stdout and os.Stderr after its handshake crosses over yamux
// streams to SyncStdout and SyncStderr; its real stderr stays separate.
#[tokio::test]
async fn stdout_and_stderr_streams_reach_the_sync_sinks() {
    let (out, err, raw) = (
        SharedBuf::default(),
        SharedBuf::default(),
        SharedBuf::default(),
    );
    let config = own_plugin()
        .sync_stdout(out.clone())
        .sync_stderr(err.clone())
        .stderr(raw.clone());
    let (c, p) = dispensed(config).await;
    assert!(call::<_, bool>(&p, "Plugin.Print", "hello").await.unwrap());
    assert!(call::<_, bool>(&p, "Plugin.Print", "again").await.unwrap());
    wait_for_text(&out, "stdout: again\n").await;
    wait_for_text(&err, "stderr: again\n").await;
    assert_eq!(out.text(), "stdout: hello\nstdout: again\n");
    assert_eq!(err.text(), "stderr: hello\nstderr: again\n");
    assert_eq!(c.kill().await, Killed::Gracefully);
    assert!(!raw.text().contains("stderr: hello"), "{}", raw.text());
}

// ---- a panic, a kill with calls pending ---------------------------------------------------------

/// Whether a call failed because the connection went away (not a server's answer).
fn connection_lost(e: &gobrpc::rpc::Error) -> bool {
    use gobrpc::rpc::Error as E;
    matches!(e, E::UnexpectedEof | E::Shutdown | E::Io(_))
}

// net/rpc does not recover a handler's panic: the plugin dies. The call gets an error, the
// panic reaches the host's stderr sink, and the host goes on launching plugins.
#[tokio::test]
async fn a_plugin_panicking_mid_call() {
    let raw = SharedBuf::default();
    let (c, p) = dispensed(own_plugin().stderr(raw.clone())).await;
    let dir = socket_dir_of(&c);
    let e = call::<_, i64>(&p, "Plugin.Panic", "boom in plugin")
        .await
        .unwrap_err();
    assert!(connection_lost(&e), "{e:?}");
    let status = tokio::time::timeout(GUARD, c.exited())
        .await
        .expect("the plugin ends")
        .expect("an exit status");
    // Go exits with status 2 on an unrecovered panic.
    assert_eq!(status.code(), Some(2));
    wait_for_text(&raw, "panic: boom in plugin").await;
    let e = call::<_, i64>(&p, "Plugin.Double", &1i64)
        .await
        .unwrap_err();
    assert!(connection_lost(&e), "{e:?}");
    assert_eq!(c.kill().await, Killed::AlreadyExited);
    assert!(!dir.exists());

    // The host survives: another plugin works.
    let (c2, p2) = dispensed(own_plugin()).await;
    assert_eq!(
        call::<_, i64>(&p2, "Plugin.Double", &21i64).await.unwrap(),
        42
    );
    assert_eq!(c2.kill().await, Killed::Gracefully);
}

/// Starts `n` calls of `Plugin.Block`, and waits until the plugin runs them all.
async fn pending_calls(
    p: &gobrpc::rpc::Client,
    n: i64,
) -> Vec<tokio::task::JoinHandle<gobrpc::rpc::Result<i64>>> {
    let calls: Vec<_> = (0..n)
        .map(|i| {
            let p = p.clone();
            tokio::spawn(async move { p.call::<_, i64>("Plugin.Block", &i).await })
        })
        .collect();
    let all_in = tokio::time::timeout(GUARD, async {
        while call::<_, i64>(p, "Plugin.Blocked", &0i64).await.unwrap() < n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(all_in.is_ok(), "the calls reach the plugin");
    for c in &calls {
        assert!(!c.is_finished(), "Block answered early");
    }
    calls
}

async fn all_fail(calls: Vec<tokio::task::JoinHandle<gobrpc::rpc::Result<i64>>>) {
    for c in calls {
        let r = tokio::time::timeout(GUARD, c)
            .await
            .expect("the call ends")
            .unwrap();
        let e = r.expect_err("a pending call fails");
        assert!(connection_lost(&e), "{e:?}");
    }
}

// kill(): Control.Quit ends the plugin though calls are pending; each of them fails.
#[tokio::test]
async fn kill_with_calls_pending() {
    let (c, p) = dispensed(own_plugin()).await;
    let dir = socket_dir_of(&c);
    let calls = pending_calls(&p, 8).await;
    assert_eq!(c.kill().await, Killed::Gracefully);
    all_fail(calls).await;
    assert!(!dir.exists());
}

// The plugin killed from outside (SIGKILL): every pending call fails, the host notices.
#[tokio::test]
async fn killed_from_outside_with_calls_pending() {
    let (c, p) = dispensed(own_plugin()).await;
    let pid = c.pid().unwrap();
    let calls = pending_calls(&p, 8).await;
    let st = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    all_fail(calls).await;
    tokio::time::timeout(GUARD, c.exited())
        .await
        .expect("the host sees the end");
    assert!(c.has_exited());
    assert_eq!(c.kill().await, Killed::AlreadyExited);
    wait_gone(pid).await;
}
