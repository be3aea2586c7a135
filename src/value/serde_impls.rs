//! [`Value`] and [`TypedValue`] as serde types: embedded in typed Rust values (a Go
//! `interface{}` field), as a whole reply, and in other serde formats.
//!
//! The gob codec hands them over whole, with Go's types: the deserializer recognizes the
//! newtype name [`VALUE_MARKER`], decodes the value at that position with the dynamic
//! decoder (so it is exactly what [`DecoderState::decode_value`](crate::DecoderState::decode_value)
//! gives for that position) and passes it to the visitor through [`HANDOFF`]; the
//! serializer, seeing the same name, takes the value from [`HANDOFF`] and encodes it with
//! its definitions. Other formats see an ordinary newtype and serde's data model.

use super::{infer, Interface, TypedValue, Value};
use crate::schema::{GobType, TypeBuilder, TypeRef};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeTuple, Serializer};
use std::cell::RefCell;
use std::fmt;

/// The newtype-struct name both directions use (the `\0` keeps it from any Rust type's).
pub(crate) const VALUE_MARKER: &str = "\0gobrpc::Value";

thread_local! {
    /// The value in transit between the gob codec and a `Value`/`TypedValue` impl: set
    /// immediately before the one call that takes it, on the same thread, and cleared right
    /// after that call whether or not it was taken.
    static HANDOFF: RefCell<Option<TypedValue>> = const { RefCell::new(None) };
}

fn put(tv: TypedValue) {
    HANDOFF.with(|h| *h.borrow_mut() = Some(tv));
}

fn take() -> Option<TypedValue> {
    HANDOFF.with(|h| h.borrow_mut().take())
}

/// The gob deserializer's side: hands `tv` to the visitor of a `Value`/`TypedValue`.
pub(crate) fn visit_decoded<'de, V: Visitor<'de>, E: de::Error>(
    visitor: V,
    tv: TypedValue,
) -> Result<V::Value, E> {
    put(tv);
    let r = visitor.visit_unit();
    take();
    r
}

/// The gob serializer's side: the value a `Value`/`TypedValue` put up for it.
pub(crate) fn take_for_encoding() -> Option<TypedValue> {
    take()
}

/// `Value` is Go's `interface{}`: the docs' mapping for an `interface{}` field.
impl GobType for Value {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.interface()
    }
}

/// `TypedValue` is Go's `interface{}`, like [`Value`].
impl GobType for TypedValue {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.interface()
    }
}

/// Interfaces' concrete type ids refer to a type table a bare `Value` does not have: drop
/// them, so that the types are inferred afresh.
fn forget_type_ids(v: &mut Value) {
    match v {
        Value::Interface(Some(i)) => {
            i.ty = None;
            forget_type_ids(&mut i.value);
        }
        Value::Array(vs) | Value::Slice(vs) => vs.iter_mut().for_each(forget_type_ids),
        Value::Map(pairs) => pairs.iter_mut().for_each(|(k, x)| {
            forget_type_ids(k);
            forget_type_ids(x);
        }),
        Value::Struct(fields) => fields.iter_mut().for_each(|(_, x)| forget_type_ids(x)),
        _ => {}
    }
}

/// Serializes through the marker: gob takes `tv()` from the handoff; other binary formats
/// get the data model inside the newtype; human-readable ones the data model alone.
fn serialize_marked<S: Serializer>(
    s: S,
    value: &Value,
    tv: impl FnOnce() -> TypedValue,
) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        return DataModel(value).serialize(s);
    }
    put(tv());
    let r = s.serialize_newtype_struct(VALUE_MARKER, &DataModel(value));
    take();
    r
}

impl Serialize for Value {
    /// With gob: as an `interface{}` holding this value, the concrete types inferred from
    /// the value's shape (see [`TypedValue::infer`]). For Go's bytes exactly as they came,
    /// keep the definitions: embed a [`TypedValue`] instead. Other formats: serde's data
    /// model (an interface as its concrete value, a struct as a map, nil as none).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_marked(s, self, || {
            let mut v = self.clone();
            forget_type_ids(&mut v);
            infer::infer(v)
        })
    }
}

impl Serialize for TypedValue {
    /// With gob: the value with the definitions, ids and names it was decoded with, byte
    /// for byte what Go sent. Other formats: the value, as [`Value`] serializes.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_marked(s, &self.value, || self.clone())
    }
}

impl<'de> Deserialize<'de> for Value {
    /// With gob: exactly what the dynamic decoder gives for this position (Go's kinds,
    /// interface names, marshaled payloads). Other formats: serde's data model.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(VALUE_MARKER, ValueVisitor)
            .map(|tv| tv.value)
    }
}

impl<'de> Deserialize<'de> for TypedValue {
    /// With gob: the value and the definitions of every type it uses, as the dynamic decoder
    /// gives them. Other formats: serde's data model, with types inferred.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(VALUE_MARKER, ValueVisitor)
    }
}

/// A value of serde's data model, as Go's closest value.
struct ValueVisitor;

fn untyped(value: Value) -> TypedValue {
    infer::infer(value)
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = TypedValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<TypedValue, E> {
        // From the gob decoder: the decoded value. Otherwise null: the nil interface.
        Ok(take().unwrap_or_else(|| untyped(Value::Interface(None))))
    }

    fn visit_none<E: de::Error>(self) -> Result<TypedValue, E> {
        Ok(untyped(Value::Interface(None)))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<TypedValue, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<TypedValue, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<TypedValue, E> {
        Ok(untyped(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TypedValue, E> {
        Ok(untyped(Value::Int(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TypedValue, E> {
        Ok(untyped(Value::Uint(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TypedValue, E> {
        Ok(untyped(Value::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TypedValue, E> {
        Ok(untyped(Value::String(v.to_owned())))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<TypedValue, E> {
        Ok(untyped(Value::Bytes(v.to_vec())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TypedValue, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element::<Value>()? {
            out.push(v);
        }
        Ok(untyped(Value::Slice(out)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TypedValue, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(kv) = map.next_entry::<Value, Value>()? {
            out.push(kv);
        }
        Ok(untyped(Value::Map(out)))
    }
}

/// A value in serde's data model (what formats other than gob see).
struct DataModel<'a>(&'a Value);

impl Serialize for DataModel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Uint(u) => s.serialize_u64(*u),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Complex(re, im) => {
                let mut t = s.serialize_tuple(2)?;
                t.serialize_element(re)?;
                t.serialize_element(im)?;
                t.end()
            }
            Value::String(x) => s.serialize_str(x),
            Value::Bytes(b) | Value::Opaque(b) => s.serialize_bytes(b),
            Value::Array(vs) | Value::Slice(vs) => {
                let mut seq = s.serialize_seq(Some(vs.len()))?;
                for v in vs {
                    seq.serialize_element(&DataModel(v))?;
                }
                seq.end()
            }
            Value::Map(pairs) => {
                let mut m = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    m.serialize_entry(&DataModel(k), &DataModel(v))?;
                }
                m.end()
            }
            Value::Struct(fields) => {
                let mut m = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    m.serialize_entry(k, &DataModel(v))?;
                }
                m.end()
            }
            Value::Interface(None) => s.serialize_none(),
            Value::Interface(Some(i)) => {
                let Interface { value, .. } = &**i;
                s.serialize_some(&DataModel(value))
            }
        }
    }
}
