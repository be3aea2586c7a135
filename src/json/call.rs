//! The error of [`Client::call_json`](crate::rpc::Client::call_json).

use super::{RenderError, ValueError};
use std::fmt;

/// Why [`Client::call_json`](crate::rpc::Client::call_json) failed: the JSON argument does
/// not fit its declared type, the call failed (a server error carries Go's text verbatim),
/// or the reply cannot be rendered as JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CallError {
    /// The argument does not fit the declared type, or the type is unknown.
    Args(ValueError),
    /// The call itself failed: [`crate::rpc::Error::Server`] is the error the server's
    /// method returned.
    Call(crate::rpc::Error),
    /// The reply arrived but cannot be printed as JSON.
    Reply(RenderError),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Args(e) => write!(f, "argument: {e}"),
            CallError::Call(e) => e.fmt(f),
            CallError::Reply(e) => write!(f, "the reply cannot be printed: {e}"),
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Args(e) => Some(e),
            CallError::Call(e) => Some(e),
            CallError::Reply(e) => Some(e),
        }
    }
}
