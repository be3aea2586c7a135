//! The serde `Serializer`, directed by the value's described Go type.
//!
//! serde shows the value; the [`TypeBuilder`](crate::schema::TypeBuilder) entry says what Go
//! type it has. Each `serialize_*` call checks the two agree and writes Go's encoding. The
//! `Ok` value reports whether what was written is Go's zero value for a struct field, so the
//! struct serializer can take the field back out (Go omits zero fields).

use super::kinds::{describe, K};
use super::Session;
use crate::error::{Error, Result};
use crate::schema::TypeRef;
use crate::wire::{put_bytes, put_float, put_int, put_uint};
use serde::ser::{self, Serialize};

/// Where a value sits: Go sends zero values everywhere except as struct fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Field,
    Elem,
}

#[inline]
fn kind_of(s: &Session<'_>, ty: TypeRef) -> Result<K> {
    match s.st.kinds.get(ty) {
        Some((K::Invalid, _)) | None => describe(&s.st.types, ty),
        Some((k, _)) => Ok(k),
    }
}

/// Encodes `value` as a top-level value of type `ty` (also used for an interface's concrete
/// value): a struct as itself, anything else as a "singleton" after a `00` delta.
#[inline]
pub(super) fn encode_top<T: Serialize + ?Sized>(
    s: &mut Session<'_>,
    value: &T,
    ty: TypeRef,
) -> Result<()> {
    let base = s.st.kinds.base(&s.st.types, ty);
    if !matches!(kind_of(s, base)?, K::Struct) {
        s.buf().push(0);
    }
    value.serialize(ValueSer {
        s,
        ty,
        ctx: Ctx::Top,
    })?;
    Ok(())
}

struct ValueSer<'a, 'e> {
    s: &'a mut Session<'e>,
    ty: TypeRef,
    ctx: Ctx,
}

impl<'a, 'e> ValueSer<'a, 'e> {
    /// The kind after following pointers (a non-`Option` Rust value behind a Go pointer).
    fn base_kind(&self) -> Result<K> {
        match self.s.st.kinds.get(self.ty) {
            Some((_, K::Invalid)) | None => {
                describe(&self.s.st.types, self.s.st.types.base(self.ty))
            }
            Some((_, k)) => Ok(k),
        }
    }

    /// A `Value` / `TypedValue` (Go's `interface{}`), handed over by its `Serialize`.
    fn embedded_value(self) -> Result<bool> {
        let tv = crate::value::take_for_encoding()
            .ok_or_else(|| Error::encode("gob: a Value newtype without its value"))?;
        if !matches!(self.base_kind()?, K::Interface) {
            return Err(self.mismatch("Value (Go interface{})"));
        }
        if tv.value == crate::Value::Interface(None) {
            return ser::Serializer::serialize_none(self);
        }
        crate::value::encode_embedded(self.s, &tv)?;
        Ok(false)
    }

    fn mismatch(&self, rust: &str) -> Error {
        let t = self.s.st.types.get(self.s.st.types.base(self.ty));
        Error::encode(format!(
            "gob: cannot encode a Rust {rust} as Go type {}",
            t.string
        ))
    }

    fn int(self, v: i64, what: &str) -> Result<bool> {
        match self.base_kind()? {
            K::Int => put_int(self.s.buf(), v),
            K::Uint if v >= 0 => put_uint(self.s.buf(), v as u64),
            K::Uint => {
                return Err(Error::encode(format!(
                    "gob: negative value {v} for an unsigned Go field"
                )))
            }
            _ => return Err(self.mismatch(what)),
        }
        Ok(v == 0)
    }

    fn uint(self, v: u64, what: &str) -> Result<bool> {
        match self.base_kind()? {
            K::Uint => put_uint(self.s.buf(), v),
            K::Int if v <= i64::MAX as u64 => put_int(self.s.buf(), v as i64),
            K::Int => {
                return Err(Error::encode(format!(
                    "gob: value {v} overflows a signed Go field"
                )))
            }
            _ => return Err(self.mismatch(what)),
        }
        Ok(v == 0)
    }

