//! The plugin's lifecycle (go-plugin's `Client`): start or reattach, connect, kill.

use super::config::{ClientConfig, OutputSink, ReattachConfig};
use super::error::{Error, Result};
use super::handshake::{self, PluginAddr};
use super::mux::MuxConfig;
use super::process::{self, Exit};
use super::rpc_client::RpcClient;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{oneshot, watch};

/// How long `kill` waits for a plugin to exit after `Control.Quit`: 2 s, as go-plugin.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// How [`Client::kill`] ended the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Killed {
    /// It exited by itself after `Control.Quit`.
    Gracefully,
    /// It had to be killed (go-plugin's `killed()`).
    Forcibly,
    /// It had already exited.
    AlreadyExited,
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

struct Inner {
    addr: PluginAddr,
    protocol: String,
    version: u32,
    plugins: BTreeSet<String>,
    pid: Option<u32>,
    reattached: bool,
    tls: Option<(Arc<tokio_rustls::rustls::ClientConfig>, String)>,
    mux: MuxConfig,
    sinks: Mutex<(Option<OutputSink>, Option<OutputSink>)>,
    rpc: tokio::sync::Mutex<Option<RpcClient>>,
    kill: Mutex<Option<oneshot::Sender<()>>>,
    exit: watch::Receiver<Option<Exit>>,
    forced: AtomicBool,
    socket_dir: Option<PathBuf>,
}

impl Inner {
    fn exited(&self) -> bool {
        self.exit.borrow().is_some()
    }

    fn force_kill(&self) {
        if let Some(tx) = self.kill.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = tx.send(());
        } else if self.reattached {
            if let Some(pid) = self.pid {
                process::kill_pid(pid);
            }
        }
    }

    fn remove_socket_dir(&self) {
        if let Some(dir) = &self.socket_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.exited() {
            self.force_kill();
        }
        self.remove_socket_dir();
    }
}

