//! The errors of the plugin host, in go-plugin's words.

use std::fmt;
use std::sync::Arc;

/// Why starting, connecting to, or calling a plugin failed.
///
/// The `Display` texts are go-plugin's where go-plugin has one (capitals and all, as a Go
/// user would grep for them).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is contradictory or incomplete ("Only one of Cmd or Reattach must
    /// be set", "only one of Reattach or SecureConfig can be set", "no checksum provided").
    Config(String),
    /// The binary's checksum is not the one expected ("checksums did not match").
    ChecksumMismatch,
    /// The plugin printed no handshake line within the start timeout ("timeout while
    /// waiting for plugin to start").
    StartTimeout,
    /// The plugin ended before its handshake line ("plugin exited before we could
    /// connect"); the end of what it wrote to stderr follows.
    ExitedBeforeHandshake {
        /// The last lines of the plugin's stderr (up to 16 KiB).
        stderr: String,
    },
    /// The handshake line could not be used: go-plugin's text ("Unrecognized remote plugin
    /// message: …", "Incompatible API version with plugin. …", "Unsupported plugin
    /// protocol …", …).
    Handshake(String),
    /// A reattach address answers nothing ("Reattachment process not found").
    ProcessNotFound,
    /// `dispense` named a plugin the negotiated set lacks ("unknown plugin type: NAME").
    UnknownPlugin(String),
    /// The broker failed: "timeout waiting for accept", "bad ack: 7 (expected 6)".
    Broker(String),
    /// TLS could not be set up (AutoMTLS certificate, the plugin's certificate, rustls).
    Tls(String),
    /// A call on the control connection (`Control.*`, `Dispenser.Dispense`) failed.
    Rpc(crate::rpc::Error),
    /// Starting the process, connecting, or a stream failed.
    Io(Arc<std::io::Error>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(s) | Error::Handshake(s) | Error::Broker(s) => f.write_str(s),
            Error::ChecksumMismatch => f.write_str("checksums did not match"),
            Error::StartTimeout => f.write_str("timeout while waiting for plugin to start"),
            Error::ExitedBeforeHandshake { stderr } if stderr.trim().is_empty() => {
                f.write_str("plugin exited before we could connect")
            }
            Error::ExitedBeforeHandshake { stderr } => write!(
                f,
                "plugin exited before we could connect; its stderr:\n{}",
                stderr.trim_end()
            ),
            Error::ProcessNotFound => f.write_str("Reattachment process not found"),
            Error::UnknownPlugin(name) => write!(f, "unknown plugin type: {name}"),
            Error::Tls(s) => write!(f, "tls: {s}"),
            Error::Rpc(e) => write!(f, "{e}"),
            Error::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Rpc(e) => Some(e),
            Error::Io(e) => Some(&**e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(Arc::new(e))
    }
}

impl From<crate::rpc::Error> for Error {
    fn from(e: crate::rpc::Error) -> Self {
        Error::Rpc(e)
    }
}

/// A `Result` whose error is a plugin [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// go-plugin's `plugin.BasicError`: an error as a plain message, for error values a plugin
/// puts in its replies (Go's `error` is an interface, and only registered types cross gob).
///
/// go-plugin does not register it; a plugin that sends one calls
/// `gob.Register(new(plugin.BasicError))`, which registers it as `*plugin.BasicError`. Name
/// that variant of the reply's interface enum so:
///
/// ```
/// use gobrpc::plugin::BasicError;
/// use gobrpc::GobType;
/// use serde::Deserialize;
///
/// /// The plugin's `error` values.
/// #[derive(Debug, Deserialize, GobType)]
/// #[gob(interface)]
/// enum GoError {
///     #[serde(rename = "*plugin.BasicError")]
///     Basic(BasicError),
/// }
///
/// #[gobrpc::go_names]
/// #[derive(Debug, Deserialize, GobType)]
/// struct Reply {
///     err: Option<GoError>, // Go: Err error (nil: None)
/// }
/// ```
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, crate::GobType,
)]
#[gob(name = "plugin.BasicError")]
pub struct BasicError {
    /// The error's text (Go's `Message`, what `Error()` returns).
    #[serde(rename = "Message")]
    pub message: String,
}

impl BasicError {
    /// A `BasicError` with `err`'s text (go-plugin's `NewBasicError`).
    pub fn new(err: impl fmt::Display) -> BasicError {
        BasicError {
            message: err.to_string(),
        }
    }
}

impl fmt::Display for BasicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BasicError {}
