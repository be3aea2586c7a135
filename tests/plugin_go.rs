//! go-plugin's host tests (`client_test.go`) ported to the Rust host, run against go-plugin's
//! own test binary in the same helper modes: real go-plugin code, built from Debian's sources
//! by `go-interop/build-go-plugin.sh`. Each test asserts what its Go counterpart asserts.
#![cfg(feature = "plugin")]

mod plugin_support;

use gobrpc::plugin::{
    Client, ClientConfig, Error, HandshakeConfig, Killed, PluginAddr, ReattachConfig, SecureConfig,
    Stdin,
};
use plugin_support::{
    go_plugin_test_binary, pid_alive, socket_dir_of, wait_gone, Any, SharedBuf, GUARD,
};
use std::collections::HashMap;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// go-plugin's `testHandshake`.
fn test_handshake() -> HandshakeConfig {
    HandshakeConfig {
        protocol_version: 1,
        magic_cookie_key: "TEST_MAGIC_COOKIE".into(),
        magic_cookie_value: "test".into(),
    }
}

/// go-plugin's `helperProcess(mode, args...)` with `testHandshake` and `testPluginMap`.
fn helper(mode: &str, args: &[&str]) -> ClientConfig {
    ClientConfig::command(go_plugin_test_binary())
        .args(["-test.run=TestHelperProcess", "--", mode])
        .args(args.iter().copied())
        .env("GO_WANT_HELPER_PROCESS", "1")
        .handshake(test_handshake())
        .plugins(["test"])
        .stdin(Stdin::Null)
}

async fn start(config: ClientConfig) -> Result<Client, Error> {
    tokio::time::timeout(GUARD, Client::start(config))
        .await
        .expect("start in time")
}

fn start_error(r: Result<Client, Error>) -> Error {
    match r {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e,
    }
}

async fn double(c: &gobrpc::rpc::Client, v: i64) -> i64 {
    tokio::time::timeout(GUARD, c.call("Plugin.Double", &v))
        .await
        .expect("reply in time")
        .expect("Double")
}

/// go-plugin's common ending: dispense "test", Double(21) is 42, a graceful kill.
async fn dispense_double_and_quit(c: &Client) {
    let p = c.dispense("test").await.unwrap();
    assert_eq!(double(&p, 21).await, 42);
    assert_eq!(c.kill().await, Killed::Gracefully);
    assert!(c.has_exited());
}

/// Captures the `gobrpc::plugin::stderr` events: (level, message, fields).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<(tracing::Level, String, String)>>>);

struct Visitor<'a>(&'a mut String, &'a mut String);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => *self.0 = format!("{value:?}"),
            "fields" => *self.1 = format!("{value:?}"),
            _ => {}
        }
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        if e.metadata().target() != "gobrpc::plugin::stderr" {
            return;
        }
        let (mut message, mut fields) = (String::new(), String::new());
        e.record(&mut Visitor(&mut message, &mut fields));
        let level = *e.metadata().level();
        self.0.lock().unwrap().push((level, message, fields));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Capture {
    fn has(&self, level: tracing::Level, message: &str) -> bool {
        self.0
            .lock()
            .unwrap()
            .iter()
            .any(|(l, m, _)| *l == level && m == message)
    }
}

// TestClient_testInterface, with PrintKV (TestClient_logger's assertion) and an unknown method.
#[tokio::test]
async fn test_interface() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let c = start(helper("test-interface", &[])).await.unwrap();
    let dir = socket_dir_of(&c);
    assert!(dir.exists());
    let p = c.dispense("test").await.unwrap();
    assert_eq!(double(&p, 21).await, 42);

    let kv = HashMap::from([
        ("key".to_string(), Any::Str("foo".into())),
        ("value".to_string(), Any::Str("bar".into())),
    ]);
    let () = p.call("Plugin.PrintKV", &kv).await.unwrap();
    let kv = HashMap::from([
        ("key".to_string(), Any::Str("foo".into())),
        ("value".to_string(), Any::Int(12)),
    ]);
    let () = p.call("Plugin.PrintKV", &kv).await.unwrap();

    let e = p.call::<_, ()>("Plugin.Nope", &1i64).await.unwrap_err();
    assert_eq!(e.server_error(), Some("rpc: can't find method Plugin.Nope"));
    // The host checks the name; the plugin refuses one it lacks in the same words.
    let e = c.dispense("nope").await.unwrap_err();
    assert_eq!(e.to_string(), "unknown plugin type: nope");
    let rpc = c.rpc_client().await.unwrap();
    let e = rpc
        .control()
        .call::<_, u32>("Dispenser.Dispense", "nope")
        .await
        .unwrap_err();
    assert_eq!(e.server_error(), Some("unknown plugin type: nope"));

    assert_eq!(c.kill().await, Killed::Gracefully);
    assert!(c.has_exited());
    assert!(!dir.exists(), "kill removes the socket directory");
    // hclog's JSON lines became events at their level, with their key/value pairs.
    let events = capture.0.lock().unwrap().clone();
    let printkv: Vec<_> = events
        .iter()
        .filter(|(_, m, _)| m == "PrintKV called")
        .collect();
    assert_eq!(printkv.len(), 2, "{events:?}");
    assert!(printkv.iter().all(|(l, _, _)| *l == tracing::Level::INFO));
    assert!(printkv[0].2.contains("foo=bar"), "{printkv:?}");
    assert!(printkv[1].2.contains("foo=12"), "{printkv:?}");
}