    fn seq(self, len: Option<usize>) -> Result<SeqSer<'a, 'e>> {
        let (elem, fixed) = match self.base_kind()? {
            K::Slice(e) => (Some(e), None),
            K::Array(e, n) => (Some(e), Some(n)),
            K::Bytes => (None, None),
            _ => return Err(self.mismatch("sequence")),
        };
        if let (Some(want), Some(got)) = (fixed, len) {
            if want != got {
                return Err(Error::encode(format!(
                    "gob: array of length {want} given {got} elements"
                )));
            }
        }
        let count_at = match len {
            Some(n) => {
                put_uint(self.s.buf(), n as u64);
                None
            }
            None => Some(self.s.buf().len()),
        };
        Ok(SeqSer {
            s: self.s,
            elem,
            fixed,
            count_at,
            n: 0,
        })
    }
}

impl<'a, 'e> ser::Serializer for ValueSer<'a, 'e> {
    type Ok = bool;
    type Error = Error;
    type SerializeSeq = SeqSer<'a, 'e>;
    type SerializeTuple = TupleSer<'a, 'e>;
    type SerializeTupleStruct = TupleSer<'a, 'e>;
    type SerializeTupleVariant = ser::Impossible<bool, Error>;
    type SerializeMap = MapSer<'a, 'e>;
    type SerializeStruct = StructSer<'a, 'e>;
    type SerializeStructVariant = ser::Impossible<bool, Error>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<bool> {
        match self.base_kind()? {
            K::Bool => self.s.buf().push(v as u8),
            _ => return Err(self.mismatch("bool")),
        }
        Ok(!v)
    }

