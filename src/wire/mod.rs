//! The gob wire layer, free of serde: scalar encodings, message framing and the type
//! definitions (`wireType`) a stream carries.

mod input;
mod scalar;
mod types;

pub use input::Input;
pub(crate) use scalar::put_uint_back;
pub use scalar::{
    int_to_uint, put_bytes, put_float, put_int, put_uint, uint_len, uint_to_float, uint_to_int,
};
pub use types::{Builtin, CommonType, FieldType, MarshalerKind, TypeId, WireType};
