//! Which wire id each described type has on this stream, and which definitions were sent.
//!
//! This reproduces Go's id allocation order and definition order exactly, so that a Rust
//! encoder given Go's type names produces Go's bytes:
//! - ids: a struct takes its id before its fields are built; arrays, slices and maps build
//!   their element (and key) types first and take their id afterwards;
//! - names: the first path that reaches a type fixes its `CommonType.Name` (top level and
//!   interface concrete types: `Name()`; struct fields: `Name()` or `String()` if unnamed;
//!   slice elements: `Elem().Name()` without dereferencing; array and map children: none);
//! - definitions: outer type first, then field, element, key types in order (pre-order).

use crate::error::{Error, Result};
use crate::fxhash::FxHashMap;
use crate::schema::{GoKind, TypeBuilder, TypeRef};
use crate::wire::{CommonType, FieldType, MarshalerKind, TypeId, WireType};
use std::borrow::Cow;
use std::collections::HashSet;

#[derive(Debug, Clone, Default)]
struct Entry {
    /// 0 until assigned.
    id: i32,
    /// Set once the type has started building (Go's `types[rt]` entry).
    built: bool,
    name: Cow<'static, str>,
    sent: bool,
    /// The id of `*T` for a pointer-receiver marshaler (Go's `*big.Int` quirk), 0 if none.
    ptr_id: i32,
    /// Every definition reachable from this type has been sent.
    all_sent: bool,
}

/// A definition to send: `-id` followed by `wire`.
pub(crate) struct Definition {
    pub(crate) id: i32,
    pub(crate) wire: WireType,
}

/// Per-stream wire ids of the types in a [`TypeBuilder`].
#[derive(Debug)]
pub(crate) struct TypeIds {
    entries: Vec<Entry>,
    next_id: i32,
    journal: Vec<(u32, Entry)>,
    journal_next: i32,
    /// Ids of definitions taken from a [`TypeTable`](crate::TypeTable): original → stream id,
    /// and whether the definition was sent.
    wire: FxHashMap<i32, (i32, bool)>,
    /// Stream ids taken by table definitions; Go-order allocation skips them.
    reserved: HashSet<i32>,
    wire_journal: Vec<(i32, Option<(i32, bool)>)>,
    reserved_journal: Vec<i32>,
}

impl Default for TypeIds {
    fn default() -> Self {
        TypeIds {
            entries: Vec::new(),
            next_id: TypeId::FIRST_USER.0,
            journal: Vec::new(),
            journal_next: TypeId::FIRST_USER.0,
            wire: FxHashMap::default(),
            reserved: HashSet::new(),
            wire_journal: Vec::new(),
            reserved_journal: Vec::new(),
        }
    }
}

/// Where to undo to if an `encode` fails.
pub(crate) struct Snapshot;

impl TypeIds {
    /// Starts a new undo journal.
    #[inline]
    pub(crate) fn snapshot(&mut self) -> Snapshot {
        self.journal.clear();
        self.wire_journal.clear();
        self.reserved_journal.clear();
        self.journal_next = self.next_id;
        Snapshot
    }

    /// Undoes every change since the last snapshot.
    pub(crate) fn rollback(&mut self, _: Snapshot) {
        while let Some((i, old)) = self.journal.pop() {
            self.entries[i as usize] = old;
        }
        self.next_id = self.journal_next;
        while let Some((orig, old)) = self.wire_journal.pop() {
            match old {
                Some(slot) => self.wire.insert(orig, slot),
                None => self.wire.remove(&orig),
            };
        }
        while let Some(id) = self.reserved_journal.pop() {
            self.reserved.remove(&id);
        }
    }

    fn alloc(&mut self) -> Result<i32> {
        while self.reserved.contains(&self.next_id) {
            self.next_id += 1;
        }
        if self.next_id == i32::MAX {
            return Err(Error::encode("gob: too many types on one stream"));
        }
        let id = self.next_id;
        self.next_id += 1;
        Ok(id)
    }

    /// The stream id for a definition known by the id `orig` it had in a decoded stream:
    /// the same id when this stream has not used it, otherwise a fresh one.
    pub(crate) fn map_wire(&mut self, orig: i32) -> Result<i32> {
        if orig < TypeId::FIRST_USER.0 {
            return match TypeId(orig).builtin() {
                Some(_) => Ok(orig),
                None => Err(Error::encode(format!("gob: invalid type id {orig}"))),
            };
        }
        if let Some(&(id, _)) = self.wire.get(&orig) {
            return Ok(id);
        }
        let used = orig < self.next_id || self.reserved.contains(&orig);
        let id = if used { self.alloc()? } else { orig };
        self.reserved.insert(id);
        self.reserved_journal.push(id);
        self.wire_journal.push((orig, None));
        self.wire.insert(orig, (id, false));
        Ok(id)
    }

