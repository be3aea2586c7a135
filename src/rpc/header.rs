//! net/rpc's request and response headers, as Go declares them.

use serde::{Deserialize, Serialize};

/// `rpc.Request`: what precedes every call's arguments.
#[derive(Debug, Serialize, crate::GobType)]
#[gob(name = "rpc.Request")]
pub(crate) struct Request<'a> {
    #[serde(rename = "ServiceMethod")]
    pub service_method: &'a str,
    /// A gob *unsigned* integer: Go's server rejects a signed one and drops the connection.
    #[serde(rename = "Seq")]
    pub seq: u64,
}

/// `rpc.Response`: what precedes every reply body. The client ignores `ServiceMethod`, as
/// Go's does, so it is not even decoded.
#[derive(Debug, Deserialize)]
pub(crate) struct Response {
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "Error")]
    pub error: String,
}
