//! net/rpc's headers as the server sees them: it decodes `rpc.Request` and encodes
//! `rpc.Response`.

use serde::{Deserialize, Serialize};

/// `rpc.Request`, decoded.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RequestHeader {
    #[serde(rename = "ServiceMethod")]
    pub service_method: Name,
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

/// The longest `ServiceMethod` held inline.
const INLINE: usize = 62;

/// A request's `ServiceMethod`: inline when short, as names are (no allocation per
/// request), else on the heap.
#[derive(Debug)]
pub(crate) enum Name {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(String),
}

impl Default for Name {
    fn default() -> Self {
        Name::Heap(String::new())
    }
}

impl Name {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Name::Inline { len, bytes } => &bytes[..*len as usize],
            Name::Heap(s) => s.as_bytes(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Copied from a `str` whole: always UTF-8.
            Name::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Name::Heap(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Name;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E>(self, v: &str) -> Result<Name, E> {
                if v.len() > INLINE {
                    return Ok(Name::Heap(v.to_string()));
                }
                let mut bytes = [0u8; INLINE];
                bytes[..v.len()].copy_from_slice(v.as_bytes());
                Ok(Name::Inline {
                    len: v.len() as u8,
                    bytes,
                })
            }

            fn visit_string<E>(self, v: String) -> Result<Name, E> {
                Ok(Name::Heap(v))
            }
        }
        d.deserialize_str(V)
    }
}