    /// Marks the table definition `orig` sent; returns false if it already was.
    pub(crate) fn mark_wire_sent(&mut self, orig: i32) -> Result<bool> {
        let id = self.map_wire(orig)?;
        let Some(slot) = self.wire.get_mut(&orig) else {
            return Ok(false); // a builtin: never defined
        };
        if slot.1 {
            return Ok(false);
        }
        self.wire_journal.push((orig, Some((id, false))));
        slot.1 = true;
        Ok(true)
    }

    fn entry(&mut self, t: TypeRef) -> &mut Entry {
        let i = t.0 as usize;
        if i >= self.entries.len() {
            self.entries.resize(i + 1, Entry::default());
        }
        &mut self.entries[i]
    }

    fn change(&mut self, t: TypeRef, f: impl FnOnce(&mut Entry, &mut i32)) {
        let old = self.entry(t).clone();
        self.journal.push((t.0, old));
        let mut next = self.next_id;
        f(&mut self.entries[t.0 as usize], &mut next);
        self.next_id = next;
    }

    fn set_id(&mut self, t: TypeRef) -> Result<i32> {
        if self.entry(t).id != 0 {
            return Ok(self.entry(t).id);
        }
        let id = self.alloc()?;
        self.change(t, |e, _| e.id = id);
        Ok(id)
    }

    /// The id of `t` if it and every type it reaches were already sent.
    #[inline]
    pub(crate) fn all_sent(&self, t: TypeRef) -> Option<i32> {
        self.entries
            .get(t.0 as usize)
            .filter(|e| e.all_sent)
            .map(|e| e.id)
    }

    /// Records that `t` and every type it reaches were sent.
    pub(crate) fn mark_all_sent(&mut self, t: TypeRef) {
        if self.entry(t).id != 0 && !self.entry(t).all_sent {
            self.change(t, |e, _| e.all_sent = true);
        }
    }

    /// The wire id of `t` if it already has one (builtins always do).
    pub(crate) fn wire_id(&mut self, types: &TypeBuilder, t: TypeRef) -> i32 {
        let base = types.base(t);
        builtin_id(&types.get(base).kind).unwrap_or_else(|| self.entry(base).id)
    }

    /// Builds `t` as Go's `getBaseType(name, t)` would, assigning ids to it and to every type
    /// reachable from it, and returns its id (0 while it is still being built).
    pub(crate) fn assign(&mut self, types: &TypeBuilder, t: TypeRef, name: &str) -> Result<i32> {
        let t = types.base(t);
        let kind = &types.get(t).kind;
        if let Some(id) = builtin_id(kind) {
            return Ok(id);
        }
        match kind {
            GoKind::Pending => return Err(Error::encode("gob: type description is incomplete")),
            GoKind::Unsendable(why) => return Err(Error::encode(why.to_string())),
            GoKind::Ptr(_) => {
                return Err(Error::encode(format!(
                    "can't represent recursive pointer type {}",
                    types.get(t).string
                )))
            }
            _ => {}
        }
        if self.entry(t).built {
            return Ok(self.entry(t).id);
        }
        let name: Cow<'static, str> = Cow::Owned(name.to_string());
        self.change(t, |e, _| {
            e.built = true;
            e.name = name;
        });
        match kind {
            GoKind::Struct(fields) => {
                self.set_id(t)?;
                for f in fields {
                    let fb = types.base(f.ty);
                    let ft = types.get(fb);
                    let fname = if ft.name.is_empty() {
                        ft.string.clone()
                    } else {
                        ft.name.clone()
                    };
                    if self.assign(types, fb, &fname)? == 0 {
                        self.set_id(fb)?;
                    }
                }
            }
            GoKind::Slice(elem) => {
                // Slice elements keep Go's undereferenced name: `[]*Point` names Point "".
                let ename = types.get(*elem).name.clone();
                self.assign(types, *elem, &ename)?;
                self.set_id(t)?;
                self.fix_pending(types, *elem)?;
            }
            GoKind::Array { elem, .. } => {
                self.assign(types, *elem, "")?;
                self.set_id(t)?;
                self.fix_pending(types, *elem)?;
            }
            GoKind::Map(k, v) => {
                self.assign(types, *k, "")?;
                self.assign(types, *v, "")?;
                self.set_id(t)?;
                self.fix_pending(types, *k)?;
                self.fix_pending(types, *v)?;
            }
            GoKind::Marshaler { .. } => {
                self.set_id(t)?;
            }
            _ => unreachable!("builtins and pointers are handled above"),
        }
        Ok(self.entry(t).id)
    }