// TestClient: the "mock" plugin's address, and a kill that has to kill.
#[tokio::test]
async fn mock_address_and_forced_kill() {
    let c = start(helper("mock", &[])).await.unwrap();
    assert_eq!(c.address().network(), "tcp");
    assert_eq!(c.address().to_string(), ":1234");
    assert_eq!(c.kill().await, Killed::Forcibly);
    assert!(c.has_exited());
}

// TestClient_killStart and TestClientStart_badVersion.
#[tokio::test]
async fn bad_version() {
    let td = tempdir();
    let path = td.join("booted");
    let e = start_error(start(helper("bad-version", &[path.to_str().unwrap()])).await);
    assert_eq!(
        e.to_string(),
        "Incompatible API version with plugin. Plugin version: 11, Client versions: [1]"
    );
    assert!(path.exists(), "the plugin ran");
    std::fs::remove_dir_all(td).unwrap();
}

// TestClientStart_badNegotiatedVersion: the plugin has only version 2 (grpc).
#[tokio::test]
async fn bad_negotiated_version() {
    let e = start_error(start(helper("test-versioned-plugins", &[])).await);
    assert_eq!(
        e.to_string(),
        "Incompatible API version with plugin. Plugin version: 2, Client versions: [1]"
    );
}

// TestClient_grpcNotAllowed (here grpc is never allowed).
#[tokio::test]
async fn grpc_refused() {
    let e = start_error(start(helper("test-grpc", &[])).await);
    assert_eq!(
        e.to_string(),
        "Unsupported plugin protocol \"grpc\". Supported: [netrpc]"
    );
}

// TestClient_Start_Timeout.
#[tokio::test]
async fn start_timeout() {
    let config = helper("start-timeout", &[]).start_timeout(Duration::from_millis(50));
    let e = start_error(start(config).await);
    assert!(matches!(e, Error::StartTimeout));
    assert_eq!(e.to_string(), "timeout while waiting for plugin to start");
}

// The invalid-rpc-address helper mode.
#[tokio::test]
async fn invalid_address() {
    let e = start_error(start(helper("invalid-rpc-address", &[])).await);
    let text = e.to_string();
    assert!(
        text.starts_with("Unrecognized remote plugin message: lolinvalid\n\nThis usually means"),
        "{text}"
    );
}

