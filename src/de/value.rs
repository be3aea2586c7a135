//! The serde `Deserializer`, driven by the wire type of each value.
//!
//! Gob is self-describing, so every request is answered from the peer's type: the Rust type
//! only chooses among compatible wire types (Go's `compatibleType` rules) and gets Go's
//! overflow check on integers. Struct fields are matched by name; wire fields the Rust type
//! lacks are skipped (an error in strict mode or for `#[serde(deny_unknown_fields)]`); Rust
//! fields absent from the wire get Go's zero value.

use super::access::{
    DynStructAccess, InterfaceAccess, MapAccess, Pending, Seen, SeqAccess, StructAccess,
};
use super::cursor::{Cursor, Resolved};
use crate::error::{Error, Result};
use crate::wire::{Builtin, MarshalerKind, TypeId, WireType};
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};
use std::sync::atomic::AtomicU8;
use std::sync::Arc;

/// Decodes a top-level value of type `id` into `T`.
pub(super) fn deserialize_top<'a, T: de::Deserialize<'a>>(
    c: &mut Cursor<'a, '_>,
    id: TypeId,
) -> Result<T> {
    T::deserialize(ValueDe::top(c, id, TOP)?)
}

/// One value of wire type `id`; `name` is the Rust field it goes to (for error messages).
pub(crate) struct ValueDe<'c, 'a, 'd> {
    pub(super) c: &'c mut Cursor<'a, 'd>,
    pub(super) id: TypeId,
    pub(super) name: &'static str,
}

fn wire_desc(r: &Resolved) -> String {
    match r {
        Resolved::Builtin(b) => b.go_name().to_string(),
        Resolved::Def(w) => w.describe(),
    }
}

impl<'c, 'a, 'd> ValueDe<'c, 'a, 'd> {
    /// A value that opens a message of its own (top level, or an interface's concrete
    /// value): past the `00` delta that precedes it unless it is a struct.
    #[inline]
    pub(super) fn top(c: &'c mut Cursor<'a, 'd>, id: TypeId, name: &'static str) -> Result<Self> {
        if !c.is_struct(id) {
            c.singleton_delta()?;
        }
        Ok(ValueDe { c, id, name })
    }

    fn wrong_type(&self, rust: &str) -> Error {
        let sent = self
            .c
            .resolve(self.id)
            .map(|r| wire_desc(&r))
            .unwrap_or_else(|_| self.id.to_string());
        self.c.locate(Error::type_mismatch(if self.name == TOP {
            // Go names the pointer it decodes into (`*string`), when the Go type is known.
            match &self.c.st.top_go_name {
                Some(go) => {
                    format!("gob: decoding into local type *{go}, received remote type {sent}")
                }
                None => {
                    format!("gob: decoding into local type {rust}, received remote type {sent}")
                }
            }
        } else {
            format!(
                "gob: wrong type ({rust}) for received field {}: the peer sent {sent}",
                self.name
            )
        }))
    }

    fn out_of_range(&self) -> Error {
        self.c.locate(Error::type_mismatch(format!(
            "gob: value for \"{}\" out of range",
            self.name
        )))
    }

    fn signed(&mut self, rust: &str) -> Result<i64> {
        if self.id != TypeId::INT {
            return Err(self.wrong_type(rust));
        }
        self.c.input.read_int()
    }

    fn unsigned(&mut self, rust: &str) -> Result<u64> {
        if self.id != TypeId::UINT {
            return Err(self.wrong_type(rust));
        }
        self.c.input.read_uint()
    }

    fn float(&mut self, rust: &str) -> Result<f64> {
        if self.id != TypeId::FLOAT {
            return Err(self.wrong_type(rust));
        }
        self.c.input.read_float()
    }

