//! What the serializer needs to know about each described type, computed once per type.

use crate::error::{Error, Result};
use crate::schema::{GoField, GoKind, TypeBuilder, TypeRef};

/// A copyable summary of a described type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum K {
    Bool,
    Int,
    Uint,
    Float,
    Complex,
    String,
    Bytes,
    Interface,
    Ptr(TypeRef),
    Array(TypeRef, usize),
    Slice(TypeRef),
    Map(TypeRef, TypeRef),
    Struct,
    Marshaler(Option<&'static [u8]>),
    /// Pending or unsendable: `describe` gives the error.
    Invalid,
}

/// Every described type's kind and its base type's (pointers followed), computed once per
/// type so that the per-value work is an index.
#[derive(Debug, Default)]
pub(crate) struct KindCache {
    kinds: Vec<(K, TypeRef, K)>,
    /// Per struct type, one slot per field: the field's type and the address of the serde
    /// key last seen for it (0 before), so that a field is found by comparing pointers.
    fields: Vec<Box<[FieldSlot]>>,
    /// Per type, once asked: whether no interface is reachable from it (its values then
    /// never flush a message while being encoded).
    flat: Vec<Option<bool>>,
}

#[derive(Debug, Clone, Copy)]
struct FieldSlot {
    key: (usize, usize),
    ty: TypeRef,
}

impl KindCache {
    /// Catches up with types described since the last call (all complete by then).
    #[inline]
    pub(crate) fn sync(&mut self, types: &TypeBuilder) {
        if self.kinds.len() < types.len() {
            self.sync_new(types);
        }
    }

    #[cold]
    fn sync_new(&mut self, types: &TypeBuilder) {
        for i in self.kinds.len()..types.len() {
            let t = TypeRef(i as u32);
            let base = types.base(t);
            let k = describe(types, t).unwrap_or(K::Invalid);
            let bk = describe(types, base).unwrap_or(K::Invalid);
            self.kinds.push((k, base, bk));
            let slots = match &types.get(t).kind {
                GoKind::Struct(fields) => fields
                    .iter()
                    .map(|f| FieldSlot {
                        key: (0, 0),
                        ty: f.ty,
                    })
                    .collect(),
                _ => Box::default(),
            };
            self.fields.push(slots);
            self.flat.push(None);
        }
    }

    /// The index and type of the field of struct `ty` that serde calls `key`; `cursor` is the
    /// index of the field expected next (serde follows declaration order).
    #[inline]
    pub(crate) fn field(
        &mut self,
        types: &TypeBuilder,
        ty: TypeRef,
        cursor: usize,
        key: &'static str,
    ) -> Option<(usize, TypeRef)> {
        let addr = (key.as_ptr() as usize, key.len());
        // The steady state: the same `&'static str` as last time for the field expected next
        // (a static string at the same address and length has the same contents).
        if let Some(slot) = self.fields.get(ty.0 as usize).and_then(|f| f.get(cursor)) {
            if slot.key == addr {
                return Some((cursor, slot.ty));
            }
        }
        let GoKind::Struct(fields) = &types.get(ty).kind else {
            return None;
        };
        let i = index_by_name(fields, cursor, key)?;
        if let Some(slot) = self
            .fields
            .get_mut(ty.0 as usize)
            .and_then(|f| f.get_mut(i))
        {
            slot.key = addr;
        }
        Some((i, fields[i].ty))
    }

    /// The cached kind of `ty` and of its base type (pointers followed).
    #[inline]
    pub(crate) fn get(&self, ty: TypeRef) -> Option<(K, K)> {
        self.kinds.get(ty.0 as usize).map(|&(k, _, bk)| (k, bk))
    }

    /// [`TypeBuilder::base`], from the cache when `ty` is in it.
    #[inline]
    pub(crate) fn base(&self, types: &TypeBuilder, ty: TypeRef) -> TypeRef {
        match self.kinds.get(ty.0 as usize) {
            Some(&(_, base, _)) => base,
            None => types.base(ty),
        }
    }

    /// True if no interface type is reachable from `ty`: encoding a value of it then writes
    /// nothing but the value itself into the current buffer.
    #[inline]
    pub(crate) fn flat(&mut self, types: &TypeBuilder, ty: TypeRef) -> bool {
        match self.flat.get(ty.0 as usize) {
            Some(Some(known)) => *known,
            _ => self.find_flat(types, ty),
        }
    }

    #[cold]
    fn find_flat(&mut self, types: &TypeBuilder, ty: TypeRef) -> bool {
        let i = ty.0 as usize;
        let mut seen = vec![false; types.len()];
        let mut stack = vec![ty];
        let mut flat = true;
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut seen[t.0 as usize], true) {
                continue;
            }
            match &types.get(t).kind {
                GoKind::Interface | GoKind::Pending => {
                    flat = false;
                    break;
                }
                GoKind::Ptr(e) | GoKind::Slice(e) | GoKind::Array { elem: e, .. } => stack.push(*e),
                GoKind::Map(k, v) => stack.extend([*k, *v]),
                GoKind::Struct(fields) => stack.extend(fields.iter().map(|f| f.ty)),
                _ => {}
            }
        }
        if let Some(slot) = self.flat.get_mut(i) {
            *slot = Some(flat);
        }
        flat
    }
}

/// The index of the field named `key`, looking from `cursor` on first.
#[cold]
fn index_by_name(fields: &[GoField], cursor: usize, key: &str) -> Option<usize> {
    (cursor..fields.len())
        .chain(0..cursor.min(fields.len()))
        .find(|&i| fields[i].name == key)
}

/// The summary of `ty`, or why a value of it cannot be encoded.
pub(crate) fn describe(types: &TypeBuilder, ty: TypeRef) -> Result<K> {
    Ok(match &types.get(ty).kind {
        GoKind::Bool => K::Bool,
        GoKind::Int => K::Int,
        GoKind::Uint { .. } => K::Uint,
        GoKind::Float => K::Float,
        GoKind::Complex => K::Complex,
        GoKind::String => K::String,
        GoKind::Bytes => K::Bytes,
        GoKind::Interface => K::Interface,
        GoKind::Ptr(t) => K::Ptr(*t),
        GoKind::Array { elem, len } => K::Array(*elem, *len),
        GoKind::Slice(e) => K::Slice(*e),
        GoKind::Map(k, v) => K::Map(*k, *v),
        GoKind::Struct(_) => K::Struct,
        GoKind::Marshaler { zero_payload, .. } => K::Marshaler(*zero_payload),
        GoKind::Pending => return Err(Error::encode("gob: type description is incomplete")),
        GoKind::Unsendable(why) => return Err(Error::encode(why.to_string())),
    })
}