// A plugin that exits before its handshake is reported with its stderr.
#[tokio::test]
async fn exited_before_handshake_with_stderr() {
    let e = start_error(start(helper("no-such-mode", &[])).await);
    assert!(matches!(e, Error::ExitedBeforeHandshake { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.starts_with("plugin exited before we could connect"),
        "{text}"
    );
    assert!(text.contains("Unknown command: \"no-such-mode\""), "{text}");
    // go-plugin's own words when the magic cookie is wrong.
    let mut h = test_handshake();
    h.magic_cookie_value = "wrong".into();
    let e = start_error(start(helper("test-interface", &[]).handshake(h).plugins(["test"])).await);
    assert!(
        e.to_string()
            .contains("This binary is a plugin. These are not meant to be executed directly."),
        "{e}"
    );
}

// TestClient_Stderr.
#[tokio::test]
async fn stderr_lines_reach_the_sink() {
    let buf = SharedBuf::default();
    let c = start(helper("stderr", &[]).stderr(buf.clone()))
        .await
        .unwrap();
    tokio::time::timeout(GUARD, c.exited()).await.unwrap();
    assert_eq!(c.kill().await, Killed::AlreadyExited, "exited by itself");
    let text = buf.text();
    assert!(text.contains("HELLO\n"), "{text:?}");
    assert!(text.contains("WORLD\n"), "{text:?}");
}

/// Runs a helper mode that writes to stderr and exits; returns the events it caused.
async fn logged(mode: &str) -> Capture {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let c = start(helper(mode, &[])).await.unwrap();
    tokio::time::timeout(GUARD, c.exited()).await.unwrap();
    capture
}

// TestClient_StderrJSON: JSON that is not an hclog entry is logged verbatim.
#[tokio::test]
async fn stderr_json_is_logged_verbatim() {
    let capture = logged("stderr-json").await;
    for line in ["[\"HELLO\"]", "12345", "{\"a\":1}"] {
        assert!(
            capture.has(tracing::Level::DEBUG, line),
            "{line}: {:?}",
            capture.0
        );
    }
}

// TestClient_textLogLevel.
#[tokio::test]
async fn text_log_level() {
    let capture = logged("level-warn-text").await;
    let line = "[WARN] test line 98765";
    assert!(capture.has(tracing::Level::WARN, line), "{:?}", capture.0);
}

// TestClient_Stdin.
#[tokio::test]
async fn stdin_from_a_file() {
    let td = tempdir();
    let path = td.join("stdin");
    std::fs::write(&path, "hello").unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let c = start(helper("stdin", &[]).stdin(Stdin::File(file)))
        .await
        .unwrap();
    let status = tokio::time::timeout(GUARD, c.exited())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
    std::fs::remove_dir_all(td).unwrap();
}

// TestClient_testCleanup: a graceful kill lets the plugin's deferred cleanup run.
#[tokio::test]
async fn cleanup() {
    let td = tempdir();
    let path = td.join("output");
    let c = start(helper("cleanup", &[path.to_str().unwrap()]))
        .await
        .unwrap();
    c.rpc_client().await.unwrap();
    assert_eq!(c.kill().await, Killed::Gracefully);
    assert!(path.exists(), "the plugin's defer ran");
    std::fs::remove_dir_all(td).unwrap();
}

// TestClient_ping.
#[tokio::test]
async fn ping() {
    let c = start(helper("test-interface", &[])).await.unwrap();
    let rpc = c.rpc_client().await.unwrap();
    rpc.ping().await.unwrap();
    c.kill().await;
    assert!(rpc.ping().await.is_err());
}

// TestClient_reattach.
#[tokio::test]
async fn reattach() {
    let first = start(helper("test-interface", &[])).await.unwrap();
    first.rpc_client().await.unwrap();
    let r = first.reattach_config().unwrap();
    let c = start(
        ClientConfig::reattach(r)
            .handshake(test_handshake())
            .plugins(["test"]),
    )
    .await
    .unwrap();
    dispense_double_and_quit(&c).await;
}

// TestClient_reattachNotFound.
#[tokio::test]
async fn reattach_not_found() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let r = ReattachConfig {
        protocol: "netrpc".into(),
        addr: PluginAddr::Tcp(addr.to_string()),
        // Above any pid_max: no such process.
        pid: i32::MAX as u32,
    };
    let e = start_error(start(ClientConfig::reattach(r).handshake(test_handshake())).await);
    assert!(matches!(e, Error::ProcessNotFound));
    assert_eq!(e.to_string(), "Reattachment process not found");
}

// TestClient_secureConfigAndReattach.
#[tokio::test]
async fn secure_config_and_reattach() {
    let r = ReattachConfig {
        protocol: "netrpc".into(),
        addr: PluginAddr::Tcp("127.0.0.1:1".into()),
        pid: i32::MAX as u32,
    };
    let config = ClientConfig::reattach(r).secure_config(SecureConfig { checksum: vec![1] });
    let e = start_error(start(config).await);
    assert_eq!(
        e.to_string(),
        "only one of Reattach or SecureConfig can be set"
    );
}

// TestClient_SecureConfig.
#[tokio::test]
async fn secure_config() {
    let bad = helper("test-interface", &[]).secure_config(SecureConfig {
        checksum: b"1".to_vec(),
    });
    let e = start_error(start(bad).await);
    assert!(matches!(e, Error::ChecksumMismatch));
    assert_eq!(e.to_string(), "checksums did not match");

    // The checksum as sha256sum computes it.
    let out = std::process::Command::new("sha256sum")
        .arg(go_plugin_test_binary())
        .output()
        .unwrap();
    let hex = String::from_utf8(out.stdout).unwrap();
    let sum = hex::decode(hex.split_whitespace().next().unwrap()).unwrap();
    let good = helper("test-interface", &[]).secure_config(SecureConfig { checksum: sum });
    let c = start(good).await.unwrap();
    c.rpc_client().await.unwrap().ping().await.unwrap();
    c.kill().await;
}

/// A PEM constant of go-plugin's plugin_test.go, read from Debian's source at run time.
fn go_test_pem(name: &str) -> Vec<u8> {
    let src = std::fs::read_to_string(
        "/usr/share/gocode/src/github.com/hashicorp/go-plugin/plugin_test.go",
    )
    .unwrap();
    let start = src.find(&format!("{name} = `")).unwrap() + name.len() + 4;
    let end = start + src[start..].find('`').unwrap();
    src.as_bytes()[start..end].to_vec()
}

/// A rustls client trusting go-plugin's test CA (`helperTLSProvider`'s `RootCAs`).
fn helper_tls() -> Arc<tokio_rustls::rustls::ClientConfig> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut &go_test_pem("TestClusterCACert")[..]) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

