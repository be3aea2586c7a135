//! Launching the plugin process: environment, pipes, the stdout and stderr readers, and the
//! task that waits for the process to end.

use super::config::ClientConfig;
use super::error::{Error, Result};
use super::handshake::protocol_versions_env;
use super::stderr::{self, Tail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::{mpsc, oneshot, watch};

/// How the plugin ended: `Some(status)` for a process we launched, `None` for a
/// reattached one (its status belongs to its parent).
pub(crate) type Exit = Option<ExitStatus>;

/// A launched plugin process.
pub(crate) struct Launched {
    pub(crate) pid: Option<u32>,
    /// The stdout lines, the handshake first.
    pub(crate) lines: mpsc::Receiver<String>,
    pub(crate) tail: Tail,
    pub(crate) exit: watch::Receiver<Option<Exit>>,
    /// Dropping or sending kills the process.
    pub(crate) kill: oneshot::Sender<()>,
}

/// A fresh directory for the plugin's Unix socket.
pub(crate) fn socket_dir(base: Option<&Path>) -> std::io::Result<PathBuf> {
    static N: AtomicU64 = AtomicU64::new(0);
    let base = base.map_or_else(std::env::temp_dir, Path::to_path_buf);
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = base.join(format!(
            "gobrpc-plugin-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The program's path as the system would find it (for the checksum).
pub(crate) fn resolve(program: &Path) -> PathBuf {
    if program.components().count() > 1 {
        return program.to_path_buf();
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(program))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| program.to_path_buf())
}

/// SHA-256 of the binary against the expected checksum (go-plugin's `SecureConfig.Check`).
pub(crate) fn check_checksum(path: &Path, expected: &[u8]) -> Result<()> {
    if expected.is_empty() {
        return Err(Error::Config("no checksum provided".into()));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Error::Config(format!("error verifying checksum: {e}")))?;
    let sum = ring::digest::digest(&ring::digest::SHA256, &bytes);
    // Constant time, as Go's subtle.ConstantTimeCompare.
    let same = sum.as_ref().len() == expected.len()
        && sum
            .as_ref()
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(Error::ChecksumMismatch)
    }
}

/// Starts the plugin with go-plugin's environment.
pub(crate) fn launch(
    config: &mut ClientConfig,
    program: &Path,
    socket_dir: &Path,
    extra_env: Vec<(OsString, OsString)>,
) -> Result<Launched> {
    let h = &config.handshake;
    let mut cmd = Command::new(program);
    cmd.args(&config.args);
    if !config.inherit_env {
        cmd.env_clear();
    }
    cmd.envs(config.env.iter().map(|(k, v)| (k, v)));
    cmd.env(&h.magic_cookie_key, &h.magic_cookie_value)
        .env("PLUGIN_MIN_PORT", config.min_port.to_string())
        .env("PLUGIN_MAX_PORT", config.max_port.to_string())
        .env(
            "PLUGIN_PROTOCOL_VERSIONS",
            protocol_versions_env(&config.versioned_plugins),
        )
        .env("TMPDIR", socket_dir)
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir)
        .envs(extra_env)
        .stdin(std::mem::take(&mut config.stdin).into_stdio())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let name = program
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    tracing::debug!(path = %program.display(), pid, "plugin started");

    let tail = Tail::default();
    let stderr_task = child.stderr.take().map(|e| {
        tokio::spawn(stderr::drain(
            name.clone(),
            e,
            config.stderr.take(),
            tail.clone(),
        ))
    });
    let (line_tx, lines) = mpsc::channel(1);
    if let Some(out) = child.stdout.take() {
        tokio::spawn(read_stdout(out, line_tx));
    }
    let (exit_tx, exit) = watch::channel(None);
    let (kill, kill_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let status = tokio::select! {
            s = child.wait() => s,
            _ = kill_rx => {
                let _ = child.start_kill();
                child.wait().await
            }
        };
        // Go reads stderr to its end before it reports the exit (a grandchild holding the
        // pipe open must not hold the report forever).
        if let Some(t) = stderr_task {
            let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
        }
        tracing::debug!(pid, status = ?status, "plugin process exited");
        let _ = exit_tx.send(Some(status.ok()));
    });
    Ok(Launched {
        pid,
        lines,
        tail,
        exit,
        kill,
    })
}

/// Sends the first stdout lines on; reads the rest to the end so the pipe never fills.
async fn read_stdout<R: AsyncRead + Unpin>(r: R, tx: mpsc::Sender<String>) {
    let mut r = BufReader::new(r);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut r).take(64 * 1024).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line).into_owned();
                if tx.try_send(text).is_err() {
                    tracing::debug!(target: "gobrpc::plugin::stdout", line = %String::from_utf8_lossy(&line).trim_end(), "plugin stdout");
                }
            }
        }
    }
}

/// Watches a process that is not ours: polls until it is gone.
pub(crate) fn watch_pid(pid: u32) -> watch::Receiver<Option<Exit>> {
    let (tx, rx) = watch::channel(None);
    tokio::spawn(async move {
        while alive(pid) {
            if tx.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = tx.send(Some(None));
    });
    rx
}

fn to_pid(pid: u32) -> Option<rustix::process::Pid> {
    i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
}

/// Whether a process exists (signal 0).
pub(crate) fn alive(pid: u32) -> bool {
    to_pid(pid).is_some_and(|p| rustix::process::test_kill_process(p).is_ok())
}

/// SIGKILL to a process that is not ours.
pub(crate) fn kill_pid(pid: u32) {
    if let Some(p) = to_pid(pid) {
        let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
    }
}
