//! The decoding cursor: input position, the stream's type table, nesting depth, and the
//! structural walks every decoder shares (type sequences, skipping).

use super::DecoderState;
use crate::error::{Error, Result};
use crate::wire::{Builtin, Input, TypeId, WireType};
use std::sync::Arc;

/// A type id resolved against the stream's definitions.
#[derive(Debug, Clone)]
pub(crate) enum Resolved {
    Builtin(Builtin),
    Def(Arc<WireType>),
}

/// Input plus the stream state, for the length of one top-level value.
pub(crate) struct Cursor<'a, 'd> {
    pub(crate) input: Input<'a>,
    pub(crate) st: &'d mut DecoderState,
    depth: usize,
    /// The buffer `input` reads, when [`types::Bytes`](crate::types::Bytes) values may
    /// share it instead of copying.
    pub(crate) shared: Option<&'a bytes::Bytes>,
}

/// Go's error for a field delta past the last field.
pub(crate) fn err_range() -> Error {
    Error::corrupt("gob: bad data: field numbers out of bounds")
}

impl<'a, 'd> Cursor<'a, 'd> {
    pub(crate) fn new(input: Input<'a>, st: &'d mut DecoderState) -> Self {
        Cursor {
            input,
            st,
            depth: 0,
            shared: None,
        }
    }

    /// Attaches the current position to an error that has none.
    pub(crate) fn locate(&self, e: Error) -> Error {
        e.at(self.input.offset())
    }

    /// Reads type definitions until a value's type id (Go's `decodeTypeSequence(false)`).
    pub(crate) fn top_type_sequence(&mut self) -> Result<TypeId> {
        loop {
            if self.input.message_done() {
                self.input.next_message()?;
                if self.input.message_done() {
                    return Err(self.locate(Error::corrupt("gob: empty message")));
                }
            }
            let id = self.input.read_int()?;
            if id >= 0 {
                return self.value_id(id);
            }
            self.st.recv_type(id.saturating_neg(), &mut self.input)?;
            if !self.input.message_done() {
                return Err(self.locate(Error::corrupt("extra data in buffer")));
            }
        }
    }

    /// Reads the type definitions sent inside an interface value, stepping into following
    /// messages as Go's encoder split them, until the concrete type id
    /// (Go's `decodeTypeSequence(true)`).
    pub(crate) fn interface_type_sequence(&mut self) -> Result<TypeId> {
        loop {
            if self.input.message_done() {
                self.input.next_message()?;
                continue;
            }
            let id = self.input.read_int()?;
            if id >= 0 {
                return self.value_id(id);
            }
            self.st.recv_type(id.saturating_neg(), &mut self.input)?;
            if !self.input.message_done() {
                // An inline segment length written by a nested interface; Go discards it.
                self.input.read_uint()?;
            }
        }
    }

    /// Checks the id a value is announced with: a builtin, or a type defined on this stream.
    fn value_id(&self, id: i64) -> Result<TypeId> {
        let known = |id: i32| TypeId(id).builtin().is_some() || self.st.types.contains(id);
        match i32::try_from(id) {
            Ok(id) if id > 0 && known(id) => Ok(TypeId(id)),
            _ => Err(self.locate(Error::corrupt("gob: unknown type id or corrupted data"))),
        }
    }

    /// The definition (or builtin) behind an id.
    pub(crate) fn resolve(&self, id: TypeId) -> Result<Resolved> {
        if let Some(b) = id.builtin() {
            return Ok(Resolved::Builtin(b));
        }
        match self.st.types.get(id.0) {
            Some(t) => Ok(Resolved::Def(t.clone())),
            None => Err(self.locate(Error::corrupt(format!(
                "gob: bad data: undefined type id {id}"
            )))),
        }
    }

