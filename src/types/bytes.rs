//! [`Bytes`]: Go's `[]byte` that can share the receive buffer instead of being copied.

use crate::schema::{GoKind, GobType, TypeBuilder, TypeRef};
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use std::cell::Cell;
use std::fmt;
use std::ops::Deref;

/// Go's `[]byte`, held as a [`bytes::Bytes`].
///
/// It encodes and decodes exactly like `Vec<u8>` or [`serde_bytes::ByteBuf`]. The difference
/// is on the receiving side: when the client reads a large reply (or you call
/// [`DecoderState::decode_shared`](crate::DecoderState::decode_shared)), a `Bytes` of 1 KiB
/// or more is a view into the buffer the message arrived in: no copy, and no second
/// allocation of the payload's size. A 64 MiB `[]byte` reply then costs 64 MiB of memory,
/// not 128. Like any `bytes::Bytes` slice, it keeps that buffer alive until it is dropped.
///
/// ```
/// use gobrpc::types::Bytes;
///
/// let stream = gobrpc::to_vec(&Bytes::from(vec![7u8; 4096]))?;
/// // Zero-copy: the value shares `stream`'s memory.
/// let shared = bytes::Bytes::from(stream);
/// let (v, _) = gobrpc::DecoderState::new()
///     .decode_shared::<Bytes>(&shared)?
///     .expect("a whole value");
/// assert_eq!(&v[..], &[7u8; 4096][..]);
/// assert!(shared.as_ptr_range().contains(&v.as_ptr()));
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub bytes::Bytes);

impl Bytes {
    /// The underlying [`bytes::Bytes`].
    pub fn into_inner(self) -> bytes::Bytes {
        self.0
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<bytes::Bytes> for Bytes {
    fn from(b: bytes::Bytes) -> Self {
        Bytes(b)
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(v.into())
    }
}

impl From<&'static [u8]> for Bytes {
    fn from(s: &'static [u8]) -> Self {
        Bytes(bytes::Bytes::from_static(s))
    }
}

impl From<Bytes> for bytes::Bytes {
    fn from(b: Bytes) -> Self {
        b.0
    }
}

impl GobType for Bytes {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.unnamed::<Bytes>(|_| GoKind::Bytes)
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

/// The newtype-struct name `Bytes` asks the deserializer for. The gob decoder answers it
/// with a shared slice when it has the message's buffer; other deserializers see an
/// ordinary newtype and give bytes.
pub(crate) const SHARED_MARKER: &str = "\0gobrpc::Bytes";

/// Payloads shorter than this are copied even when they could be shared: a copy is cheaper
/// than the reference count, and a small value should not keep a large buffer alive.
pub(crate) const SHARE_MIN: usize = 1024;

thread_local! {
    /// The slice the gob decoder hands to `Bytes`'s visitor. serde's `Visitor` has no way to
    /// pass a `bytes::Bytes`, so the decoder leaves it here and calls `visit_unit`, which
    /// takes it back at once, on the same thread, within the same call.
    static HANDOFF: Cell<Option<bytes::Bytes>> = const { Cell::new(None) };
}

/// Hands `shared` to the `Bytes` visitor that `visit` calls.
pub(crate) fn visit_shared<'de, V: Visitor<'de>, E: de::Error>(
    visitor: V,
    shared: bytes::Bytes,
) -> Result<V::Value, E> {
    HANDOFF.with(|h| h.set(Some(shared)));
    let r = visitor.visit_unit();
    // Not ours after all (a foreign visitor): leave nothing behind.
    HANDOFF.with(|h| h.take());
    r
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a byte string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Bytes, E> {
        match HANDOFF.with(|h| h.take()) {
            Some(b) => Ok(Bytes(b)),
            None => Err(E::invalid_type(de::Unexpected::Unit, &self)),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Bytes, D::Error> {
        d.deserialize_byte_buf(self)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
        Ok(Bytes(bytes::Bytes::copy_from_slice(v)))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
        Ok(Bytes(v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
        self.visit_bytes(v.as_bytes())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(Bytes(out.into()))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(SHARED_MARKER, BytesVisitor)
    }
}
