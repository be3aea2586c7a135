//! Go types for hand-built values, inferred from their shape.

use super::{TypeTable, TypedValue, Value};
use crate::wire::{CommonType, FieldType, MarshalerKind, TypeId, WireType};
use std::collections::HashMap;
use std::sync::Arc;

/// Type definitions made up for values that came without them: ids from Go's first user id,
/// one id per distinct definition. Shared by [`TypedValue::infer`] and the JSON module's
/// inference of a Go type from JSON alone.
#[derive(Default)]
pub(crate) struct Definitions {
    table: TypeTable,
    /// Structurally equal definitions share one id.
    known: HashMap<WireType, TypeId>,
    next: i32,
}

impl Definitions {
    /// The id of `def`, defining it if it is new (its `CommonType` id is filled in).
    pub(crate) fn define(&mut self, def: WireType) -> TypeId {
        if let Some(&id) = self.known.get(&def) {
            return id;
        }
        let id = TypeId(TypeId::FIRST_USER.0 + self.next);
        self.next += 1;
        let mut stored = def.clone();
        match &mut stored {
            WireType::Array { common, .. }
            | WireType::Slice { common, .. }
            | WireType::Struct { common, .. }
            | WireType::Map { common, .. }
            | WireType::Marshaler { common, .. } => common.id = id.0,
        }
        self.table.types.insert(id.0, Arc::new(stored));
        self.known.insert(def, id);
        id
    }

    /// The value `value` of type `ty` with the definitions made so far.
    pub(crate) fn finish(self, value: Value, ty: TypeId) -> TypedValue {
        TypedValue {
            value,
            ty,
            types: self.table,
        }
    }
}

struct Infer {
    defs: Definitions,
}

pub(super) fn infer(mut value: Value) -> TypedValue {
    let mut inf = Infer {
        defs: Definitions::default(),
    };
    let ty = inf.type_of(&mut value);
    inf.defs.finish(value, ty)
}

impl Infer {
    fn define(&mut self, def: WireType) -> TypeId {
        self.defs.define(def)
    }

    /// The element type of a sequence: its first element's, applied to every element so
    /// that interfaces deeper inside get concrete types too.
    fn elem_type(&mut self, vs: &mut [Value]) -> TypeId {
        let mut elem = None;
        for v in vs.iter_mut() {
            let t = self.type_of(v);
            elem.get_or_insert(t);
        }
        elem.unwrap_or(TypeId::INTERFACE)
    }

    fn type_of(&mut self, v: &mut Value) -> TypeId {
        let common = CommonType::default();
        match v {
            Value::Bool(_) => TypeId::BOOL,
            Value::Int(_) => TypeId::INT,
            Value::Uint(_) => TypeId::UINT,
            Value::Float(_) => TypeId::FLOAT,
            Value::Complex(..) => TypeId::COMPLEX,
            Value::String(_) => TypeId::STRING,
            Value::Bytes(_) => TypeId::BYTES,
            Value::Interface(None) => TypeId::INTERFACE,
            Value::Interface(Some(i)) => {
                let t = self.type_of(&mut i.value);
                i.ty.get_or_insert(t);
                TypeId::INTERFACE
            }
            Value::Opaque(_) => self.define(WireType::Marshaler {
                common,
                kind: MarshalerKind::Gob,
            }),
            Value::Array(vs) => {
                let len = vs.len() as i64;
                let elem = self.elem_type(vs);
                self.define(WireType::Array { common, elem, len })
            }
            Value::Slice(vs) => {
                let elem = self.elem_type(vs);
                self.define(WireType::Slice { common, elem })
            }
            Value::Map(pairs) => {
                let (mut key, mut elem) = (None, None);
                for (k, v) in pairs.iter_mut() {
                    let kt = self.type_of(k);
                    let vt = self.type_of(v);
                    key.get_or_insert(kt);
                    elem.get_or_insert(vt);
                }
                self.define(WireType::Map {
                    common,
                    key: key.unwrap_or(TypeId::INTERFACE),
                    elem: elem.unwrap_or(TypeId::INTERFACE),
                })
            }
            Value::Struct(fields) => {
                let fields = fields
                    .iter_mut()
                    .map(|(name, v)| FieldType {
                        name: name.clone(),
                        id: self.type_of(v),
                    })
                    .collect();
                self.define(WireType::Struct { common, fields })
            }
        }
    }
}