    /// Enters one level of value nesting.
    #[inline]
    pub(crate) fn descend(&mut self) -> Result<()> {
        if self.depth >= self.st.limits.max_depth {
            return Err(self.locate(Error::limit(format!(
                "gob: value nesting exceeds the limit of {} levels",
                self.st.limits.max_depth
            ))));
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves one level of value nesting.
    #[inline]
    pub(crate) fn ascend(&mut self) {
        self.depth -= 1;
    }

    /// Reads the `00` that precedes a non-struct top-level value.
    pub(crate) fn singleton_delta(&mut self) -> Result<()> {
        if self.input.read_uint()? != 0 {
            return Err(self.locate(Error::corrupt(
                "gob: decode: corrupted data: non-zero delta for singleton",
            )));
        }
        Ok(())
    }

    /// True if `id` names a struct definition (top-level structs carry no singleton delta).
    pub(crate) fn is_struct(&self, id: TypeId) -> bool {
        matches!(
            self.st.types.get(id.0).map(|t| &**t),
            Some(WireType::Struct { .. })
        )
    }

    /// Reads an interface's concrete type name; `None` for a nil interface.
    pub(crate) fn interface_name(&mut self) -> Result<Option<&'a [u8]>> {
        let at = self.input.offset();
        let n = self.input.read_uint()?;
        if n == 0 {
            return Ok(None);
        }
        let max = self.st.limits.max_interface_name;
        if n > max as u64 {
            return Err(Error::limit(format!(
                "gob: name too long ({n} bytes): the limit is {max}"
            ))
            .at(at));
        }
        if n > self.input.remaining() as u64 {
            return Err(Error::corrupt(format!(
                "gob: invalid type name length {n}: exceeds input size"
            ))
            .at(at));
        }
        Ok(Some(self.input.read_slice(n as usize)?))
    }

    /// After an interface's name: its definitions, concrete id and (ignored) byte count.
    pub(crate) fn interface_header(&mut self) -> Result<TypeId> {
        let id = self.interface_type_sequence()?;
        self.input.read_uint()?;
        Ok(id)
    }

    /// Skips a top-level value of type `id` (Go's `Decode(nil)`).
    pub(crate) fn skip_top(&mut self, id: TypeId) -> Result<()> {
        if !self.is_struct(id) {
            self.singleton_delta()?;
        }
        self.skip(id)
    }

    /// Skips one value of type `id`, structurally (never by a count the peer claims), still
    /// registering any type definitions inside it.
    pub(crate) fn skip(&mut self, id: TypeId) -> Result<()> {
        match self.resolve(id)? {
            Resolved::Builtin(b) => match b {
                Builtin::Bool | Builtin::Int | Builtin::Uint | Builtin::Float => {
                    self.input.read_uint()?;
                }
                Builtin::Complex => {
                    self.input.read_uint()?;
                    self.input.read_uint()?;
                }
                Builtin::Bytes | Builtin::String => {
                    self.input.read_bytes()?;
                }
                Builtin::Interface => {
                    if self.interface_name()?.is_some() {
                        let concrete = self.interface_header()?;
                        self.descend()?;
                        self.skip_top(concrete)?;
                        self.ascend();
                    }
                }
            },
            Resolved::Def(wt) => {
                self.descend()?;
                self.skip_def(&wt)?;
                self.ascend();
            }
        }
        Ok(())
    }

    /// Skips `n` elements (map entries when `value` is given).
    fn skip_elements(&mut self, elem: TypeId, value: Option<TypeId>, n: u64) -> Result<()> {
        for _ in 0..n {
            self.input.element(n)?;
            self.skip(elem)?;
            if let Some(v) = value {
                self.skip(v)?;
            }
        }
        Ok(())
    }

    fn skip_def(&mut self, wt: &WireType) -> Result<()> {
        match wt {
            WireType::Array { elem, len, .. } => {
                let n = self.input.read_count()?;
                if n as i64 != *len {
                    return Err(self.locate(Error::corrupt("gob: length mismatch in ignoreArray")));
                }
                self.skip_elements(*elem, None, n)?;
            }
            WireType::Slice { elem, .. } => {
                let n = self.input.read_count()?;
                self.skip_elements(*elem, None, n)?;
            }
            WireType::Map { key, elem, .. } => {
                let n = self.input.read_count()?;
                self.skip_elements(*key, Some(*elem), n)?;
            }
            WireType::Struct { fields, .. } => {
                let mut field = -1i64;
                while !self.input.message_done() {
                    let delta = self.input.read_uint()?;
                    if delta == 0 {
                        break;
                    }
                    field = field.saturating_add(delta.min(u32::MAX as u64) as i64);
                    let Some(f) = fields.get(field as usize) else {
                        return Err(self.locate(err_range()));
                    };
                    self.skip(f.id)?;
                }
            }
            WireType::Marshaler { .. } => {
                self.input.read_bytes()?;
            }
        }
        Ok(())
    }
}