/// A launched (or reattached) plugin (go-plugin's `*plugin.Client`).
///
/// Cheap to clone; dropping the last clone kills the plugin (at once, without
/// `Control.Quit`: call [`kill`](Self::kill) for a graceful end) and removes its socket
/// directory.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("addr", &self.inner.addr)
            .field("pid", &self.inner.pid)
            .field("version", &self.inner.version)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Launches the plugin and reads its handshake (go-plugin's `Start`), or reattaches.
    /// Connecting waits for [`rpc_client`](Self::rpc_client).
    pub async fn start(mut config: ClientConfig) -> Result<Client> {
        if config.reattach.is_some() == config.program.is_some() {
            return Err(Error::Config(
                "Only one of Cmd or Reattach must be set".into(),
            ));
        }
        if let Some(r) = config.reattach.clone() {
            if config.secure_config.is_some() {
                return Err(Error::Config(
                    "only one of Reattach or SecureConfig can be set".into(),
                ));
            }
            return Self::reattach(config, r).await;
        }
        let program = config.program.clone().unwrap_or_default();
        let path = process::resolve(&program);
        if let Some(s) = &config.secure_config {
            process::check_checksum(&path, &s.checksum)?;
        }
        // AutoMTLS: the host's certificate for this launch goes to the plugin.
        let host_cert = if config.auto_mtls {
            Some(super::mtls::host_cert()?)
        } else {
            None
        };
        let extra_env = host_cert
            .iter()
            .map(|c| ("PLUGIN_CLIENT_CERT".into(), c.pem.clone().into()))
            .collect();
        let dir = process::socket_dir(config.socket_dir.as_deref())?;
        let launched = match process::launch(&mut config, &path, &dir, extra_env) {
            Ok(l) => l,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        let process::Launched {
            pid,
            mut lines,
            tail,
            mut exit,
            kill,
        } = launched;
        let versions = config.versions();
        let mut early_exit = exit.clone();
        let exited_early = |tail: &super::stderr::Tail| Error::ExitedBeforeHandshake {
            stderr: tail.text(),
        };
        let line = tokio::select! {
            biased;
            line = lines.recv() => line,
            _ = ended(&mut early_exit) => {
                // It may have printed its line and exited at once: stdout holds the line
                // until its reader reaches the end (a hang guard for a grandchild that
                // keeps the pipe open).
                tokio::time::timeout(Duration::from_secs(2), lines.recv()).await.ok().flatten()
            }
            () = tokio::time::sleep(config.start_timeout) => {
                let _ = kill.send(());
                let _ = tokio::time::timeout(Duration::from_secs(5), ended(&mut exit)).await;
                let _ = std::fs::remove_dir_all(&dir);
                return Err(Error::StartTimeout);
            }
        };
        let outcome =
            match line {
                Some(line) => handshake::parse(&line, &versions, &config.allowed_protocols)
                    .and_then(|hs| match &host_cert {
                        Some(c) => {
                            let cert = hs.server_cert.clone().ok_or_else(|| {
                                Error::Tls("the plugin sent no certificate for AutoMTLS".into())
                            })?;
                            let tls = super::mtls::client_config(c, cert)?;
                            Ok((hs, Some((tls, super::mtls::SERVER_NAME.to_string()))))
                        }
                        None => Ok((hs, None)),
                    }),
                None => {
                    // stdout ended without a line: the process is ending; report its stderr.
                    let _ = tokio::time::timeout(Duration::from_secs(5), ended(&mut exit)).await;
                    Err(exited_early(&tail))
                }
            };
        let (hs, auto_tls) = match outcome {
            Ok(h) => h,
            Err(e) => {
                let _ = kill.send(());
                let _ = tokio::time::timeout(Duration::from_secs(5), ended(&mut exit)).await;
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        let tls = auto_tls.or_else(|| config.tls.clone());
        tracing::debug!(version = hs.version, addr = %hs.addr, "using plugin");
        Ok(Client {
            inner: Arc::new(Inner {
                addr: hs.addr,
                protocol: hs.protocol,
                version: hs.version,
                plugins: hs.plugins,
                pid,
                reattached: false,
                tls,
                mux: config.mux.clone(),
                sinks: Mutex::new((config.sync_stdout.take(), config.sync_stderr.take())),
                rpc: tokio::sync::Mutex::new(None),
                kill: Mutex::new(Some(kill)),
                exit,
                forced: AtomicBool::new(false),
                socket_dir: Some(dir),
            }),
        })
    }

    async fn reattach(mut config: ClientConfig, r: ReattachConfig) -> Result<Client> {
        // Check the address answers (on Unix a process lookup alone proves nothing).
        match connect(&r.addr).await {
            Ok(conn) => drop(conn),
            Err(_) => {
                process::kill_pid(r.pid);
                return Err(Error::ProcessNotFound);
            }
        }
        let protocol = if r.protocol.is_empty() {
            handshake::PROTOCOL_NETRPC.to_string()
        } else {
            r.protocol.clone()
        };
        let version = config.handshake.protocol_version;
        let plugins = config
            .versioned_plugins
            .get(&version)
            .cloned()
            .unwrap_or_default();
        Ok(Client {
            inner: Arc::new(Inner {
                addr: r.addr,
                protocol,
                version,
                plugins,
                pid: Some(r.pid),
                reattached: true,
                tls: config.tls.clone(),
                mux: config.mux.clone(),
                sinks: Mutex::new((config.sync_stdout.take(), config.sync_stderr.take())),
                rpc: tokio::sync::Mutex::new(None),
                kill: Mutex::new(None),
                exit: process::watch_pid(r.pid),
                forced: AtomicBool::new(false),
                socket_dir: None,
            }),
        })
    }

    /// Where the plugin listens.
    pub fn address(&self) -> &PluginAddr {
        &self.inner.addr
    }

    /// The protocol the plugin speaks (`netrpc`).
    pub fn protocol(&self) -> &str {
        &self.inner.protocol
    }

    /// The protocol version both sides agreed on (go-plugin's `NegotiatedVersion`).
    pub fn negotiated_version(&self) -> u32 {
        self.inner.version
    }

    /// The plugin's process id (`None` if the system did not report one).
    pub fn pid(&self) -> Option<u32> {
        self.inner.pid
    }

    /// What another host needs to reattach to this plugin (go-plugin's `ReattachConfig`).
    pub fn reattach_config(&self) -> Option<ReattachConfig> {
        Some(ReattachConfig {
            protocol: self.inner.protocol.clone(),
            addr: self.inner.addr.clone(),
            pid: self.inner.pid?,
        })
    }

    /// The connection to the plugin, made on first use (go-plugin's `Client()`).
    pub async fn rpc_client(&self) -> Result<RpcClient> {
        let mut slot = self.inner.rpc.lock().await;
        if let Some(c) = &*slot {
            return Ok(c.clone());
        }
        let conn = connect(&self.inner.addr).await?;
        let conn: Box<dyn Io> = match &self.inner.tls {
            Some((config, name)) => {
                let name = tokio_rustls::rustls::pki_types::ServerName::try_from(name.clone())
                    .map_err(|e| Error::Tls(e.to_string()))?;
                let tls = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name, conn)
                    .await?;
                Box::new(tls)
            }
            None => conn,
        };
        let (out, err) = {
            let mut s = self.inner.sinks.lock().unwrap_or_else(|e| e.into_inner());
            (s.0.take(), s.1.take())
        };
        let c = RpcClient::new(
            conn,
            self.inner.plugins.clone(),
            self.inner.mux.clone(),
            out,
            err,
        )?;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Connects if needed and dispenses `name` (see [`RpcClient::dispense`]).
    pub async fn dispense(&self, name: &str) -> Result<crate::rpc::Client> {
        self.rpc_client().await?.dispense(name).await
    }

    /// Whether the plugin process has ended (go-plugin's `Exited`).
    pub fn has_exited(&self) -> bool {
        self.inner.exited()
    }

    /// Waits for the plugin to end. The exit status of a launched plugin; `None` for a
    /// reattached one.
    pub async fn exited(&self) -> Option<ExitStatus> {
        let mut rx = self.inner.exit.clone();
        ended(&mut rx).await.flatten()
    }

    /// Ends the plugin (go-plugin's `Kill`): `Control.Quit`, up to [`KILL_GRACE`] for the
    /// process to exit, then a kill; removes the socket directory. Safe to call again.
    ///
    /// A `Control.Quit` whose answer is lost because the plugin exited first still counts as
    /// graceful when the process is gone within the grace period.
    pub async fn kill(&self) -> Killed {
        let outcome = self.kill_inner().await;
        self.inner.remove_socket_dir();
        outcome
    }

    async fn kill_inner(&self) -> Killed {
        if self.has_exited() {
            return Killed::AlreadyExited;
        }
        let quit = async {
            let rpc = self.rpc_client().await?;
            let r = rpc.close().await;
            Ok::<_, Error>(r.is_ok())
        };
        let asked = matches!(tokio::time::timeout(KILL_GRACE, quit).await, Ok(Ok(_)));
        if asked {
            let mut rx = self.inner.exit.clone();
            if tokio::time::timeout(KILL_GRACE, ended(&mut rx))
                .await
                .is_ok()
            {
                return Killed::Gracefully;
            }
        }
        tracing::warn!(pid = self.inner.pid, "plugin failed to exit gracefully");
        self.inner.force_kill();
        self.inner.forced.store(true, Ordering::Relaxed);
        if let Some(rpc) = self.inner.rpc.lock().await.as_ref() {
            rpc.session().close();
        }
        let mut rx = self.inner.exit.clone();
        // A hang guard only: a killed process ends at once.
        let _ = tokio::time::timeout(Duration::from_secs(10), ended(&mut rx)).await;
        Killed::Forcibly
    }
}

/// Waits for the process to end; `None` if the watcher went away first. (The watch's
/// guard is dropped here: holding it across an await would make the futures not `Send`.)
async fn ended(rx: &mut watch::Receiver<Option<Exit>>) -> Option<Exit> {
    rx.wait_for(Option::is_some).await.ok().and_then(|v| *v)
}

async fn connect(addr: &PluginAddr) -> Result<Box<dyn Io>> {
    Ok(match addr {
        PluginAddr::Tcp(a) => {
            // Go dials ":1234" on the local system.
            let a = if a.starts_with(':') {
                format!("127.0.0.1{a}")
            } else {
                a.clone()
            };
            let s = tokio::net::TcpStream::connect(a).await?;
            let _ = s.set_nodelay(true);
            Box::new(s)
        }
        PluginAddr::Unix(p) => Box::new(tokio::net::UnixStream::connect(p).await?),
    })
}