    fn string(&mut self) -> Result<&'a str> {
        if self.id != TypeId::STRING {
            return Err(self.wrong_type("string"));
        }
        let at = self.c.input.offset();
        self.c.input.read_str()?.ok_or_else(|| {
            Error::type_mismatch("gob: string is not valid UTF-8 (decode into bytes instead)")
                .at(at)
        })
    }

    fn def(&self) -> Result<Option<Arc<WireType>>> {
        Ok(match self.c.resolve(self.id)? {
            Resolved::Def(w) => Some(w),
            Resolved::Builtin(_) => None,
        })
    }

    /// Runs `f` one nesting level down.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.c.descend()?;
        let r = f(self);
        self.c.ascend();
        r
    }

    fn visit_plan<V: Visitor<'a>>(
        mut self,
        plan: Arc<StructPlan>,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.nested(|s| {
            visitor.visit_map(StructAccess {
                c: &mut *s.c,
                plan,
                fields,
                field: -1,
                wire_done: false,
                seen: Seen::new(fields.len()),
                filled: 0,
                zero_next: 0,
                pending: Pending::None,
            })
        })
    }

    /// The cached plan for this wire struct into this Rust struct, if there is one yet.
    fn cached_plan(&self, fields: &'static [&'static str]) -> Option<Arc<StructPlan>> {
        let fields = fields.as_ptr() as usize;
        self.c.st.types.plan(self.id.0, fields).cloned()
    }

    /// Works out which Rust field each wire field goes to, and caches it for this wire type
    /// and Rust type (the first value of each pair).
    fn new_plan(
        &mut self,
        wt: Arc<WireType>,
        rust_name: &'static str,
        fields: &'static [&'static str],
    ) -> Result<Arc<StructPlan>> {
        let WireType::Struct { fields: wire, .. } = &*wt else {
            unreachable!("new_plan is only called for structs")
        };
        let slots: Box<[(TypeId, u16)]> = wire
            .iter()
            .map(|wf| {
                let local = fields
                    .iter()
                    .position(|f| *f == wf.name)
                    .map_or(NO_FIELD, |i| i as u16);
                (wf.id, local)
            })
            .collect();
        if !fields.is_empty() && !wire.is_empty() && slots.iter().all(|s| s.1 == NO_FIELD) {
            return Err(self.c.locate(Error::type_mismatch(format!(
                "gob: type mismatch: no fields matched compiling decoder for {rust_name}"
            ))));
        }
        let plan = Arc::new(StructPlan {
            wt,
            slots,
            rust: rust_name,
            unknown: AtomicU8::new(UNKNOWN_UNPROBED),
        });
        let key = fields.as_ptr() as usize;
        self.c.st.types.insert_plan(self.id.0, key, plan.clone());
        Ok(plan)
    }

    /// A sequence. `want`: `None` accepts any sequence kind (untyped targets); a Rust slice
    /// type accepts Go slices (and `[]byte`), a Rust array only a Go array of its length — Go's
    /// compatibility rules.
    fn visit_seq_of<V: Visitor<'a>>(
        mut self,
        visitor: V,
        want: Option<SeqShape>,
    ) -> Result<V::Value> {
        let (elem, n) = match self.c.resolve(self.id)? {
            Resolved::Builtin(Builtin::Bytes) => {
                if let Some(SeqShape::Array(_)) = want {
                    return Err(self.wrong_type("array"));
                }
                let b = self.c.input.read_bytes()?;
                return visitor.visit_seq(de::value::SeqDeserializer::new(b.iter().copied()));
            }
            Resolved::Builtin(Builtin::Complex) => {
                let re = self.c.input.read_float()?;
                let im = self.c.input.read_float()?;
                return visitor.visit_seq(de::value::SeqDeserializer::new([re, im].into_iter()));
            }
            Resolved::Def(w) => match (&*w, want) {
                (WireType::Slice { elem, .. }, None | Some(SeqShape::Slice)) => {
                    (*elem, self.c.input.read_count()?)
                }
                (WireType::Array { elem, len, .. }, None | Some(SeqShape::Array(_))) => {
                    if let Some(SeqShape::Array(want)) = want {
                        if want as i64 != *len {
                            return Err(self.wrong_type(&format!("[_; {want}]")));
                        }
                    }
                    let n = self.c.input.read_count()?;
                    if n as i64 != *len {
                        return Err(self
                            .c
                            .locate(Error::corrupt("gob: length mismatch in decodeArray")));
                    }
                    (*elem, n)
                }
                _ => return Err(self.wrong_type(want.map_or("sequence", SeqShape::rust))),
            },
            _ => return Err(self.wrong_type(want.map_or("sequence", SeqShape::rust))),
        };
        self.nested(|s| {
            visitor.visit_seq(SeqAccess {
                c: &mut *s.c,
                elem,
                left: n,
            })
        })
    }

    fn payload(&mut self, rust: &str) -> Result<&'a [u8]> {
        match self.c.resolve(self.id)? {
            // A Go string into bytes: how to hold a string that is not UTF-8.
            Resolved::Builtin(Builtin::Bytes | Builtin::String) => self.c.input.read_bytes(),
            Resolved::Def(w) if matches!(*w, WireType::Marshaler { .. }) => {
                self.c.input.read_bytes()
            }
            _ => Err(self.wrong_type(rust)),
        }
    }
}

