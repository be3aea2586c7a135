//! `gobrpc plugin`: launch a go-plugin netrpc plugin (our own, `go-interop/goplugin/`, built
//! from Debian's go-plugin sources), dispense it, call it, print the reply, kill it.

use super::gobrpc;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The plugin binary (built by `go-interop/build-go-plugin.sh own`).
fn plugin() -> String {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = std::process::Command::new("bash")
            .args(["go-interop/build-go-plugin.sh", "own"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run build-go-plugin.sh");
        assert!(
            out.status.success(),
            "build-go-plugin.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
    .display()
    .to_string()
}

const COOKIE: &str = "GOBRPC_TEST_PLUGIN=gobrpc";

/// `gobrpc plugin` with our plugin's cookie, dispensing "test", calling `method` with `arg`.
fn call_plugin(method: &str, arg: &str) -> super::Run {
    let p = plugin();
    let args = [
        "plugin",
        "--cookie",
        COOKIE,
        "--dispense",
        "test",
        "--",
        &p,
        method,
        arg,
    ];
    gobrpc(&args, b"")
}

#[test]
fn calls_a_plugin_with_an_inferred_argument() {
    let p = plugin();
    let run = gobrpc(
        &[
            "plugin",
            "--cookie",
            COOKIE,
            "--version",
            "1",
            "--dispense",
            "test",
            "--",
            &p,
            "Plugin.Double",
            "21",
        ],
        b"",
    );
    // The plugin's Double replies 2n.
    assert_eq!(run.ok().trim(), "42");
}

#[test]
fn calls_a_plugin_with_a_declared_argument_type() {
    let dir = std::env::temp_dir().join(format!("gobrpc-plugin-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let types = dir.join("types.go");
    std::fs::write(&types, "package main\n\ntype Count int\n").unwrap();
    let p = plugin();
    let run = gobrpc(
        &[
            "plugin",
            "--cookie",
            COOKIE,
            "--dispense",
            "test",
            "--types",
            types.to_str().unwrap(),
            "--arg-type",
            "Count",
            "--",
            &p,
            "Plugin.Double",
            "-",
        ],
        b"5",
    );
    assert_eq!(run.ok().trim(), "10");
    // An interface-typed field of the reply prints as dump --json prints it.
    let run = call_plugin("Plugin.Errors", r#""app""#);
    assert_eq!(
        run.ok().trim(),
        r#"{"Err":{"Code":418,"Message":"teapot"},"Note":"app"}"#
    );
}

#[test]
fn a_plugin_error_is_gos_text_and_exit_1() {
    call_plugin("Plugin.Errors", r#""method""#).fails(1, &["the method failed"]);
}

#[test]
fn a_plugin_that_will_not_start_is_exit_3_with_its_stderr() {
    let p = plugin();
    // A wrong magic cookie: the plugin refuses to run, and says why on stderr.
    gobrpc(
        &[
            "plugin",
            "--cookie",
            "WRONG=x",
            "--dispense",
            "test",
            "--",
            &p,
            "Plugin.Double",
            "1",
        ],
        b"",
    )
    .fails(3, &["starting the plugin", "This binary is a plugin"]);
    // Usage: the cookie must be KEY=VALUE; the command needs a method.
    gobrpc(
        &[
            "plugin",
            "--cookie",
            "nokey",
            "--dispense",
            "test",
            "--",
            &p,
            "Plugin.Double",
            "1",
        ],
        b"",
    )
    .fails(2, &["KEY=VALUE"]);
    gobrpc(
        &["plugin", "--cookie", COOKIE, "--dispense", "test", "--", &p],
        b"",
    )
    .fails(2, &["Plugin.Method"]);
}
