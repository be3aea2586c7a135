//! A dynamic gob value: decode any stream with no Rust type, look inside, re-encode it.
//!
//! [`Value`] is to gob what `serde_json::Value` is to JSON. Gob is typed, so a decoded value
//! comes as a [`TypedValue`]: the [`Value`] plus the peer's type definitions it used
//! ([`TypeTable`]) and its type id. Encoding a `TypedValue` sends those same definitions
//! with the same ids and names, so a stream decoded into values and encoded again is
//! byte-identical (Go's map iteration order aside). A `Value` built by hand has no table; its
//! Go types are inferred from its shape (see [`TypedValue::infer`]).
//!
//! Both are serde types, with Go type `interface{}`: a field of a typed struct (Go's
//! `interface{}` field) or a whole reply (`client.call::<_, Value>`) receives exactly what
//! the dynamic decoder gives for that position. Encoding sends an interface: a
//! [`TypedValue`] with the definitions it came with (Go's bytes exactly), a [`Value`] with
//! types inferred. With other serde formats they map through serde's data model.
//!
//! ```
//! use gobrpc::{GobType, TypedValue, Value};
//! use serde::{Deserialize, Serialize};
//!
//! // Go: type Info struct { Name string; Extra interface{} }
//! #[gobrpc::go_names]
//! #[derive(Serialize, Deserialize, GobType, Debug)]
//! #[gob(name = "main.Info")]
//! struct Info<V> { name: String, extra: V }
//!
//! let nil = gobrpc::to_vec(&Info { name: "a".into(), extra: Value::Interface(None) })?;
//! let info: Info<Value> = gobrpc::from_slice(&nil)?;
//! assert_eq!(info.extra, Value::Interface(None));
//! let typed: Info<TypedValue> = gobrpc::from_slice(&nil)?;
//! assert_eq!(gobrpc::to_vec(&typed)?, nil);
//! # Ok::<(), gobrpc::Error>(())
//! ```

mod decode;
mod encode;
mod infer;
#[cfg(feature = "json")]
pub(crate) use infer::Definitions;
mod serde_impls;

use crate::error::Result;
use crate::wire::{TypeId, WireType};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) use decode::{decode_here, decode_top};
pub(crate) use encode::encode_embedded;
pub(crate) use serde_impls::{take_for_encoding, visit_decoded, VALUE_MARKER};

/// Any gob value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `bool`
    Bool(bool),
    /// any signed integer kind
    Int(i64),
    /// any unsigned integer kind
    Uint(u64),
    /// `float32` or `float64` (NaN payloads are kept bit for bit)
    Float(f64),
    /// `complex64` or `complex128`: real and imaginary parts
    Complex(f64, f64),
    /// `string`
    String(String),
    /// `[]byte`
    Bytes(Vec<u8>),
    /// `[N]T`
    Array(Vec<Value>),
    /// `[]T`
    Slice(Vec<Value>),
    /// `map[K]V`, in wire order
    Map(Vec<(Value, Value)>),
    /// a struct: the fields present on the wire (Go omits zero fields), in order
    Struct(Vec<(String, Value)>),
    /// an interface: `None` is nil
    Interface(Option<Box<Interface>>),
    /// the payload of a `GobEncoder` / `BinaryMarshaler` type (`time.Time`, `big.Int`, …)
    Opaque(Vec<u8>),
}

/// A non-nil interface value.
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    /// The name the concrete type was registered under in Go (`"main.Point"`, `"int"`).
    pub name: String,
    /// The concrete type's id in the enclosing [`TypeTable`], if known.
    pub ty: Option<TypeId>,
    /// The concrete value.
    pub value: Value,
}

/// The type definitions a [`TypedValue`] refers to, by the ids the sender used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeTable {
    pub(crate) types: HashMap<i32, Arc<WireType>>,
}

impl TypeTable {
    /// The definition of `id` (builtins have none).
    pub fn get(&self, id: TypeId) -> Option<&WireType> {
        self.types.get(&id.0).map(|t| &**t)
    }

    /// Adds or replaces a definition.
    pub fn insert(&mut self, id: TypeId, def: WireType) {
        self.types.insert(id.0, Arc::new(def));
    }

    /// The ids defined, in ascending order.
    pub fn ids(&self) -> Vec<TypeId> {
        let mut v: Vec<TypeId> = self.types.keys().map(|&i| TypeId(i)).collect();
        v.sort();
        v
    }
}

/// A [`Value`] with its Go type: what [`DecoderState::decode_value`](crate::DecoderState::decode_value)
/// returns and what [`EncoderState::encode_value`](crate::EncoderState::encode_value) sends.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedValue {
    /// The value.
    pub value: Value,
    /// Its type id (a builtin id or one defined in `types`).
    pub ty: TypeId,
    /// The definitions of every type the value and its interfaces use.
    pub types: TypeTable,
}

impl TypedValue {
    /// Gives a hand-built value Go types inferred from its shape: structs from their fields,
    /// slices, arrays and maps from their first element (an empty one holds `interface{}`),
    /// and interfaces from their concrete values.
    pub fn infer(value: Value) -> TypedValue {
        infer::infer(value)
    }

    /// Converts a typed Rust value into a `TypedValue` (through its gob encoding).
    pub fn from_typed<T: serde::Serialize + crate::GobType + ?Sized>(v: &T) -> Result<Self> {
        let bytes = crate::to_vec(v)?;
        let mut st = crate::DecoderState::new();
        match st.decode_value(&bytes)? {
            Some((tv, _)) => Ok(tv),
            None => Err(crate::Error::unexpected_eof()),
        }
    }

    /// Converts into a typed Rust value (through its gob encoding), with Go's rules for
    /// matching fields and checking ranges.
    pub fn to_typed<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        let mut out = Vec::new();
        crate::EncoderState::new().encode_value(self, &mut out)?;
        crate::from_slice(&out)
    }
}

impl Value {
    /// The field `name` of a struct value (absent fields are Go zero values: `None` here).
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(fields) => fields.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The integer, if this is a signed or unsigned integer that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Uint(u) => i64::try_from(u).ok(),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Looks through interfaces to the concrete value (nil gives `None`).
    pub fn concrete(&self) -> Option<&Value> {
        match self {
            Value::Interface(None) => None,
            Value::Interface(Some(i)) => i.value.concrete(),
            v => Some(v),
        }
    }
}
