//! gobrpc: Go's `encoding/gob` codec and `net/rpc` protocol for Rust.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The derive's generated code names `::gobrpc`; let it resolve inside this crate too.
extern crate self as gobrpc;

mod de;
mod error;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod schema;
pub mod types;
mod ser;
pub mod value;
pub mod wire;

pub use de::{from_slice, Decoder, DecoderState, Limits};
pub use error::{Category, Error, Result};
pub use schema::{GobType, TypeBuilder};
pub use ser::{to_vec, Encoder, EncoderState};
pub use value::{TypedValue, Value};

#[cfg(feature = "derive")]
pub use gobrpc_derive::GobType;

#[doc(hidden)]
pub use serde as __serde;
