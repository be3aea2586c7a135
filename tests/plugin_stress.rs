//! Stress: 500 launch → dispense → call → kill cycles of our own Go plugin
//! (`go-interop/goplugin/`), a few at a time, with no hang and nothing leaked: no child
//! process left (running or unreaped), no file descriptor, no socket directory.
#![cfg(feature = "plugin")]

mod plugin_support;

use gobrpc::plugin::{Client, ClientConfig, HandshakeConfig, Killed, Stdin};
use plugin_support::{own_plugin_binary, socket_dir_of, GUARD};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const CYCLES: usize = 500;
/// Cycles running at once.
const PARALLEL: usize = 4;

/// The file descriptors this process has open.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// What the open descriptors are (`socket:[…]`, `pipe:[…]`, paths), for a failure message.
fn fd_kinds() -> std::collections::BTreeMap<String, usize> {
    let mut kinds = std::collections::BTreeMap::new();
    for e in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let target = std::fs::read_link(e.path()).map_or_else(
            |_| "?".to_string(),
            |t| {
                t.to_string_lossy()
                    .split(':')
                    .next()
                    .unwrap_or("")
                    .to_string()
            },
        );
        *kinds.entry(target).or_insert(0) += 1;
    }
    kinds
}

/// The processes whose parent is this process, zombies included.
fn children() -> Vec<u32> {
    let me = std::process::id();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(me) {
            out.push(pid);
        }
    }
    out
}

fn config(socket_base: &Path) -> ClientConfig {
    let mut c = ClientConfig::command(own_plugin_binary())
        .handshake(HandshakeConfig {
            protocol_version: 1,
            magic_cookie_key: "GOBRPC_TEST_PLUGIN".into(),
            magic_cookie_value: "gobrpc".into(),
        })
        .plugins(["test"])
        .stdin(Stdin::Null);
    c.socket_dir = Some(socket_base.to_path_buf());
    c
}

/// One cycle: launch, dispense, call, kill. Returns the socket directory it used.
async fn cycle(socket_base: &Path, i: i64) -> PathBuf {
    let c = Client::start(config(socket_base)).await.expect("start");
    let dir = socket_dir_of(&c);
    let p = c.dispense("test").await.expect("dispense");
    let r: i64 = p.call("Plugin.Double", &i).await.expect("Double");
    assert_eq!(r, 2 * i);
    assert_eq!(c.kill().await, Killed::Gracefully);
    assert!(c.has_exited());
    dir
}

/// Waits (under the guard) until `f` holds; returns whether it did.
async fn settles(f: impl Fn() -> bool) -> bool {
    tokio::time::timeout(GUARD, async {
        while !f() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_cycles_leak_nothing() {
    let base = std::env::temp_dir().join(format!("gobrpc-plugin-stress-{}", std::process::id()));
    std::fs::create_dir_all(&base).unwrap();
    let base = Arc::new(base);
    // One cycle first: the runtime's lazily made descriptors (the process driver's) exist
    // before the count.
    cycle(&base, 0).await;
    assert!(settles(|| children().is_empty()).await);
    let fds_before = open_fds();

    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..PARALLEL)
        .map(|_| {
            let (base, next) = (base.clone(), next.clone());
            tokio::spawn(async move {
                let mut dirs = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= CYCLES {
                        return dirs;
                    }
                    dirs.push(cycle(&base, i as i64).await);
                }
            })
        })
        .collect();
    let mut dirs = Vec::new();
    // A hang guard for the whole run.
    let all = tokio::time::timeout(Duration::from_secs(600), async {
        for w in workers {
            dirs.extend(w.await.unwrap());
        }
    })
    .await;
    assert!(all.is_ok(), "the cycles hang");
    assert_eq!(dirs.len(), CYCLES);

    // Every socket directory is gone, and so nothing is left in the base directory.
    assert!(dirs.iter().all(|d| !d.exists()));
    assert_eq!(std::fs::read_dir(&*base).unwrap().count(), 0);
    // No plugin process is left, not even unreaped.
    assert!(
        settles(|| children().is_empty()).await,
        "left: {:?}",
        children()
    );
    // Every descriptor is closed (tasks that end after kill returns close theirs shortly).
    assert!(
        settles(|| open_fds() <= fds_before).await,
        "{} descriptors open, {fds_before} before: {:?}",
        open_fds(),
        fd_kinds()
    );
    std::fs::remove_dir(&*base).unwrap();
}
