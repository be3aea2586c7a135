//! Every example runs against a Go process (the bundled Go server, or Go's client for the
//! server examples) and exits 0.

mod common;

use common::examples_dir;
use common::server::{GoServer, ServerInfo};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long an example may run before the test fails (a hang is a failure, not a wait).
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(120);

fn run(example: &str, args: &[String]) -> String {
    let mut child = Command::new(examples_dir().join(example))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run example {example}: {e}"));
    let deadline = Instant::now() + EXAMPLE_TIMEOUT;
    while child.try_wait().expect("poll the example").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("example {example} did not finish within {EXAMPLE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child
        .wait_with_output()
        .expect("collect the example's output");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "example {example} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs `example` against the Go server started with `server_args`, with the arguments `pick`
/// takes from the server's startup line; what the example prints must contain each of
/// `wants`.
fn assert_example_prints(
    example: &str,
    server_args: &[&str],
    pick: impl FnOnce(&ServerInfo) -> Vec<Option<String>>,
    wants: &[&str],
) {
    let srv = GoServer::start(server_args);
    let args: Vec<String> = pick(&srv.info)
        .into_iter()
        .map(|a| {
            a.unwrap_or_else(|| panic!("{example}: the server lacks a listener: {:?}", srv.info))
        })
        .collect();
    let out = run(example, &args);
    for want in wants {
        assert!(
            out.contains(want),
            "{example}: no {want:?} in its output:\n{out}"
        );
    }
}

/// [`assert_example_prints`] for an example whose one argument is the server's TCP address.
fn assert_tcp_example_prints(example: &str, wants: &[&str]) {
    assert_example_prints(example, &[], |info| vec![info.tcp.clone()], wants);
}

#[test]
fn quickstart() {
    assert_tcp_example_prints("quickstart", &["Arith.Add(7, 8) = 15", "hello, gopher"]);
}

#[test]
fn tower_layers() {
    assert_tcp_example_prints(
        "tower_layers",
        &[
            "sum of 20 Arith.Add replies = 380",
            "Arith.SleepMilli(2000 ms): request timed out",
        ],
    );
}

#[test]
fn async_go() {
    // The shortest sleeps finish first: completion order is the reverse of sending order.
    assert_tcp_example_prints("async_go", &["completion order: [4, 3, 2, 1, 0]"]);
}

#[test]
fn watch() {
    assert_tcp_example_prints("watch", &["watch returned: color"]);
}

#[test]
fn auth_context() {
    assert_tcp_example_prints("auth_context", &["Auth.Secret failed: not logged in"]);
}

#[test]
fn http_connect() {
    assert_example_prints(
        "http_connect",
        &["-tcp", "", "-http", "127.0.0.1:0"],
        |info| vec![info.http.clone(), info.http_path.clone()],
        &["Arith.Mul(6, 7) = 42", "hello, http"],
    );
}

#[test]
fn tls() {
    assert_example_prints(
        "tls",
        &["-tcp", "", "-tls", "127.0.0.1:0"],
        |info| vec![info.tls.clone(), info.tls_ca.clone()],
        &["Arith.Add(40, 2) = 42"],
    );
}

#[test]
fn reverse() {
    let out = run("reverse", &[common::gointerop().display().to_string()]);
    assert!(out.contains("Arith.Add(1, 2) = 3"), "{out}");
}

/// Runs a server example (its argument: the `gointerop` binary, whose `client-scenario` is
/// Go's client on the other end) and checks that its output holds each of `wants`, in order.
fn assert_server_example_prints(example: &str, wants: &[&str]) {
    let out = run(example, &[common::gointerop().display().to_string()]);
    let mut at = 0;
    for want in wants {
        match out[at..].find(want) {
            Some(i) => at += i + want.len(),
            None => panic!("{example}: no {want:?} after byte {at} of its output:\n{out}"),
        }
    }
}

/// Go's `client.Go` and `Done` against a Rust `HelloService`: the shared `Done` channel
/// receives the five calls in the server's completion order, the reverse of sending order
/// (each call is answered after the one sent after it).
#[test]
fn server_hello() {
    assert_server_example_prints(
        "server_hello",
        &[
            "go: Go(HelloService.Hello, gopher) = hello, gopher",
            "go: sent: gopher-0; gopher-1; gopher-2; gopher-3; gopher-4",
            "go: fan-in: hello, gopher-4; hello, gopher-3; hello, gopher-2; hello, gopher-1; hello, gopher-0",
        ],
    );
}

/// Two Go connections long-poll a Rust `Watch` while other calls go through on the same
/// connections; one `Set` wakes both.
#[test]
fn server_watch() {
    assert_server_example_prints(
        "server_watch",
        &[
            "go: meanwhile on connection 1: Watchers() = 2",
            "go: meanwhile on connection 2: Get(color) = red",
            "go: both watches still pending",
            "go: connection 1: Set(color, blue)",
            "go: connection 1: Watch returned color",
            "go: connection 2: Watch returned color",
            "go: connection 2: Get(color) = blue",
        ],
    );
}

/// A login lives in its connection's state: the first Go connection logs in and is served,
/// the second is refused.
#[test]
fn server_login() {
    assert_server_example_prints(
        "server_login",
        &[
            "go: connection 1: Auth.Secret = error: not logged in",
            "go: connection 1: Auth.Login = error: invalid credentials",
            "go: connection 1: Auth.Login = welcome gopher",
            "go: connection 1: Auth.Whoami = gopher",
            "go: connection 1: Auth.Secret = the cake is a lie",
            "go: connection 2: Auth.Whoami = error: not logged in",
            "go: connection 2: Auth.Secret = error: not logged in",
            "go: connection 1: Auth.Secret = the cake is a lie",
        ],
    );
}

/// Rust dials a listening Go process and serves on that connection; Go calls it with
/// `rpc.NewClient` over the accepted connection.
#[test]
fn server_dial_out() {
    assert_server_example_prints(
        "server_dial_out",
        &[
            "rust: the Go side hung up",
            "go: accepted the Rust side's connection",
            "go: HelloService.Hello(from go) = hello, from go",
            "go: Arith.Add(1, 2) = 3",
        ],
    );
}

/// `plugin_host` launches the bundled go-plugin plugin (built from Debian's go-plugin
/// sources), calls it, serves its callback, and kills it.
#[test]
fn plugin_host() {
    let built = Command::new("bash")
        .args(["go-interop/build-go-plugin.sh", "own"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run go-interop/build-go-plugin.sh");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let plugin = String::from_utf8(built.stdout).unwrap().trim().to_string();
    let out = run("plugin_host", &[plugin]);
    for want in [
        "Plugin.Double(21) = 42",
        "host: Plugin.Add(2, 3) called by the plugin",
        "Plugin.Callback(2, 3) = 50",
        "plugin ended: Gracefully",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
}

/// The README's demo command runs the examples, and says what it is doing before each slow
/// step (a fresh machine spends minutes building; silence there looks like a hang).
#[test]
fn demo_announces_each_step() {
    let out = Command::new("bash")
        .arg("scripts/demo")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("Arith.Add(7, 8) = 15"), "{stdout}");
    assert!(stdout.contains("watch returned: color"), "{stdout}");
    // Each step is announced, in order, and cargo's own progress is shown after the build
    // step's announcement (not silenced).
    let mut at = 0;
    for step in [
        "==> checking for Go",
        "==> building the bundled Go server",
        "==> building the Rust examples",
        "Finished",
        "==> starting the Go server",
    ] {
        match stderr[at..].find(step) {
            Some(i) => at += i + step.len(),
            None => panic!("demo's stderr lacks {step:?} after byte {at}:\n{stderr}"),
        }
    }
}

/// `go_test_services` serves Go's own net/rpc test services; the client side of Go's
/// `server_test.go` (the same cases and assertions, Go's client) passes against it.
#[test]
fn go_test_services_pass_gos_suite() {
    use std::io::BufRead;
    let mut server = Command::new(examples_dir().join("go_test_services"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start go_test_services");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("its address line");
    // The stable contract: exactly {"tcp":"127.0.0.1:PORT","http":"127.0.0.1:PORT"}.
    let addrs: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    let obj = addrs.as_object().expect("an object");
    assert_eq!(obj.len(), 2, "{line}");
    let addr = |k: &str| obj[k].as_str().expect("an address").to_string();
    for k in ["tcp", "http"] {
        assert!(addr(k).starts_with("127.0.0.1:"), "{line}");
    }
    let out = Command::new(common::gointerop())
        .args(["netrpc-suite", "-tcp", &addr("tcp"), "-http", &addr("http")])
        .output()
        .expect("run Go's suite");
    let report = String::from_utf8_lossy(&out.stdout);
    drop(server.stdin.take()); // end of stdin: the example shuts down
    let status = server.wait().expect("the example exits");
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let passed: Vec<&str> = report
        .lines()
        .filter_map(|l| l.strip_prefix("PASS "))
        .collect();
    assert_eq!(
        passed,
        [
            "testRPC",
            "testNewServerRPC",
            "testHTTPRPC",
            "testHTTPRPC/foo",
            "TestBuiltinTypes",
            "TestTCPClose",
            "TestErrorAfterClientClose",
            "BenchmarkEndToEnd",
            "BenchmarkEndToEndHTTP",
            "BenchmarkEndToEndAsync",
            "BenchmarkEndToEndAsyncHTTP",
        ],
        "{report}"
    );
    assert!(status.success(), "go_test_services exited with {status}");
}