    fn fix_pending(&mut self, types: &TypeBuilder, t: TypeRef) -> Result<()> {
        let b = types.base(t);
        if builtin_id(&types.get(b).kind).is_none() && self.entry(b).id == 0 {
            self.set_id(b)?;
        }
        Ok(())
    }

    /// Go's `sendType` for the type of a value about to be sent: collects, outer first, the
    /// definitions of `t` and everything reachable from it that the peer has not been sent,
    /// and marks them sent. `top` is true for a top-level value (Go's user type there is a
    /// pointer for pointer-receiver marshalers).
    pub(crate) fn unsent_definitions(
        &mut self,
        types: &TypeBuilder,
        t: TypeRef,
        top: bool,
        out: &mut Vec<Definition>,
    ) -> Result<()> {
        // Go's user type at the top is a pointer for pointer-receiver marshalers.
        let base = types.base(t);
        let ptr_receiver = matches!(
            types.get(base).kind,
            GoKind::Marshaler {
                ptr_receiver: true,
                ..
            }
        );
        self.send_type(types, t, top && ptr_receiver, out)
    }

    fn send_type(
        &mut self,
        types: &TypeBuilder,
        t: TypeRef,
        via_ptr: bool,
        out: &mut Vec<Definition>,
    ) -> Result<()> {
        let base = types.base(t);
        let via_ptr = via_ptr || base != t;
        match &types.get(base).kind {
            GoKind::Marshaler { kind, .. } => {
                // Reached through a pointer, Go describes the marshaler by its pointer type:
                // a second, unnamed id in the definition's CommonType.
                self.send_actual(types, base, via_ptr, Some(*kind), out)
            }
            GoKind::Struct(_) | GoKind::Slice(_) | GoKind::Array { .. } | GoKind::Map(..) => {
                self.send_actual(types, base, false, None, out)
            }
            _ => Ok(()),
        }
    }

    fn send_actual(
        &mut self,
        types: &TypeBuilder,
        t: TypeRef,
        ptr_flavour: bool,
        marshaler: Option<MarshalerKind>,
        out: &mut Vec<Definition>,
    ) -> Result<()> {
        if self.entry(t).sent {
            return Ok(());
        }
        if !self.entry(t).built {
            let name = types.get(t).name.clone();
            self.assign(types, t, &name)?;
        }
        let id = self.entry(t).id;
        let common = if ptr_flavour {
            if self.entry(t).ptr_id == 0 {
                let pid = self.alloc()?;
                self.change(t, |e, _| e.ptr_id = pid);
            }
            CommonType {
                name: String::new(),
                id: self.entry(t).ptr_id,
            }
        } else {
            CommonType {
                name: self.entry(t).name.to_string(),
                id,
            }
        };
        self.change(t, |e, _| e.sent = true);
        let mut children: Vec<TypeRef> = Vec::new();
        let wire = match (&types.get(t).kind, marshaler) {
            (_, Some(kind)) => WireType::Marshaler { common, kind },
            (GoKind::Struct(fields), _) => {
                let mut wf = Vec::with_capacity(fields.len());
                for f in fields {
                    wf.push(FieldType {
                        name: f.name.to_string(),
                        id: TypeId(self.wire_id(types, f.ty)),
                    });
                    children.push(f.ty);
                }
                WireType::Struct { common, fields: wf }
            }
            (GoKind::Slice(elem), _) => {
                children.push(*elem);
                WireType::Slice {
                    common,
                    elem: TypeId(self.wire_id(types, *elem)),
                }
            }
            (GoKind::Array { elem, len }, _) => {
                children.push(*elem);
                WireType::Array {
                    common,
                    elem: TypeId(self.wire_id(types, *elem)),
                    len: *len as i64,
                }
            }
            (GoKind::Map(k, v), _) => {
                children.push(*k);
                children.push(*v);
                WireType::Map {
                    common,
                    key: TypeId(self.wire_id(types, *k)),
                    elem: TypeId(self.wire_id(types, *v)),
                }
            }
            _ => unreachable!("only composite types are sent"),
        };
        out.push(Definition { id, wire });
        for c in children {
            self.send_type(types, c, false, out)?;
        }
        Ok(())
    }
}

fn builtin_id(kind: &GoKind) -> Option<i32> {
    Some(match kind {
        GoKind::Bool => 1,
        GoKind::Int => 2,
        GoKind::Uint { .. } => 3,
        GoKind::Float => 4,
        GoKind::Bytes => 5,
        GoKind::String => 6,
        GoKind::Complex => 7,
        GoKind::Interface => 8,
        _ => return None,
    })
}
