//! Go types that gob sends through their own marshalers, and a macro for your own.
//!
//! - [`GoTime`]: `time.Time` (`GobEncoder`), with conversions to `chrono` and `time` behind
//!   the features of the same names;
//! - [`BigInt`]: `math/big.Int` (`GobEncoder`, pointer receiver);
//! - [`go_marshaler!`](crate::go_marshaler): an opaque payload type for any other Go type with
//!   a `GobEncoder` or `BinaryMarshaler`, kept as bytes and re-encoded as it came.
//!
//! [`Complex`] is Go's `complex128` (gob has no other way to say it in Rust); [`Bytes`] is
//! Go's `[]byte` decoded without a copy where the decoder can share its buffer.

mod big;
mod bytes;
mod time;
mod time_text;

pub use self::big::BigInt;
pub use self::bytes::Bytes;
pub(crate) use self::bytes::{visit_shared, SHARED_MARKER, SHARE_MIN};
pub use self::time::GoTime;

use crate::schema::{GoKind, GobType, TypeBuilder, TypeRef};
use serde::{Deserialize, Serialize};

/// Go's `complex128` (and `complex64`): real and imaginary parts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Complex(pub f64, pub f64);

impl GobType for Complex {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.complex("complex128")
    }
}

/// Declares a newtype over `Vec<u8>` holding the opaque marshaled payload of a Go type that
/// gob sends through `GobEncode` (`gob`) or `MarshalBinary` (`binary`).
///
/// ```
/// gobrpc::go_marshaler! {
///     /// Go's `netip.Addr` (BinaryMarshaler).
///     pub struct Addr = "netip.Addr", binary;
/// }
/// let a = Addr(vec![1, 2, 3, 4]);
/// let bytes = gobrpc::to_vec(&a)?;
/// assert_eq!(gobrpc::from_slice::<Addr>(&bytes)?, a);
/// # Ok::<(), gobrpc::Error>(())
/// ```
///
/// The Go type string (`"netip.Addr"`) gives the definition's name (`"Addr"`). A field of
/// such a type is omitted from a struct when its payload is empty.
#[macro_export]
macro_rules! go_marshaler {
    ($(#[$m:meta])* $vis:vis struct $name:ident = $go:literal, $kind:ident;) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        $vis struct $name(pub ::std::vec::Vec<u8>);

        impl $crate::GobType for $name {
            fn build(b: &mut $crate::TypeBuilder) -> $crate::schema::TypeRef {
                $crate::types::__marshaler::<$name>(b, $go, $crate::go_marshaler!(@kind $kind))
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::types::__payload(d, $crate::go_marshaler!(@kind $kind)).map($name)
            }
        }
    };
    (@kind gob) => { $crate::wire::MarshalerKind::Gob };
    (@kind binary) => { $crate::wire::MarshalerKind::Binary };
}

#[doc(hidden)]
pub fn __marshaler<T: 'static>(
    b: &mut TypeBuilder,
    go: &'static str,
    kind: crate::wire::MarshalerKind,
) -> TypeRef {
    let name = go.rsplit('.').next().unwrap_or(go);
    b.named::<T>(name, go, |_| GoKind::Marshaler {
        kind,
        ptr_receiver: false,
        zero_payload: Some(&[]),
    })
}

/// Serializes a marshaled Go type: its payload for binary formats (gob), its text for
/// human-readable ones (JSON).
pub(crate) fn serialize_marshaled<S: serde::Serializer>(
    s: S,
    text: &dyn std::fmt::Display,
    payload: impl FnOnce() -> Vec<u8>,
) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        s.collect_str(text)
    } else {
        s.serialize_bytes(&payload())
    }
}

/// The newtype-struct name a marshaled type's `Deserialize` asks for, so that the gob
/// decoder can check the wire type uses the same marshaler (Go's rule: a `GobEncoder`
/// payload only into a `GobDecoder`, a `BinaryMarshaler` one only into a
/// `BinaryUnmarshaler`). Other deserializers see an ordinary newtype.
pub(crate) fn marshaler_marker(kind: crate::wire::MarshalerKind) -> &'static str {
    match kind {
        crate::wire::MarshalerKind::Gob => "\0gobrpc::GobEncoder",
        crate::wire::MarshalerKind::Binary => "\0gobrpc::BinaryMarshaler",
        crate::wire::MarshalerKind::Text => "\0gobrpc::TextMarshaler",
    }
}

/// Which marshaler a [`marshaler_marker`] name stands for.
pub(crate) fn marshaler_of_marker(name: &str) -> Option<crate::wire::MarshalerKind> {
    use crate::wire::MarshalerKind::*;
    [Gob, Binary, Text]
        .into_iter()
        .find(|&k| marshaler_marker(k) == name)
}

/// Deserializes the payload of a marshaled Go type of the given kind.
pub(crate) fn deserialize_payload<'de, D, V>(
    d: D,
    kind: crate::wire::MarshalerKind,
    visitor: V,
) -> Result<V::Value, D::Error>
where
    D: serde::Deserializer<'de>,
    V: serde::de::Visitor<'de>,
{
    struct Newtype<V>(V);
    impl<'de, V: serde::de::Visitor<'de>> serde::de::Visitor<'de> for Newtype<V> {
        type Value = V::Value;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.expecting(f)
        }
        fn visit_newtype_struct<D: serde::Deserializer<'de>>(
            self,
            d: D,
        ) -> Result<V::Value, D::Error> {
            d.deserialize_bytes(self.0)
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
            self.0.visit_bytes(v)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
            self.0.visit_seq(seq)
        }
    }
    d.deserialize_newtype_struct(marshaler_marker(kind), Newtype(visitor))
}

#[doc(hidden)]
pub fn __payload<'de, D: serde::Deserializer<'de>>(
    d: D,
    kind: crate::wire::MarshalerKind,
) -> Result<Vec<u8>, D::Error> {
    struct Bytes;
    impl<'de> serde::de::Visitor<'de> for Bytes {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a marshaled Go payload")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
    deserialize_payload(d, kind, Bytes)
}
