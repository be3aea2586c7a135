//! What the plugin host tests share: the Go plugin binaries (built from Debian's go-plugin
//! sources by `go-interop/build-go-plugin.sh`), hang guards, process checks, an in-memory
//! sink.
#![allow(dead_code)]

use gobrpc::plugin::{Client, PluginAddr};
use gobrpc::types::GoTime;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// A hang guard only.
pub const GUARD: Duration = Duration::from_secs(30);

/// Runs `go-interop/build-go-plugin.sh ARGS` and returns the path it prints.
fn build(args: &[&str]) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("go-interop/build-go-plugin.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .args(args)
        .output()
        .expect("run go-interop/build-go-plugin.sh");
    assert!(
        out.status.success(),
        "build-go-plugin.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// go-plugin's own test binary (`go test -c github.com/hashicorp/go-plugin`).
pub fn go_plugin_test_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&[]))
}

/// Our own plugin, `go-interop/goplugin/`.
pub fn own_plugin_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&["own"]))
}

/// The directory of a plugin's Unix socket.
pub fn socket_dir_of(c: &Client) -> PathBuf {
    match c.address() {
        PluginAddr::Unix(p) => p.parent().unwrap().to_path_buf(),
        other => panic!("expected a unix socket, got {other:?}"),
    }
}

/// Whether process `pid` exists (a zombie counts).
pub fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Waits (under [`GUARD`]) until process `pid` is gone.
pub async fn wait_gone(pid: u32) {
    tokio::time::timeout(GUARD, async {
        while pid_alive(pid) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the process ends");
}

/// A `Write` into shared memory, for the sinks.
#[derive(Clone, Default)]
pub struct SharedBuf(pub Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    /// What was written, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Go's `interface{}` values, by the names Go gives their types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(interface)]
pub enum Any {
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "float64")]
    Float(f64),
    #[serde(rename = "bool")]
    Bool(bool),
    #[serde(rename = "[]uint8")]
    Bytes(ByteBuf),
    #[serde(rename = "time.Time")]
    Time(GoTime),
    #[serde(rename = "map[string]interface {}")]
    Map(HashMap<String, Any>),
}
