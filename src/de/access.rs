//! The serde access types the value deserializer hands to visitors: struct fields (into a
//! Rust struct or an untyped map), sequence elements, map entries, and interface values as
//! enums.

use super::cursor::{err_range, Cursor};
use super::value::{StructPlan, ValueDe, NO_FIELD, UNKNOWN_DENIED, UNKNOWN_IGNORED};
use super::zero::ZeroDe;
use crate::error::{Error, Result};
use crate::wire::{TypeId, WireType};
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

/// Which Rust fields have been filled from the wire.
pub(super) enum Seen {
    Small(u64),
    Large(Vec<bool>),
}

impl Seen {
    pub(super) fn new(n: usize) -> Self {
        if n <= 64 {
            Seen::Small(0)
        } else {
            Seen::Large(vec![false; n])
        }
    }

    /// Marks field `i`; true if it was not marked yet.
    fn set(&mut self, i: usize) -> bool {
        match self {
            Seen::Small(bits) => {
                let new = *bits & (1 << i) == 0;
                *bits |= 1 << i;
                new
            }
            Seen::Large(v) => !std::mem::replace(&mut v[i], true),
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Seen::Small(bits) => bits & (1 << i) != 0,
            Seen::Large(v) => v[i],
        }
    }
}

pub(super) enum Pending {
    None,
    Wire(TypeId, &'static str),
    Zero,
}

/// A struct into a Rust struct: wire fields by name, then the zero values of the rest.
pub(super) struct StructAccess<'c, 'a, 'd> {
    pub(super) c: &'c mut Cursor<'a, 'd>,
    pub(super) plan: Arc<StructPlan>,
    pub(super) fields: &'static [&'static str],
    pub(super) field: i64,
    pub(super) wire_done: bool,
    pub(super) seen: Seen,
    /// How many Rust fields the wire filled (when all, none needs a zero value).
    pub(super) filled: usize,
    pub(super) zero_next: usize,
    pub(super) pending: Pending,
}

impl<'a> StructAccess<'_, 'a, '_> {
    /// The current wire field has no Rust field. In strict mode that is an error; otherwise
    /// the Rust type's own field visitor is asked once per plan (`seed`, given the wire
    /// name): `#[serde(deny_unknown_fields)]` makes it fail, which is this decoder's error
    /// too; otherwise its answer is the key under which serde ignores the value, and later
    /// unknown fields of this plan are skipped without asking.
    #[cold]
    #[inline(never)]
    fn unknown_field<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<K::Value> {
        let WireType::Struct { fields: wire, .. } = &*self.plan.wt else {
            unreachable!("StructAccess is only built for structs")
        };
        let name = &wire[self.field as usize].name;
        let denied = || {
            Error::type_mismatch(format!(
                "gob: wire field {name} of {} has no field in the Rust type {}",
                self.plan.wt.describe(),
                self.plan.rust
            ))
        };
        if self.c.st.is_strict() || self.plan.unknown.load(Relaxed) == UNKNOWN_DENIED {
            return Err(self.c.locate(denied()));
        }
        match seed.deserialize(de::value::StrDeserializer::<Error>::new(name)) {
            Ok(key) => {
                self.plan.unknown.store(UNKNOWN_IGNORED, Relaxed);
                trace_skipped(&self.plan, self.field as usize);
                Ok(key)
            }
            Err(_) => {
                self.plan.unknown.store(UNKNOWN_DENIED, Relaxed);
                Err(self.c.locate(denied()))
            }
        }
    }
}

/// The debug event for a wire field skipped because the Rust type lacks it. When tracing
/// is off or filtered above debug this costs one inlined level check (an atomic load).
#[inline(always)]
fn trace_skipped(plan: &StructPlan, field: usize) {
    if tracing::level_enabled!(tracing::Level::DEBUG) {
        trace_skipped_event(plan, field);
    }
}

#[cold]
#[inline(never)]
fn trace_skipped_event(plan: &StructPlan, field: usize) {
    let WireType::Struct { fields, .. } = &*plan.wt else {
        unreachable!("struct plans are only built for structs")
    };
    let field = fields.get(field).map_or("", |f| &f.name);
    if tracing::enabled!(target: "gobrpc", tracing::Level::DEBUG) {
        tracing::debug!(
            target: "gobrpc",
            field,
            wire_type = %plan.wt.describe(),
            rust_type = plan.rust,
            "gob: skipped a wire field the Rust type lacks"
        );
    }
}

