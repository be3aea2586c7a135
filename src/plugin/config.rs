//! How to launch (or reattach to) a plugin: [`ClientConfig`], modelled on go-plugin's.

use super::handshake::{PluginAddr, PROTOCOL_NETRPC};
use super::mux::MuxConfig;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

/// The default start timeout: one minute, as go-plugin.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(60);

/// The handshake both sides must agree on (go-plugin's `HandshakeConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandshakeConfig {
    /// The application protocol version (ignored when it has no plugin set, as in Go).
    pub protocol_version: u32,
    /// The environment variable the plugin checks (a UX check, not a security measure).
    pub magic_cookie_key: String,
    /// Its value.
    pub magic_cookie_value: String,
}

/// A running plugin to connect to instead of launching one (go-plugin's `ReattachConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReattachConfig {
    /// The protocol (`netrpc`).
    pub protocol: String,
    /// Where the plugin listens.
    pub addr: PluginAddr,
    /// Its process id (killed on `kill`, watched for its end).
    pub pid: u32,
}

/// A SHA-256 checksum the plugin binary must have before it is launched (go-plugin's
/// `SecureConfig` with `sha256.New()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecureConfig {
    /// The expected SHA-256 of the binary.
    pub checksum: Vec<u8>,
}

/// Where the plugin's stdin comes from.
#[derive(Debug, Default)]
#[non_exhaustive]
pub enum Stdin {
    /// The host's stdin (go-plugin's default: `cmd.Stdin = os.Stdin`).
    #[default]
    Inherit,
    /// Nothing (`/dev/null`).
    Null,
    /// This file.
    File(std::fs::File),
}

impl Stdin {
    pub(crate) fn into_stdio(self) -> Stdio {
        match self {
            Stdin::Inherit => Stdio::inherit(),
            Stdin::Null => Stdio::null(),
            Stdin::File(f) => Stdio::from(f),
        }
    }
}

/// A writer for the plugin's output (stderr lines, or its stdout and stderr streams).
pub type OutputSink = Box<dyn Write + Send>;

/// How to start a plugin (go-plugin's `ClientConfig`). Start with [`ClientConfig::command`]
/// or [`ClientConfig::reattach`], then set what differs from go-plugin's defaults.
#[must_use]
#[non_exhaustive]
pub struct ClientConfig {
    /// The handshake (cookie and default protocol version).
    pub handshake: HandshakeConfig,
    /// Plugin names per protocol version (go-plugin's `VersionedPlugins`; `Plugins` is the
    /// set of `handshake.protocol_version`).
    pub versioned_plugins: BTreeMap<u32, BTreeSet<String>>,
    pub(crate) program: Option<PathBuf>,
    pub(crate) args: Vec<OsString>,
    pub(crate) env: Vec<(OsString, OsString)>,
    /// Whether the plugin inherits the host's environment (default: yes, as in Go).
    pub inherit_env: bool,
    pub(crate) stdin: Stdin,
    /// Reattach to this plugin instead of launching one.
    pub reattach: Option<ReattachConfig>,
    /// Check the binary's checksum before launching it.
    pub secure_config: Option<SecureConfig>,
    /// A TLS configuration for the connection (go-plugin's `TLSConfig`), with the server
    /// name to check.
    pub tls: Option<(Arc<tokio_rustls::rustls::ClientConfig>, String)>,
    /// go-plugin's `AutoMTLS`: a certificate for each launch, exchanged with the plugin's
    /// (`PLUGIN_CLIENT_CERT` and the handshake line), both verified. Replaces
    /// [`tls`](Self::tls), as in go-plugin. Not for reattached plugins.
    pub auto_mtls: bool,
    /// The TCP port range a plugin may listen on (`PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT`;
    /// default 10000–25000).
    pub min_port: u16,
    /// See [`min_port`](Self::min_port).
    pub max_port: u16,
    /// How long to wait for the handshake line (default [`DEFAULT_START_TIMEOUT`]).
    pub start_timeout: Duration,
    /// Protocols allowed (default and only supported: `netrpc`).
    pub allowed_protocols: Vec<String>,
    /// Where the plugin's Unix socket goes: a fresh directory inside this one (default: the
    /// system's temporary directory). The plugin gets it as `TMPDIR` (go-plugin 1.0 creates
    /// its socket there) and `PLUGIN_UNIX_SOCKET_DIR` (later go-plugin); `kill` removes it.
    pub socket_dir: Option<PathBuf>,
    pub(crate) stderr: Option<OutputSink>,
    pub(crate) sync_stdout: Option<OutputSink>,
    pub(crate) sync_stderr: Option<OutputSink>,
    /// The yamux session's settings.
    pub mux: MuxConfig,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("handshake", &self.handshake)
            .field("versioned_plugins", &self.versioned_plugins)
            .field("reattach", &self.reattach)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    fn empty() -> ClientConfig {
        ClientConfig {
            handshake: HandshakeConfig::default(),
            versioned_plugins: BTreeMap::new(),
            program: None,
            args: Vec::new(),
            env: Vec::new(),
            inherit_env: true,
            stdin: Stdin::default(),
            reattach: None,
            secure_config: None,
            tls: None,
            auto_mtls: false,
            min_port: 10000,
            max_port: 25000,
            start_timeout: DEFAULT_START_TIMEOUT,
            allowed_protocols: vec![PROTOCOL_NETRPC.to_string()],
            socket_dir: None,
            stderr: None,
            sync_stdout: None,
            sync_stderr: None,
            mux: MuxConfig::default(),
        }
    }

