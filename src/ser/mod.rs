//! Encoding: per-stream type state, Go's type-definition order, message assembly.

mod kinds;
mod typedefs;
mod value;

use crate::error::{Error, Result};
use crate::schema::{GoKind, GobType, TypeBuilder, TypeRef};
use crate::wire::{put_int, put_uint_back};
use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;

pub(crate) use typedefs::TypeIds;

/// The encoding half of a gob stream, without I/O: it remembers which types the peer has been
/// sent and appends whole messages to a byte buffer you own.
///
/// One `EncoderState` per stream (per connection direction), for the stream's whole life, just
/// as Go keeps one `gob.Encoder` per connection: type definitions go out once.
///
/// ```
/// use gobrpc::EncoderState;
///
/// let mut enc = EncoderState::new();
/// let mut out = Vec::new();
/// enc.encode(&vec![1i64, 2, 3], &mut out)?;
/// // the definition of []int, then the value
/// assert_eq!(out, [0x0b, 0x7f, 0x02, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x04, 0x00, 0x00,
///                  0x07, 0xff, 0x80, 0x00, 0x03, 0x02, 0x04, 0x06]);
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct EncoderState {
    pub(crate) types: TypeBuilder,
    pub(crate) ids: TypeIds,
    /// The session's message buffers and Go's writer stack, kept between encodes for their
    /// capacity.
    bufs: Vec<Vec<u8>>,
    writers: Vec<usize>,
    pub(crate) kinds: kinds::KindCache,
    /// The length-prefix size of the last message encoded straight into the output: room
    /// for the next one's prefix is reserved at this size (see [`Session::encode_top`]).
    prefix_guess: usize,
}

impl EncoderState {
    /// A fresh stream: no type has been sent yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the messages that encode `value` (type definitions first, as needed) to `out`.
    /// On error, `out` is left as it was.
    pub fn encode<T: Serialize + GobType + ?Sized>(
        &mut self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let ty = T::build(&mut self.types);
        self.encode_with_type(value, ty, out)
    }

    /// Appends two values as one unit (a net/rpc header and its body): both or neither.
    pub(crate) fn encode_pair<A, B>(&mut self, a: &A, b: &B, out: &mut Vec<u8>) -> Result<()>
    where
        A: Serialize + GobType + ?Sized,
        B: Serialize + GobType + ?Sized,
    {
        let ta = A::build(&mut self.types);
        let tb = B::build(&mut self.types);
        self.session(out, |s| {
            s.encode_top(a, ta)?;
            s.encode_top(b, tb)
        })
    }

    /// Like [`encode`](Self::encode) for a value whose Go type was described separately.
    pub(crate) fn encode_with_type<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        ty: TypeRef,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        self.session(out, |s| s.encode_top(value, ty))
    }

    /// Runs `f` as one encode: the messages it completes are appended to `out`; on error
    /// `out` and the stream's type state are left as they were.
    pub(crate) fn session(
        &mut self,
        out: &mut Vec<u8>,
        f: impl FnOnce(&mut Session<'_>) -> Result<()>,
    ) -> Result<()> {
        let start = out.len();
        self.kinds.sync(&self.types);
        let snapshot = self.ids.snapshot();
        let mut session = Session::new(self, std::mem::take(out));
        let result = f(&mut session);
        session.finish(out);
        if let Err(e) = result {
            out.truncate(start);
            self.ids.rollback(snapshot);
            return Err(e);
        }
        Ok(())
    }

    /// The type registry this stream describes its types with.
    pub fn types(&mut self) -> &mut TypeBuilder {
        &mut self.types
    }
}

/// Room reserved in front of every message buffer for its length prefix.
const LEN_SPACE: usize = 9;

/// One `encode` call: the buffers of messages in progress and Go's writer stack.
pub(crate) struct Session<'e> {
    pub(crate) st: &'e mut EncoderState,
    /// Buffers in use: `st.bufs[0]` is the output stream, `st.bufs[depth - 1]` the buffer
    /// values are written into. Buffers past `depth` are kept for their capacity.
    depth: usize,
    /// Bumped whenever a buffer is flushed, so a struct field never rolls back past a flush.
    pub(crate) flushes: u64,
}

impl<'e> Session<'e> {
    #[inline]
    fn new(st: &'e mut EncoderState, out: Vec<u8>) -> Self {
        if st.bufs.is_empty() {
            st.bufs.push(Vec::new());
        }
        st.bufs[0] = out;
        st.writers.clear();
        st.writers.push(0);
        Session {
            st,
            depth: 1,
            flushes: 0,
        }
    }