// TestClient_TLS (skipped by Debian's package, run here).
#[tokio::test]
async fn tls() {
    // Without TLS the plugin does not answer.
    let bad = start(helper("test-interface-tls", &[])).await.unwrap();
    let r = tokio::time::timeout(GUARD, bad.dispense("test")).await;
    assert!(
        matches!(r, Ok(Err(_)) | Err(_)),
        "dispense must fail without TLS"
    );
    bad.kill().await;

    let c = start(helper("test-interface-tls", &[]).tls(helper_tls(), "127.0.0.1"))
        .await
        .unwrap();
    dispense_double_and_quit(&c).await;
}

/// go-plugin's `testVersionedHandshake`: no protocol version of its own.
fn versioned_handshake() -> HandshakeConfig {
    HandshakeConfig {
        protocol_version: 0,
        ..test_handshake()
    }
}

fn versioned(mode: &str) -> ClientConfig {
    ClientConfig::command(go_plugin_test_binary())
        .args(["-test.run=TestHelperProcess", "--", mode])
        .env("GO_WANT_HELPER_PROCESS", "1")
        .handshake(versioned_handshake())
        .stdin(Stdin::Null)
}

// TestClient_mtlsNetRPCClient: AutoMTLS. The plugin gets the host's certificate, requires
// it from the host, and serves TLS with its own P-521 certificate, which the host trusts
// from the handshake line alone. Double(3) answering proves both checks passed.
#[tokio::test]
async fn auto_mtls() {
    let c = start(
        versioned("test-interface-mtls")
            .plugins(["test"])
            .auto_mtls(true),
    )
    .await
    .unwrap();
    let p = c.dispense("test").await.unwrap();
    assert_eq!(double(&p, 3).await, 6);
    assert_eq!(c.kill().await, Killed::Gracefully);
    assert!(c.has_exited());

    // Without AutoMTLS the host offers no certificate and the same plugin serves plain
    // net/rpc (go-plugin's server turns TLS on only for PLUGIN_CLIENT_CERT).
    let c = start(versioned("test-interface-mtls").plugins(["test"]))
        .await
        .unwrap();
    dispense_double_and_quit(&c).await;
}

// TestClient_legacyClient: version 1 is negotiated out of the plugin's {1 netrpc, 2 grpc};
// the plugin serves it over TLS, so a plain ping fails. With TLS the "old" plugin answers.
#[tokio::test]
async fn versioned_plugins() {
    let c = start(versioned("test-proto-upgraded-plugin").versioned_plugins(1, ["old"]))
        .await
        .unwrap();
    assert_eq!(c.negotiated_version(), 1);
    let r = tokio::time::timeout(GUARD, async { c.rpc_client().await?.ping().await }).await;
    assert!(
        matches!(r, Ok(Err(_)) | Err(_)),
        "ping must fail without TLS"
    );
    c.kill().await;

    let c = start(
        versioned("test-proto-upgraded-plugin")
            .versioned_plugins(1, ["old"])
            .versioned_plugins(3, ["future"])
            .tls(helper_tls(), "127.0.0.1"),
    )
    .await
    .unwrap();
    assert_eq!(c.negotiated_version(), 1);
    c.rpc_client().await.unwrap().ping().await.unwrap();
    let p = c.dispense("old").await.unwrap();
    assert_eq!(double(&p, 4).await, 8);
    let e = c.dispense("test").await.unwrap_err();
    assert_eq!(e.to_string(), "unknown plugin type: test");
    c.kill().await;
}

// Dropping the last handle kills the plugin and removes its socket directory.
#[tokio::test]
async fn drop_kills() {
    let c = start(helper("test-interface", &[])).await.unwrap();
    let pid = c.pid().unwrap();
    let dir = socket_dir_of(&c);
    let clone = c.clone();
    drop(c);
    assert!(pid_alive(pid), "a clone keeps it alive");
    drop(clone);
    assert!(!dir.exists());
    wait_gone(pid).await;
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "gobrpc-plugin-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