impl<'a> de::MapAccess<'a> for StructAccess<'_, 'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        while !self.wire_done {
            if self.c.input.message_done() {
                self.wire_done = true;
                break;
            }
            let delta = self.c.input.read_uint()?;
            if delta == 0 {
                self.wire_done = true;
                break;
            }
            self.field = self.field.saturating_add(delta.min(u32::MAX as u64) as i64);
            let Some(&(id, local)) = self.plan.slots.get(self.field as usize) else {
                return Err(self.c.locate(err_range()));
            };
            if local == NO_FIELD {
                if self.c.st.is_strict() || self.plan.unknown.load(Relaxed) != UNKNOWN_IGNORED {
                    // Strict mode, or the type's answer is not known to be "ignore" yet.
                    let key = self.unknown_field(seed)?;
                    self.pending = Pending::Wire(id, "unknown field");
                    return Ok(Some(key));
                }
                trace_skipped(&self.plan, self.field as usize);
                self.c.skip(id)?;
                continue;
            }
            let local = local as usize;
            let name = self.fields[local];
            self.filled += self.seen.set(local) as usize;
            self.pending = Pending::Wire(id, name);
            return seed
                .deserialize(de::value::BorrowedStrDeserializer::new(name))
                .map(Some);
        }
        if self.filled == self.fields.len() {
            return Ok(None);
        }
        while self.zero_next < self.fields.len() {
            let i = self.zero_next;
            self.zero_next += 1;
            if !self.seen.get(i) {
                self.pending = Pending::Zero;
                return seed
                    .deserialize(de::value::BorrowedStrDeserializer::new(self.fields[i]))
                    .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Wire(id, name) => seed.deserialize(ValueDe {
                c: &mut *self.c,
                id,
                name,
            }),
            Pending::Zero => seed.deserialize(ZeroDe),
            Pending::None => Err(Error::corrupt("gob: struct value requested before its key")),
        }
    }
}

/// A struct into an untyped target: the wire fields present, keyed by name.
pub(super) struct DynStructAccess<'c, 'a, 'd> {
    pub(super) c: &'c mut Cursor<'a, 'd>,
    pub(super) wt: Arc<WireType>,
    pub(super) field: i64,
    pub(super) next: Option<TypeId>,
}

impl<'a> de::MapAccess<'a> for DynStructAccess<'_, 'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let WireType::Struct { fields: wire, .. } = &*self.wt else {
            unreachable!("DynStructAccess is only built for structs")
        };
        if self.c.input.message_done() {
            return Ok(None);
        }
        let delta = self.c.input.read_uint()?;
        if delta == 0 {
            return Ok(None);
        }
        self.field = self.field.saturating_add(delta.min(u32::MAX as u64) as i64);
        let Some(wf) = wire.get(self.field as usize) else {
            return Err(self.c.locate(err_range()));
        };
        self.next = Some(wf.id);
        seed.deserialize(de::value::StrDeserializer::<Error>::new(&wf.name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        let id = self
            .next
            .take()
            .ok_or_else(|| Error::corrupt("gob: struct value requested before its key"))?;
        seed.deserialize(ValueDe {
            c: &mut *self.c,
            id,
            name: "field",
        })
    }
}

/// The next of the `left` counted elements (or map keys) of wire type `id`, if any: each
/// must start with unread bytes in its message, so a lying count ends in an error.
fn next_counted<'a, T: DeserializeSeed<'a>>(
    c: &mut Cursor<'a, '_>,
    left: &mut u64,
    id: TypeId,
    name: &'static str,
    seed: T,
) -> Result<Option<T::Value>> {
    if *left == 0 {
        return Ok(None);
    }
    c.input.element(*left)?;
    *left -= 1;
    seed.deserialize(ValueDe { c, id, name }).map(Some)
}

pub(super) struct SeqAccess<'c, 'a, 'd> {
    pub(super) c: &'c mut Cursor<'a, 'd>,
    pub(super) elem: TypeId,
    pub(super) left: u64,
}

impl<'a> de::SeqAccess<'a> for SeqAccess<'_, 'a, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        next_counted(self.c, &mut self.left, self.elem, "element", seed)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.c.input.capacity_hint(self.left))
    }
}

pub(super) struct MapAccess<'c, 'a, 'd> {
    pub(super) c: &'c mut Cursor<'a, 'd>,
    pub(super) key: TypeId,
    pub(super) elem: TypeId,
    pub(super) left: u64,
}

impl<'a> de::MapAccess<'a> for MapAccess<'_, 'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        next_counted(self.c, &mut self.left, self.key, "map key", seed)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(ValueDe {
            c: &mut *self.c,
            id: self.elem,
            name: "map value",
        })
    }

    fn size_hint(&self) -> Option<usize> {
        // Every entry takes at least two bytes (key and value): room for no more entries
        // than the bytes left could hold, and no more than announced.
        Some(
            self.c
                .input
                .capacity_hint(self.left)
                .min(self.c.input.remaining() / 2),
        )
    }
}

/// A non-nil interface as an enum: the registered Go name picks the variant.
pub(super) struct InterfaceAccess<'c, 'a, 'd> {
    pub(super) c: &'c mut Cursor<'a, 'd>,
    pub(super) name: &'a str,
    pub(super) concrete: TypeId,
    pub(super) field: &'static str,
}

impl<'c, 'a, 'd> de::EnumAccess<'a> for InterfaceAccess<'c, 'a, 'd> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(self.name))?;
        Ok((v, self))
    }
}

impl<'a> de::VariantAccess<'a> for InterfaceAccess<'_, 'a, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        self.c.skip_top(self.concrete)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(ValueDe::top(self.c, self.concrete, self.field)?)
    }

    fn tuple_variant<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value> {
        ValueDe::top(self.c, self.concrete, self.field)?.deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let id = self.concrete;
        let field = self.field;
        ValueDe {
            c: &mut *self.c,
            id,
            name: field,
        }
        .deserialize_struct("interface value", fields, visitor)
    }
}