/// How a wire struct decodes into one Rust struct: its definition, and for each wire field
/// its type and the index of the Rust field it fills (`NO_FIELD` for none).
#[derive(Debug)]
pub(crate) struct StructPlan {
    pub(super) wt: Arc<WireType>,
    pub(super) slots: Box<[(TypeId, u16)]>,
    /// The Rust type's name, as serde gives it (for messages and trace events).
    pub(super) rust: &'static str,
    /// Whether the Rust type accepts wire fields it lacks (`#[serde(deny_unknown_fields)]`
    /// says no): learnt from the first such field, asked of the type's own field visitor.
    pub(super) unknown: AtomicU8,
}

/// [`StructPlan::unknown`]: not asked yet.
pub(super) const UNKNOWN_UNPROBED: u8 = 0;
/// [`StructPlan::unknown`]: the Rust type ignores unknown fields.
pub(super) const UNKNOWN_IGNORED: u8 = 1;
/// [`StructPlan::unknown`]: the Rust type denies unknown fields.
pub(super) const UNKNOWN_DENIED: u8 = 2;

pub(super) const NO_FIELD: u16 = u16::MAX;

/// The context name of a top-level value (error messages name the field otherwise).
const TOP: &str = "top-level value";

/// The Rust sequence a value is decoded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeqShape {
    /// `Vec<T>` and other growable sequences: Go slices.
    Slice,
    /// `[T; N]`: Go arrays of length N.
    Array(usize),
}

impl SeqShape {
    fn rust(self) -> &'static str {
        match self {
            SeqShape::Slice => "slice",
            SeqShape::Array(_) => "array",
        }
    }
}

macro_rules! signed_int {
    ($($method:ident, $visit:ident, $t:ty);* $(;)?) => {$(
        fn $method<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
            let v = self.signed(stringify!($t))?;
            let v = <$t>::try_from(v).map_err(|_| self.out_of_range())?;
            visitor.$visit(v)
        }
    )*};
}

macro_rules! unsigned_int {
    ($($method:ident, $visit:ident, $t:ty);* $(;)?) => {$(
        fn $method<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
            let v = self.unsigned(stringify!($t))?;
            let v = <$t>::try_from(v).map_err(|_| self.out_of_range())?;
            visitor.$visit(v)
        }
    )*};
}