    /// Launch `program` (go-plugin's `Cmd`).
    pub fn command(program: impl Into<PathBuf>) -> ClientConfig {
        ClientConfig {
            program: Some(program.into()),
            ..Self::empty()
        }
    }

    /// Connect to a running plugin (go-plugin's `Reattach`).
    pub fn reattach(reattach: ReattachConfig) -> ClientConfig {
        ClientConfig {
            reattach: Some(reattach),
            ..Self::empty()
        }
    }

    /// Command-line arguments for the plugin.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// An environment variable for the plugin.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Whether the plugin inherits the host's environment (default: yes).
    pub fn inherit_env(mut self, yes: bool) -> Self {
        self.inherit_env = yes;
        self
    }

    /// The handshake.
    pub fn handshake(mut self, h: HandshakeConfig) -> Self {
        self.handshake = h;
        self
    }

    /// The plugin names of `handshake.protocol_version` (go-plugin's `Plugins`). Set the
    /// handshake first.
    pub fn plugins<I, S>(self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let v = self.handshake.protocol_version;
        self.versioned_plugins(v, names)
    }

    /// The plugin names of protocol version `version` (go-plugin's `VersionedPlugins`).
    pub fn versioned_plugins<I, S>(mut self, version: u32, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.versioned_plugins
            .entry(version)
            .or_default()
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// Where the plugin's stdin comes from (default: the host's).
    pub fn stdin(mut self, stdin: Stdin) -> Self {
        self.stdin = stdin;
        self
    }

    /// The start timeout (default one minute).
    pub fn start_timeout(mut self, t: Duration) -> Self {
        self.start_timeout = t;
        self
    }

    /// Check the binary's SHA-256 before launching it.
    pub fn secure_config(mut self, s: SecureConfig) -> Self {
        self.secure_config = Some(s);
        self
    }

    /// Connect with this rustls configuration, checking `server_name`.
    pub fn tls(
        mut self,
        config: Arc<tokio_rustls::rustls::ClientConfig>,
        server_name: impl Into<String>,
    ) -> Self {
        self.tls = Some((config, server_name.into()));
        self
    }

    /// Whether to set up mutual TLS with a certificate made for this launch (go-plugin's
    /// `AutoMTLS`; the plugin must be built with a go-plugin that supports it, 1.0 or later).
    pub fn auto_mtls(mut self, yes: bool) -> Self {
        self.auto_mtls = yes;
        self
    }

    /// The plugin's raw stderr, line by line (go-plugin's `Stderr`). Also logged through
    /// `tracing` either way. Writes should not block for long.
    pub fn stderr(mut self, sink: impl Write + Send + 'static) -> Self {
        self.stderr = Some(Box::new(sink));
        self
    }

    /// What the plugin writes to its `os.Stdout` after the handshake (go-plugin's
    /// `SyncStdout`); discarded by default.
    pub fn sync_stdout(mut self, sink: impl Write + Send + 'static) -> Self {
        self.sync_stdout = Some(Box::new(sink));
        self
    }

    /// What the plugin writes to its `os.Stderr` after the handshake (go-plugin's
    /// `SyncStderr`); discarded by default.
    pub fn sync_stderr(mut self, sink: impl Write + Send + 'static) -> Self {
        self.sync_stderr = Some(Box::new(sink));
        self
    }

    /// The versions offered in `PLUGIN_PROTOCOL_VERSIONS`, with their plugin sets.
    pub(crate) fn versions(&self) -> BTreeMap<u32, BTreeSet<String>> {
        self.versioned_plugins.clone()
    }
}
