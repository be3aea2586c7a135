//! The type definitions a peer has sent on one stream, and the decode plans cached per
//! definition.
//!
//! Go numbers the types of a stream from 64 upward, one at a time, so almost every id a peer
//! sends is small and the table is a vector indexed by id. Ids a peer chooses to send far
//! from that range (Go never does, a hostile peer may) go to a hash map instead, so no id can
//! make the vector large.

use super::value::StructPlan;
use crate::fxhash::FxHashMap;
use crate::wire::{TypeId, WireType};
use std::sync::Arc;

/// Ids from [`TypeId::FIRST_USER`] up to this many more live in the vector.
const DENSE_IDS: usize = 4096;

/// One received definition.
#[derive(Debug)]
struct Entry {
    wire: Arc<WireType>,
    /// How this definition decodes into each Rust struct it has met, keyed by the address of
    /// that struct's serde field list (few per definition, so a list).
    plans: Vec<(usize, Arc<StructPlan>)>,
}

/// The peer's definitions, by type id.
#[derive(Debug, Default)]
pub(crate) struct StreamTypes {
    dense: Vec<Option<Entry>>,
    sparse: FxHashMap<i32, Entry>,
    len: usize,
}

fn dense_index(id: i32) -> Option<usize> {
    let i = (id as i64 - TypeId::FIRST_USER.0 as i64) as usize;
    (i < DENSE_IDS).then_some(i)
}

impl StreamTypes {
    #[inline]
    fn entry(&self, id: i32) -> Option<&Entry> {
        match dense_index(id) {
            Some(i) => self.dense.get(i)?.as_ref(),
            None => self.sparse.get(&id),
        }
    }

    fn entry_mut(&mut self, id: i32) -> Option<&mut Entry> {
        match dense_index(id) {
            Some(i) => self.dense.get_mut(i)?.as_mut(),
            None => self.sparse.get_mut(&id),
        }
    }

    /// The definition of `id`, if the peer sent one.
    #[inline]
    pub(crate) fn get(&self, id: i32) -> Option<&Arc<WireType>> {
        self.entry(id).map(|e| &e.wire)
    }

    /// True if the peer defined `id`.
    #[inline]
    pub(crate) fn contains(&self, id: i32) -> bool {
        self.entry(id).is_some()
    }

    /// How many definitions the peer sent.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Records the definition of `id` (not yet defined).
    pub(crate) fn insert(&mut self, id: i32, wire: Arc<WireType>) {
        let entry = Entry {
            wire,
            plans: Vec::new(),
        };
        match dense_index(id) {
            Some(i) => {
                if self.dense.len() <= i {
                    self.dense.resize_with(i + 1, || None);
                }
                self.dense[i] = Some(entry);
            }
            None => {
                self.sparse.insert(id, entry);
            }
        }
        self.len += 1;
    }

    /// Forgets the definition of `id` and its plans.
    pub(crate) fn remove(&mut self, id: i32) {
        let removed = match dense_index(id) {
            Some(i) => self.dense.get_mut(i).and_then(Option::take).is_some(),
            None => self.sparse.remove(&id).is_some(),
        };
        if removed {
            self.len -= 1;
        }
    }

    /// The cached plan for decoding struct `id` into the Rust struct whose field list is at
    /// `fields`.
    #[inline]
    pub(crate) fn plan(&self, id: i32, fields: usize) -> Option<&Arc<StructPlan>> {
        let e = self.entry(id)?;
        e.plans.iter().find(|(f, _)| *f == fields).map(|(_, p)| p)
    }

    /// Caches a plan for struct `id` (which must be defined).
    pub(crate) fn insert_plan(&mut self, id: i32, fields: usize, plan: Arc<StructPlan>) {
        if let Some(e) = self.entry_mut(id) {
            e.plans.push((fields, plan));
        }
    }
}