impl<'a> Deserializer<'a> for ValueDe<'_, 'a, '_> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        match self.c.resolve(self.id)? {
            Resolved::Builtin(b) => match b {
                Builtin::Bool => visitor.visit_bool(self.c.input.read_uint()? != 0),
                Builtin::Int => visitor.visit_i64(self.c.input.read_int()?),
                Builtin::Uint => visitor.visit_u64(self.c.input.read_uint()?),
                Builtin::Float => visitor.visit_f64(self.c.input.read_float()?),
                Builtin::Complex => self.visit_seq_of(visitor, None),
                Builtin::String => visitor.visit_borrowed_str(self.string()?),
                Builtin::Bytes => visitor.visit_borrowed_bytes(self.c.input.read_bytes()?),
                Builtin::Interface => match self.c.interface_name()? {
                    None => visitor.visit_none(),
                    Some(_) => {
                        // Untyped targets get the concrete value itself.
                        let concrete = self.c.interface_header()?;
                        self.nested(|s| {
                            visitor.visit_some(ValueDe::top(&mut *s.c, concrete, s.name)?)
                        })
                    }
                },
            },
            Resolved::Def(w) => match &*w {
                WireType::Struct { .. } => self.nested(|s| {
                    visitor.visit_map(DynStructAccess {
                        c: &mut *s.c,
                        wt: w.clone(),
                        field: -1,
                        next: None,
                    })
                }),
                WireType::Map { key, elem, .. } => {
                    let (key, elem) = (*key, *elem);
                    let n = self.c.input.read_count()?;
                    self.nested(|s| {
                        visitor.visit_map(MapAccess {
                            c: &mut *s.c,
                            key,
                            elem,
                            left: n,
                        })
                    })
                }
                WireType::Slice { .. } | WireType::Array { .. } => self.visit_seq_of(visitor, None),
                WireType::Marshaler { .. } => {
                    visitor.visit_borrowed_bytes(self.c.input.read_bytes()?)
                }
            },
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.id != TypeId::BOOL {
            return Err(self.wrong_type("bool"));
        }
        visitor.visit_bool(self.c.input.read_uint()? != 0)
    }

    signed_int! {
        deserialize_i8, visit_i8, i8;
        deserialize_i16, visit_i16, i16;
        deserialize_i32, visit_i32, i32;
        deserialize_i64, visit_i64, i64;
    }

    unsigned_int! {
        deserialize_u8, visit_u8, u8;
        deserialize_u16, visit_u16, u16;
        deserialize_u32, visit_u32, u32;
        deserialize_u64, visit_u64, u64;
    }

    fn deserialize_i128<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        visitor.visit_i128(self.signed("i128")? as i128)
    }

    fn deserialize_u128<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        visitor.visit_u128(self.unsigned("u128")? as u128)
    }

    fn deserialize_f32<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        let v = self.float("f32")?;
        let a = v.abs();
        if a > f32::MAX as f64 && a <= f64::MAX {
            return Err(self.out_of_range());
        }
        visitor.visit_f32(v as f32)
    }

    fn deserialize_f64<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        let v = self.float("f64")?;
        visitor.visit_f64(v)
    }

    fn deserialize_char<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        if self.id == TypeId::STRING {
            return visitor.visit_borrowed_str(self.string()?);
        }
        let v = self.signed("char")?;
        let c = u32::try_from(v)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| self.out_of_range())?;
        visitor.visit_char(c)
    }

    fn deserialize_str<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_bytes(self.payload("bytes")?)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.id == TypeId::INTERFACE {
            // Peek: a zero-length name is the nil interface.
            let mut probe = self.c.input.clone();
            if probe.read_uint()? == 0 {
                self.c.input = probe;
                return visitor.visit_none();
            }
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.c.resolve(self.id)? {
            Resolved::Def(w) if matches!(*w, WireType::Struct { .. }) => {
                self.c.skip(self.id)?;
                visitor.visit_unit()
            }
            Resolved::Builtin(Builtin::Interface) => {
                if self.c.interface_name()?.is_some() {
                    return Err(self.wrong_type("()"));
                }
                visitor.visit_unit()
            }
            _ => Err(self.wrong_type("()")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == crate::value::VALUE_MARKER {
            // A `Value` / `TypedValue`: what the dynamic decoder gives for this position.
            let tv = crate::value::decode_here(self.c, self.id)?;
            return crate::value::visit_decoded(visitor, tv);
        }
        if name == crate::types::SHARED_MARKER {
            let payload = self.payload("bytes")?;
            return match self.c.shared {
                Some(buf) if payload.len() >= crate::types::SHARE_MIN => {
                    crate::types::visit_shared(visitor, buf.slice_ref(payload))
                }
                _ => visitor.visit_borrowed_bytes(payload),
            };
        }
        if let Some(kind) = crate::types::marshaler_of_marker(name) {
            // A marshaled Go type: the wire must use the same marshaler (Go's rule).
            let same = matches!(self.c.resolve(self.id)?,
                Resolved::Def(w) if matches!(*w, WireType::Marshaler { kind: k, .. } if k == kind));
            if !same {
                let rust = match kind {
                    MarshalerKind::Gob => "GobDecoder",
                    MarshalerKind::Binary => "BinaryUnmarshaler",
                    MarshalerKind::Text => "TextUnmarshaler",
                };
                return Err(self.wrong_type(rust));
            }
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.visit_seq_of(visitor, Some(SeqShape::Slice))
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value> {
        if self.id == TypeId::COMPLEX {
            return self.visit_seq_of(visitor, None);
        }
        self.visit_seq_of(visitor, Some(SeqShape::Array(len)))
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.def()? {
            Some(w) if matches!(*w, WireType::Map { .. } | WireType::Struct { .. }) => {
                self.deserialize_any(visitor)
            }
            _ => Err(self.wrong_type("map")),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // The steady state: this wire struct was decoded into this Rust struct before.
        if let Some(plan) = self.cached_plan(fields) {
            return self.visit_plan(plan, fields, visitor);
        }
        match self.def()? {
            Some(w) if matches!(*w, WireType::Struct { .. }) => {
                let plan = self.new_plan(w, name, fields)?;
                self.visit_plan(plan, fields, visitor)
            }
            _ => {
                let sent = self
                    .c
                    .resolve(self.id)
                    .map(|r| wire_desc(&r))
                    .unwrap_or_default();
                Err(self.c.locate(Error::type_mismatch(
                    match (&self.c.st.top_go_name, self.name == TOP) {
                        // Go's text exactly, with Go's name of the type.
                        (Some(go), true) => format!(
                            "gob: type mismatch in decoder: want struct type {go}; got non-struct"
                        ),
                        _ => format!(
                            "gob: type mismatch in decoder: want struct type {name}; got non-struct ({sent})"
                        ),
                    },
                )))
            }
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.id {
            TypeId::INTERFACE => {
                let at = self.c.input.offset();
                let Some(concrete_name) = self.c.interface_name()? else {
                    // nil: variant 0, which an interface enum may declare as a unit variant.
                    return visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(0u32));
                };
                let concrete_name = std::str::from_utf8(concrete_name).map_err(|_| {
                    Error::corrupt("gob: interface type name is not valid UTF-8").at(at)
                })?;
                let concrete = self.c.interface_header()?;
                self.nested(|s| {
                    visitor.visit_enum(InterfaceAccess {
                        c: &mut *s.c,
                        name: concrete_name,
                        concrete,
                        field: s.name,
                    })
                })
            }
            TypeId::INT | TypeId::UINT => {
                let v = if self.id == TypeId::INT {
                    u32::try_from(self.c.input.read_int()?).ok()
                } else {
                    u32::try_from(self.c.input.read_uint()?).ok()
                };
                let v = v.ok_or_else(|| self.out_of_range())?;
                visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(v))
            }
            TypeId::STRING => {
                let s = self.string()?;
                visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(s))
            }
            _ => Err(self.wrong_type(name)),
        }
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.c.skip(self.id)?;
        visitor.visit_unit()
    }
}
