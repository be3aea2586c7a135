//! net/rpc's headers as the server sees them: it decodes `rpc.Request` and encodes
//! `rpc.Response`.

use serde::{Deserialize, Serialize};

/// `rpc.Request`, decoded.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RequestHeader {
    #[serde(rename = "ServiceMethod")]
    pub service_method: String,
    #[serde(rename = "Seq")]
    pub seq: u64,
}

/// `rpc.Response`, as Go's server writes it (field order and names are Go's, so the type
/// definition is byte for byte Go's).
#[derive(Debug, Serialize, crate::GobType)]
#[gob(name = "rpc.Response")]
pub(crate) struct ResponseHeader<'a> {
    #[serde(rename = "ServiceMethod")]
    pub service_method: &'a str,
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "Error")]
    pub error: &'a str,
}