    /// Hands the output back; keeps the other buffers (unless huge) for the next encode.
    #[inline]
    fn finish(self, out: &mut Vec<u8>) {
        *out = std::mem::take(&mut self.st.bufs[0]);
        for b in &mut self.st.bufs[1..] {
            if b.capacity() > 1 << 20 {
                *b = Vec::new();
            }
        }
    }

    /// The buffer values are being written into.
    #[inline]
    pub(crate) fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.st.bufs[self.depth - 1]
    }

    /// Starts a new message buffer (with room for its length prefix) on top of the stack.
    pub(crate) fn push_buffer(&mut self) {
        if self.depth == self.st.bufs.len() {
            self.st.bufs.push(Vec::new());
        }
        let b = &mut self.st.bufs[self.depth];
        b.clear();
        b.resize(LEN_SPACE, 0);
        self.depth += 1;
    }

    fn pop_buffer(&mut self) {
        self.depth -= 1;
    }

    /// Go's `writeMessage(w, b)`: prefixes the current buffer with its length, appends it to
    /// the buffer at `target`, and empties it.
    pub(crate) fn write_message(&mut self, target: usize) -> Result<()> {
        let top = self.depth - 1;
        debug_assert!(target < top);
        let (lo, hi) = self.st.bufs.split_at_mut(top);
        let src = &mut hi[0];
        let body = src.len() - LEN_SPACE;
        if body as u64 >= 1 << 33 {
            return Err(Error::encode("gob: encoder: message too big"));
        }
        let mut space = [0u8; LEN_SPACE];
        let n = put_uint_back(&mut space, body as u64);
        src[LEN_SPACE - n..LEN_SPACE].copy_from_slice(&space[LEN_SPACE - n..]);
        lo[target].extend_from_slice(&src[LEN_SPACE - n..]);
        src.truncate(LEN_SPACE);
        self.flushes += 1;
        Ok(())
    }

    /// The innermost writer (Go's `enc.writer()`).
    pub(crate) fn writer(&self) -> usize {
        *self.st.writers.last().expect("a writer")
    }

    pub(crate) fn encode_top<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        ty: TypeRef,
    ) -> Result<()> {
        let w = self.writer();
        if self.depth == 1 && w == 0 && self.st.kinds.flat(&self.st.types, ty) {
            return self.encode_top_direct(value, ty);
        }
        self.push_buffer();
        let id = self.send_type_descriptor(w, ty, true)?;
        put_int(self.buf(), id as i64);
        value::encode_top(self, value, ty)?;
        self.write_message(w)?;
        self.pop_buffer();
        Ok(())
    }

    /// [`encode_top`](Self::encode_top) for a value that reaches no interface (so nothing
    /// else is written while it is encoded): the message goes straight into the output after
    /// room for its length prefix, sized as the last one; if the guess was wrong, the body is
    /// moved once. This saves copying every message body from a buffer into the output.
    fn encode_top_direct<T: Serialize + ?Sized>(&mut self, value: &T, ty: TypeRef) -> Result<()> {
        let base = self.st.kinds.base(&self.st.types, ty);
        let id = match self.st.ids.all_sent(base) {
            Some(id) => id,
            None => {
                self.push_buffer();
                let id = self.send_type_descriptor(0, ty, true)?;
                self.pop_buffer();
                id
            }
        };
        let guess = self.st.prefix_guess.max(1);
        let out = &mut self.st.bufs[0];
        let start = out.len();
        out.resize(start + guess, 0);
        put_int(out, id as i64);
        value::encode_top(self, value, ty)?;
        let out = &mut self.st.bufs[0];
        let body = out.len() - start - guess;
        if body as u64 >= 1 << 33 {
            return Err(Error::encode("gob: encoder: message too big"));
        }
        let mut space = [0u8; LEN_SPACE];
        let n = put_uint_back(&mut space, body as u64);
        if n > guess {
            out.resize(out.len() + n - guess, 0);
            out.copy_within(start + guess..start + guess + body, start + n);
        } else if n < guess {
            out.copy_within(start + guess.., start + n);
            out.truncate(start + n + body);
        }
        out[start..start + n].copy_from_slice(&space[LEN_SPACE - n..]);
        self.st.prefix_guess = n;
        self.flushes += 1;
        Ok(())
    }

    /// Encodes a non-nil interface value whose concrete type is `ty`, sent under `name`
    /// (Go's `encodeInterface`).
    pub(crate) fn encode_interface<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        ty: TypeRef,
        value: &T,
    ) -> Result<()> {
        crate::wire::put_bytes(self.buf(), name.as_bytes());
        let w = self.writer();
        let id = self.send_type_descriptor(w, ty, false)?;
        put_int(self.buf(), id as i64);
        self.nested_value(|s| value::encode_top(s, value, ty))
    }

    /// Go's tail of `encodeInterface`: the concrete value goes into a buffer of its own, with
    /// the enclosing buffer as the writer for definitions met inside it, and is then appended
    /// to the enclosing buffer with its length in front.
    pub(crate) fn nested_value(&mut self, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        let b = self.depth - 1;
        self.st.writers.push(b);
        self.push_buffer();
        let r = f(self);
        self.st.writers.pop();
        r?;
        self.write_message(b)?;
        self.pop_buffer();
        Ok(())
    }

    /// Go's `sendTypeDescriptor`: assigns ids to `ty`'s whole static type as Go would, sends
    /// each definition the peer lacks (outer type first, each its own message through
    /// `writer`), and returns the id to send with the value.
    fn send_type_descriptor(&mut self, writer: usize, ty: TypeRef, top: bool) -> Result<i32> {
        let EncoderState { types, ids, .. } = &mut *self.st;
        let base = types.base(ty);
        if let Some(id) = ids.all_sent(base) {
            // The steady state: this type and everything it reaches went out before.
            return Ok(id);
        }
        let root_name = match types.get(base).kind {
            // Go builds a top-level marshaler whose user type is a pointer (`*big.Int`, or a
            // `*time.Time` value) from that pointer type, whose Name() is "".
            GoKind::Marshaler { ptr_receiver, .. } if top && (ptr_receiver || base != ty) => {
                Cow::Borrowed("")
            }
            _ => types.get(base).name.clone(),
        };
        let id = ids.assign(types, base, &root_name)?;
        let mut pending = Vec::new();
        ids.unsent_definitions(types, ty, top, &mut pending)?;
        for def in pending {
            let buf = &mut self.st.bufs[self.depth - 1];
            put_int(buf, -(def.id as i64));
            def.wire.encode(buf);
            self.write_message(writer)?;
        }
        self.st.ids.mark_all_sent(base);
        Ok(id)
    }
}