    fn serialize_i8(self, v: i8) -> Result<bool> {
        self.int(v as i64, "i8")
    }
    fn serialize_i16(self, v: i16) -> Result<bool> {
        self.int(v as i64, "i16")
    }
    fn serialize_i32(self, v: i32) -> Result<bool> {
        self.int(v as i64, "i32")
    }
    fn serialize_i64(self, v: i64) -> Result<bool> {
        self.int(v, "i64")
    }
    fn serialize_i128(self, v: i128) -> Result<bool> {
        match i64::try_from(v) {
            Ok(v) => self.int(v, "i128"),
            Err(_) => match u64::try_from(v) {
                Ok(v) => self.uint(v, "i128"),
                Err(_) => Err(Error::encode("gob: i128 value out of range for Go")),
            },
        }
    }
    fn serialize_u8(self, v: u8) -> Result<bool> {
        self.uint(v as u64, "u8")
    }
    fn serialize_u16(self, v: u16) -> Result<bool> {
        self.uint(v as u64, "u16")
    }
    fn serialize_u32(self, v: u32) -> Result<bool> {
        self.uint(v as u64, "u32")
    }
    fn serialize_u64(self, v: u64) -> Result<bool> {
        self.uint(v, "u64")
    }
    fn serialize_u128(self, v: u128) -> Result<bool> {
        match u64::try_from(v) {
            Ok(v) => self.uint(v, "u128"),
            Err(_) => Err(Error::encode("gob: u128 value out of range for Go")),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<bool> {
        self.serialize_f64(v as f64)
    }

    fn serialize_f64(self, v: f64) -> Result<bool> {
        match self.base_kind()? {
            K::Float => put_float(self.s.buf(), v),
            _ => return Err(self.mismatch("float")),
        }
        Ok(v == 0.0)
    }

    fn serialize_char(self, v: char) -> Result<bool> {
        match self.base_kind()? {
            K::String => {
                let mut b = [0u8; 4];
                self.serialize_str(v.encode_utf8(&mut b))
            }
            _ => self.int(v as i64, "char"),
        }
    }

    fn serialize_str(self, v: &str) -> Result<bool> {
        match self.base_kind()? {
            K::String | K::Bytes => put_bytes(self.s.buf(), v.as_bytes()),
            _ => return Err(self.mismatch("string")),
        }
        Ok(v.is_empty())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<bool> {
        match self.base_kind()? {
            K::Bytes | K::String => {
                put_bytes(self.s.buf(), v);
                Ok(v.is_empty())
            }
            K::Marshaler(zero) => {
                put_bytes(self.s.buf(), v);
                Ok(zero == Some(v))
            }
            K::Slice(_) | K::Array(..) => {
                let mut seq = self.seq(Some(v.len()))?;
                for b in v {
                    ser::SerializeSeq::serialize_element(&mut seq, b)?;
                }
                ser::SerializeSeq::end(seq)
            }
            _ => Err(self.mismatch("byte string")),
        }
    }

    fn serialize_none(self) -> Result<bool> {
        match (self.ctx, self.base_kind()?) {
            (Ctx::Field, _) => Ok(true),
            (_, K::Interface) => {
                self.s.buf().push(0);
                Ok(true)
            }
            (Ctx::Top, _) => Err(Error::encode("gob: cannot encode nil pointer")),
            (Ctx::Elem, _) => Err(Error::encode("gob: encodeArray: nil element")),
        }
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<bool> {
        let inner = match kind_of(self.s, self.ty)? {
            K::Ptr(t) => t,
            _ => self.ty,
        };
        value.serialize(ValueSer {
            s: self.s,
            ty: inner,
            ctx: self.ctx,
        })
    }

    fn serialize_unit(self) -> Result<bool> {
        match self.base_kind()? {
            K::Struct => {
                // `()` is `struct{}`: just the terminator.
                self.s.buf().push(0);
                Ok(false)
            }
            K::Interface => self.serialize_none(),
            _ => Err(self.mismatch("unit")),
        }
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<bool> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<bool> {
        match self.base_kind()? {
            // A unit variant in an interface position is the nil interface.
            K::Interface => self.serialize_none(),
            K::Int | K::Uint => self.uint(index as u64, "enum"),
            K::String => self.serialize_str(variant),
            _ => Err(self.mismatch("unit variant")),
        }
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<bool> {
        if name == crate::value::VALUE_MARKER {
            return self.embedded_value();
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<bool> {
        match self.base_kind()? {
            K::Interface => {
                let concrete = self.s.st.types.concrete(variant).ok_or_else(|| {
                    Error::encode(format!("gob: type not registered for interface: {variant}"))
                })?;
                self.s.encode_interface(variant, concrete, value)?;
                Ok(false)
            }
            _ => Err(self.mismatch("enum variant")),
        }
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'a, 'e>> {
        self.seq(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<TupleSer<'a, 'e>> {
        match self.base_kind()? {
            K::Complex if len == 2 => Ok(TupleSer::Complex {
                s: self.s,
                zero: true,
            }),
            _ => Ok(TupleSer::Seq(self.seq(Some(len))?)),
        }
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<TupleSer<'a, 'e>> {
        self.serialize_tuple(len)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Error::encode(format!(
            "gob: cannot encode tuple variant {name}::{variant}; use a newtype variant"
        )))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapSer<'a, 'e>> {
        let (k, v) = match self.base_kind()? {
            K::Map(k, v) => (k, v),
            _ => return Err(self.mismatch("map")),
        };
        let count_at = match len {
            Some(n) => {
                put_uint(self.s.buf(), n as u64);
                None
            }
            None => Some(self.s.buf().len()),
        };
        Ok(MapSer {
            s: self.s,
            k,
            v,
            count_at,
            n: 0,
        })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<StructSer<'a, 'e>> {
        let base = self.s.st.kinds.base(&self.s.st.types, self.ty);
        match self.base_kind()? {
            K::Struct => Ok(StructSer {
                s: self.s,
                ty: base,
                last: -1,
                cursor: 0,
            }),
            _ => Err(self.mismatch("struct")),
        }
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Error::encode(format!(
            "gob: cannot encode struct variant {name}::{variant}; use a newtype variant"
        )))
    }
}

/// Writes a count that was not known up front in front of what followed it.
fn insert_count(buf: &mut Vec<u8>, at: usize, n: usize) {
    let mut count = Vec::with_capacity(9);
    put_uint(&mut count, n as u64);
    buf.splice(at..at, count);
}

pub(super) struct SeqSer<'a, 'e> {
    s: &'a mut Session<'e>,
    /// `None` for `[]byte`, whose elements are raw bytes.
    elem: Option<TypeRef>,
    fixed: Option<usize>,
    count_at: Option<usize>,
    n: usize,
}

impl ser::SerializeSeq for SeqSer<'_, '_> {
    type Ok = bool;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.n += 1;
        match self.elem {
            Some(ty) => {
                value.serialize(ValueSer {
                    s: self.s,
                    ty,
                    ctx: Ctx::Elem,
                })?;
            }
            None => {
                let b = value.serialize(ByteSer)?;
                self.s.buf().push(b);
            }
        }
        Ok(())
    }

    fn end(self) -> Result<bool> {
        if let Some(at) = self.count_at {
            if let Some(want) = self.fixed {
                if want != self.n {
                    return Err(Error::encode(format!(
                        "gob: array of length {want} given {} elements",
                        self.n
                    )));
                }
            }
            insert_count(self.s.buf(), at, self.n);
        }
        Ok(self.fixed.is_none() && self.n == 0)
    }
}

pub(super) enum TupleSer<'a, 'e> {
    Seq(SeqSer<'a, 'e>),
    Complex { s: &'a mut Session<'e>, zero: bool },
}

impl ser::SerializeTupleStruct for TupleSer<'_, '_> {
    type Ok = bool;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeTuple::serialize_element(self, value)
    }

    fn end(self) -> Result<bool> {
        ser::SerializeTuple::end(self)
    }
}

impl ser::SerializeTuple for TupleSer<'_, '_> {
    type Ok = bool;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        match self {
            TupleSer::Seq(seq) => ser::SerializeSeq::serialize_element(seq, value),
            TupleSer::Complex { s, zero } => {
                let f = value.serialize(FloatSer)?;
                put_float(s.buf(), f);
                *zero &= f == 0.0;
                Ok(())
            }
        }
    }

    fn end(self) -> Result<bool> {
        match self {
            TupleSer::Seq(seq) => ser::SerializeSeq::end(seq),
            TupleSer::Complex { zero, .. } => Ok(zero),
        }
    }
}

pub(super) struct MapSer<'a, 'e> {
    s: &'a mut Session<'e>,
    k: TypeRef,
    v: TypeRef,
    count_at: Option<usize>,
    n: usize,
}

impl ser::SerializeMap for MapSer<'_, '_> {
    type Ok = bool;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.n += 1;
        key.serialize(ValueSer {
            s: self.s,
            ty: self.k,
            ctx: Ctx::Elem,
        })?;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(ValueSer {
            s: self.s,
            ty: self.v,
            ctx: Ctx::Elem,
        })?;
        Ok(())
    }

    fn end(self) -> Result<bool> {
        if let Some(at) = self.count_at {
            insert_count(self.s.buf(), at, self.n);
        }
        // A Rust map is never Go's nil map: an empty one is still sent.
        Ok(false)
    }
}

pub(super) struct StructSer<'a, 'e> {
    s: &'a mut Session<'e>,
    ty: TypeRef,
    last: i64,
    cursor: usize,
}

impl ser::SerializeStruct for StructSer<'_, '_> {
    type Ok = bool;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let Some((idx, ty)) = self
            .s
            .st
            .kinds
            .field(&self.s.st.types, self.ty, self.cursor, key)
        else {
            let t = self.s.st.types.get(self.ty);
            return Err(Error::encode(format!(
                "gob: field {key} is not part of Go type {}",
                t.string
            )));
        };
        if idx as i64 <= self.last {
            return Err(Error::encode(format!(
                "gob: field {key} serialized out of declaration order"
            )));
        }
        let pos = self.s.buf().len();
        let flushes = self.s.flushes;
        put_uint(self.s.buf(), (idx as i64 - self.last) as u64);
        let zero = value.serialize(ValueSer {
            s: self.s,
            ty,
            ctx: Ctx::Field,
        })?;
        if zero && self.s.flushes == flushes {
            self.s.buf().truncate(pos);
        } else {
            self.last = idx as i64;
        }
        self.cursor = idx + 1;
        Ok(())
    }

    fn end(self) -> Result<bool> {
        self.s.buf().push(0);
        Ok(false)
    }
}

/// Accepts one byte of a `[]byte` written element by element.
struct ByteSer;

/// Accepts one float of a complex number.
struct FloatSer;

macro_rules! only {
    ($ser:ident, $ok:ty, $what:literal, { $($body:tt)* }) => {
        impl ser::Serializer for $ser {
            type Ok = $ok;
            type Error = Error;
            type SerializeSeq = ser::Impossible<$ok, Error>;
            type SerializeTuple = ser::Impossible<$ok, Error>;
            type SerializeTupleStruct = ser::Impossible<$ok, Error>;
            type SerializeTupleVariant = ser::Impossible<$ok, Error>;
            type SerializeMap = ser::Impossible<$ok, Error>;
            type SerializeStruct = ser::Impossible<$ok, Error>;
            type SerializeStructVariant = ser::Impossible<$ok, Error>;

            $($body)*

            fn serialize_bool(self, _: bool) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_i8(self, v: i8) -> Result<$ok> { self.serialize_i64(v as i64) }
            fn serialize_i16(self, v: i16) -> Result<$ok> { self.serialize_i64(v as i64) }
            fn serialize_i32(self, v: i32) -> Result<$ok> { self.serialize_i64(v as i64) }
            fn serialize_u16(self, v: u16) -> Result<$ok> { self.serialize_u64(v as u64) }
            fn serialize_u32(self, v: u32) -> Result<$ok> { self.serialize_u64(v as u64) }
            fn serialize_f32(self, v: f32) -> Result<$ok> { self.serialize_f64(v as f64) }
            fn serialize_char(self, _: char) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_str(self, _: &str) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_bytes(self, _: &[u8]) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_none(self) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<$ok> { v.serialize(self) }
            fn serialize_unit(self) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_unit_struct(self, _: &'static str) -> Result<$ok> { Err(Error::encode($what)) }
            fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<$ok> {
                Err(Error::encode($what))
            }
            fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<$ok> {
                v.serialize(self)
            }
            fn serialize_newtype_variant<T: Serialize + ?Sized>(
                self, _: &'static str, _: u32, _: &'static str, _: &T,
            ) -> Result<$ok> {
                Err(Error::encode($what))
            }
            fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> { Err(Error::encode($what)) }
            fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> { Err(Error::encode($what)) }
            fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
                Err(Error::encode($what))
            }
            fn serialize_tuple_variant(
                self, _: &'static str, _: u32, _: &'static str, _: usize,
            ) -> Result<Self::SerializeTupleVariant> {
                Err(Error::encode($what))
            }
            fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> { Err(Error::encode($what)) }
            fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
                Err(Error::encode($what))
            }
            fn serialize_struct_variant(
                self, _: &'static str, _: u32, _: &'static str, _: usize,
            ) -> Result<Self::SerializeStructVariant> {
                Err(Error::encode($what))
            }
        }
    };
}

only!(ByteSer, u8, "gob: []byte elements must be bytes", {
    fn serialize_u8(self, v: u8) -> Result<u8> {
        Ok(v)
    }
    fn serialize_i64(self, v: i64) -> Result<u8> {
        u8::try_from(v).map_err(|_| Error::encode("gob: []byte element out of range"))
    }
    fn serialize_u64(self, v: u64) -> Result<u8> {
        u8::try_from(v).map_err(|_| Error::encode("gob: []byte element out of range"))
    }
    fn serialize_f64(self, _: f64) -> Result<u8> {
        Err(Error::encode("gob: []byte elements must be bytes"))
    }
});

only!(FloatSer, f64, "gob: complex parts must be floats", {
    fn serialize_u8(self, v: u8) -> Result<f64> {
        Ok(v as f64)
    }
    fn serialize_i64(self, v: i64) -> Result<f64> {
        Ok(v as f64)
    }
    fn serialize_u64(self, v: u64) -> Result<f64> {
        Ok(v as f64)
    }
    fn serialize_f64(self, v: f64) -> Result<f64> {
        Ok(v)
    }
});