/// Encodes gob values onto a [`std::io::Write`], like Go's `gob.NewEncoder(w)`.
///
/// Each [`encode`](Self::encode) writes whole messages in one `write_all` call.
///
/// ```
/// use gobrpc::{Encoder, GobType};
/// use serde::Serialize;
///
/// #[derive(Serialize, GobType)]
/// #[gob(name = "main.Point")]
/// struct Point { #[serde(rename = "X")] x: i64, #[serde(rename = "Y")] y: i64 }
///
/// let mut enc = Encoder::new(Vec::new());
/// enc.encode(&Point { x: 22, y: 33 })?;
/// let bytes = enc.into_inner();
/// assert_eq!(&bytes[bytes.len() - 8..], [0x07, 0xff, 0x80, 0x01, 0x2c, 0x01, 0x42, 0x00]);
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Debug)]
pub struct Encoder<W> {
    writer: W,
    state: EncoderState,
    buf: Vec<u8>,
}

impl<W: Write> Encoder<W> {
    /// An encoder for a new stream written to `writer`.
    pub fn new(writer: W) -> Self {
        Encoder {
            writer,
            state: EncoderState::new(),
            buf: Vec::new(),
        }
    }

    /// Writes `value`, preceded by any type definitions the stream still lacks.
    pub fn encode<T: Serialize + GobType + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.buf.clear();
        self.state.encode(value, &mut self.buf)?;
        self.writer.write_all(&self.buf)?;
        Ok(())
    }

    /// The stream's type state.
    pub fn state(&mut self) -> &mut EncoderState {
        &mut self.state
    }

    /// A reference to the underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.writer
    }

    /// Returns the underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

/// Encodes one value as a complete gob stream (its type definitions, then the value).
///
/// ```
/// assert_eq!(gobrpc::to_vec(&3i64)?, [0x03, 0x04, 0x00, 0x06]);
/// # Ok::<(), gobrpc::Error>(())
/// ```
pub fn to_vec<T: Serialize + GobType + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    EncoderState::new().encode(value, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::EncoderState;

    /// A message written straight into the output whose length prefix is longer, then
    /// shorter, than the last one's: the body is moved and the prefix is Go's.
    #[test]
    fn direct_messages_with_changing_prefix_sizes() {
        let long = "a".repeat(200);
        let mut enc = EncoderState::new();
        let mut out = Vec::new();
        for s in ["hi", &long, "hi", &long] {
            enc.encode(s, &mut out).unwrap();
        }
        // string is builtin id 6 (0x0c), then the singleton delta 0x00
        let short_msg = [0x05, 0x0c, 0x00, 0x02, b'h', b'i'];
        let mut long_msg = vec![0xff, 0xcc, 0x0c, 0x00, 0xff, 0xc8];
        long_msg.extend_from_slice(long.as_bytes());
        let want = [&short_msg[..], &long_msg, &short_msg, &long_msg].concat();
        assert_eq!(out, want);
    }
}
