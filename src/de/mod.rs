//! Decoding: per-stream type table, limits, the top-level message sequence.

mod access;
mod borrow;
mod cursor;
mod stream_types;
mod value;
mod zero;

pub(crate) use borrow::invalid_type;
pub(crate) use cursor::{err_range, Cursor, Resolved};

use crate::error::{Category, Error, Result};
use crate::wire::{Input, TypeId, WireType};
use serde::de::{Deserialize, DeserializeOwned};
use std::io::Read;
use std::sync::Arc;

/// Bounds on what a peer can make the decoder do. The defaults are safe for untrusted input;
/// raise them for trusted peers that send bigger or deeper values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest message (length prefix) accepted. Default 64 MiB. Go accepts up to 8 GiB.
    pub max_message: usize,
    /// Deepest nesting of values (structs, slices, arrays, maps, interfaces) accepted.
    /// Default 500. Go has no limit and dies of stack overflow at a few million levels.
    pub max_depth: usize,
    /// Most type definitions one stream may register. Default 10,000.
    pub max_type_defs: usize,
    /// Most bytes of type definitions one stream may send in total. Default 8 MiB.
    pub max_type_def_bytes: usize,
    /// Longest interface concrete-type name accepted. Default 1024, as in Go.
    pub max_interface_name: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: 64 << 20,
            max_depth: 500,
            max_type_defs: 10_000,
            max_type_def_bytes: 8 << 20,
            max_interface_name: 1024,
        }
    }
}

impl Limits {
    /// Sets [`max_message`](Self::max_message).
    pub fn max_message(mut self, n: usize) -> Self {
        self.max_message = n;
        self
    }

    /// Sets [`max_depth`](Self::max_depth).
    pub fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }

    /// Sets [`max_type_defs`](Self::max_type_defs).
    pub fn max_type_defs(mut self, n: usize) -> Self {
        self.max_type_defs = n;
        self
    }

    /// Sets [`max_type_def_bytes`](Self::max_type_def_bytes).
    pub fn max_type_def_bytes(mut self, n: usize) -> Self {
        self.max_type_def_bytes = n;
        self
    }

    /// Sets [`max_interface_name`](Self::max_interface_name).
    pub fn max_interface_name(mut self, n: usize) -> Self {
        self.max_interface_name = n;
        self
    }
}

/// The decoding half of a gob stream, without I/O: the peer's type definitions, limits, and a
/// message-at-a-time API over bytes you buffer.
///
/// [`decode`](Self::decode) takes the bytes received so far and either decodes one value from
/// their front (returning how many bytes it used) or reports that more bytes are needed,
/// without keeping anything from the incomplete attempt. An async codec can drive it straight
/// from its read buffer.
///
/// ```
/// use gobrpc::DecoderState;
///
/// let bytes = [0x03, 0x04, 0x00, 0x06, 0x03, 0x04];
/// let mut dec = DecoderState::new();
/// let (v, used) = dec.decode::<i64>(&bytes)?.expect("one whole value");
/// assert_eq!((v, used), (3, 4));
/// assert!(dec.decode::<i64>(&bytes[used..])?.is_none()); // the next value is incomplete
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct DecoderState {
    pub(crate) types: stream_types::StreamTypes,
    pub(crate) limits: Limits,
    typedef_bytes: usize,
    journal: Vec<(i32, usize)>,
    /// Stream offset of the next byte handed to `decode`.
    offset: u64,
    /// Strict mode: a wire struct field the Rust type lacks is an error.
    strict: bool,
    /// Go's name of the type being decoded at the top level, when the caller knows it (the
    /// server does): type errors then name it as Go's decoder would.
    pub(crate) top_go_name: Option<std::sync::Arc<str>>,
}

impl DecoderState {
    /// A fresh stream with default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh stream with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        DecoderState {
            limits,
            ..Self::default()
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Sets strict mode: in it, a struct field on the wire that the Rust type lacks is an
    /// error ([`Category::Type`]) naming the field, for every type (as
    /// `#[serde(deny_unknown_fields)]` makes it for one type). Off by default: such fields
    /// are skipped, as Go skips them, each with a `tracing` debug event (target `gobrpc`,
    /// fields `field`, `wire_type`, `rust_type`), so a name that does not match is visible
    /// in a debug log.
    ///
    /// ```
    /// use gobrpc::{Category, DecoderState, GobType};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, GobType)]
    /// #[gob(name = "main.Entry")]
    /// struct Sent { #[serde(rename = "Key")] key: String, #[serde(rename = "TTL")] ttl: i64 }
    ///
    /// #[derive(Deserialize, Debug)]
    /// #[serde(rename_all = "PascalCase")] // Ttl: does not match Go's TTL
    /// struct Entry { key: String, ttl: i64 }
    ///
    /// let bytes = gobrpc::to_vec(&Sent { key: "k".into(), ttl: 30 })?;
    /// let mut dec = DecoderState::new();
    /// dec.set_strict(true);
    /// let err = dec.decode::<Entry>(&bytes).unwrap_err();
    /// assert_eq!(err.category(), Category::Type);
    /// assert!(err.to_string().starts_with("gob: wire field TTL of Entry has no field in the Rust type Entry"));
    /// # Ok::<(), gobrpc::Error>(())
    /// ```
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// True in strict mode (see [`set_strict`](Self::set_strict)).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The peer's definition of type `id`, if it has sent one.
    pub fn wire_type(&self, id: TypeId) -> Option<&WireType> {
        self.types.get(id.0).map(|t| &**t)
    }

    /// Decodes one value from the front of `buf`. Returns the value and the number of bytes
    /// it used, or `None` if `buf` does not yet hold the whole value (nothing is kept from the
    /// attempt; call again with more bytes). A failed attempt keeps nothing either: after an
    /// error of category [`Type`](Category::Type) (valid gob that does not fit `T`), the same
    /// bytes can be [skipped](Self::skip) and the stream goes on.
    ///
    /// `T` may borrow from `buf` (`&'de str`, `&'de [u8]`, `Cow<'de, str>` with
    /// `#[serde(borrow)]`): see [Borrowed decoding](crate#borrowed-decoding). Every check
    /// runs as for an owned `T` (UTF-8, limits, depth).
    ///
    /// ```
    /// use gobrpc::DecoderState;
    ///
    /// let bytes = gobrpc::to_vec(&vec!["alpha", "beta"])?;
    /// let (names, _) = DecoderState::new().decode::<Vec<&str>>(&bytes)?.expect("whole");
    /// assert_eq!(names, ["alpha", "beta"]); // slices of `bytes`, no copies
    /// # Ok::<(), gobrpc::Error>(())
    /// ```
    pub fn decode<'de, T: Deserialize<'de>>(
        &mut self,
        buf: &'de [u8],
    ) -> Result<Option<(T, usize)>> {
        self.run_on(buf, None, |c, id| value::deserialize_top::<T>(c, id))
    }

    /// [`decode`](Self::decode) into a value whose Go type is `go_name` (`"main.Args"`),
    /// so that a type mismatch is worded with Go's name, as Go's decoder words it.
    pub(crate) fn decode_go_named<T: DeserializeOwned>(
        &mut self,
        buf: &[u8],
        go_name: &std::sync::Arc<str>,
    ) -> Result<Option<(T, usize)>> {
        self.top_go_name = Some(go_name.clone());
        let result = self.decode(buf);
        self.top_go_name = None;
        result
    }

    /// Like [`decode`](Self::decode), but [`types::Bytes`](crate::types::Bytes) values of
    /// 1 KiB or more are views into `buf` instead of copies (see there). This is how the
    /// client decodes large replies.
    pub fn decode_shared<T: DeserializeOwned>(
        &mut self,
        buf: &bytes::Bytes,
    ) -> Result<Option<(T, usize)>> {
        self.run_on(buf, Some(buf), |c, id| value::deserialize_top::<T>(c, id))
    }

    /// Decodes one value of any type into a [`TypedValue`](crate::TypedValue), keeping the
    /// type definitions it used. Returns `None` if `buf` does not yet hold the whole value.
    pub fn decode_value(&mut self, buf: &[u8]) -> Result<Option<(crate::TypedValue, usize)>> {
        self.run(buf, crate::value::decode_top)
    }

    /// Decodes and discards one value (Go's `Decode(nil)`), still registering the type
    /// definitions it carries. Returns the bytes used, or `None` if more are needed.
    pub fn skip(&mut self, buf: &[u8]) -> Result<Option<usize>> {
        Ok(self.run(buf, |c, id| c.skip_top(id))?.map(|((), n)| n))
    }

    /// The bytes the value at the front of `buf` takes, or `None` if `buf` does not hold it
    /// whole yet; the stream is left as it was (the definitions the value carries are not
    /// kept: the decode that follows registers them).
    pub(crate) fn measure(&mut self, buf: &[u8]) -> Result<Option<usize>> {
        let offset = self.offset;
        let used = self.skip(buf)?;
        if used.is_some() {
            self.rollback();
            self.offset = offset;
        }
        Ok(used)
    }

    /// Runs one top-level decode: type definitions, then one value of the id that follows.
    pub(crate) fn run<T>(
        &mut self,
        buf: &[u8],
        f: impl FnOnce(&mut Cursor<'_, '_>, TypeId) -> Result<T>,
    ) -> Result<Option<(T, usize)>> {
        self.run_on(buf, None, f)
    }

    /// [`run`](Self::run), with `shared` the buffer `buf` is (for shared `Bytes`).
    fn run_on<'a, T>(
        &mut self,
        buf: &'a [u8],
        shared: Option<&'a bytes::Bytes>,
        f: impl FnOnce(&mut Cursor<'a, '_>, TypeId) -> Result<T>,
    ) -> Result<Option<(T, usize)>> {
        if buf.is_empty() {
            // Nothing has arrived yet (a framed reader asks after every message it took).
            return Ok(None);
        }
        self.journal.clear();
        let offset = self.offset;
        let max = self.limits.max_message;
        let mut cursor = Cursor::new(Input::new(buf, offset, max), self);
        cursor.shared = shared;
        let result = cursor
            .top_type_sequence()
            .and_then(|id| f(&mut cursor, id).map_err(|e| cursor.locate(e)));
        let used = cursor.input.consumed();
        match result {
            Ok(v) => {
                cursor.input.finish_message();
                let used = cursor.input.consumed().max(used);
                self.offset += used as u64;
                Ok(Some((v, used)))
            }
            Err(e) if e.category() == Category::UnexpectedEof => {
                self.rollback();
                Ok(None)
            }
            Err(e) => {
                // Nothing of a failed attempt stays either: a caller that skips the value
                // next (a server answering with the decode error) registers its types anew.
                self.rollback();
                Err(e)
            }
        }
    }

    /// Forgets the type definitions that the last decode attempt registered.
    fn rollback(&mut self) {
        while let Some((id, bytes)) = self.journal.pop() {
            self.types.remove(id);
            self.typedef_bytes -= bytes;
        }
    }

    /// Registers the definition of `id` that `input` is positioned at (Go's `recvType`).
    pub(crate) fn recv_type(&mut self, id: i64, input: &mut Input<'_>) -> Result<()> {
        let at = input.offset();
        if id < TypeId::FIRST_USER.0 as i64 || id > i32::MAX as i64 {
            return Err(Error::corrupt("gob: duplicate type received").at(at));
        }
        let id = id as i32;
        if self.types.contains(id) {
            return Err(Error::corrupt("gob: duplicate type received").at(at));
        }
        if self.types.len() >= self.limits.max_type_defs {
            return Err(Error::limit(format!(
                "gob: more than {} type definitions on one stream",
                self.limits.max_type_defs
            ))
            .at(at));
        }
        let start = input.consumed();
        let wire = WireType::decode(input)?;
        let bytes = input.consumed() - start;
        if self.typedef_bytes + bytes > self.limits.max_type_def_bytes {
            return Err(Error::limit(format!(
                "gob: type definitions exceed {} bytes on one stream",
                self.limits.max_type_def_bytes
            ))
            .at(at));
        }
        self.typedef_bytes += bytes;
        self.types.insert(id, Arc::new(wire));
        self.journal.push((id, bytes));
        Ok(())
    }
}

/// Decodes gob values from a [`std::io::Read`], like Go's `gob.NewDecoder(r)`.
///
/// Reads whole messages (never trusting a length prefix for an allocation beyond what has
/// actually arrived) and decodes values from them.
///
/// ```
/// use gobrpc::Decoder;
///
/// let bytes: &[u8] = &[0x08, 0x0c, 0x00, 0x05, b'h', b'e', b'l', b'l', b'o'];
/// let mut dec = Decoder::new(bytes);
/// let s: String = dec.decode()?;
/// assert_eq!(s, "hello");
/// assert!(dec.decode::<String>().unwrap_err().is_eof());
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Debug)]
pub struct Decoder<R> {
    reader: R,
    state: DecoderState,
    /// Bytes read; `buf[pos..]` are not yet decoded.
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

/// How much is read from the underlying reader at a time.
const READ_CHUNK: usize = 64 << 10;

impl<R: Read> Decoder<R> {
    /// A decoder for a new stream read from `reader`, with default [`Limits`].
    pub fn new(reader: R) -> Self {
        Self::with_limits(reader, Limits::default())
    }

    /// A decoder with the given limits.
    pub fn with_limits(reader: R, limits: Limits) -> Self {
        Decoder {
            reader,
            state: DecoderState::with_limits(limits),
            buf: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    /// Reads the next value. A clean end of stream before any byte of a value is an error
    /// whose [`is_eof`](Error::is_eof) is true.
    ///
    /// The value is owned: the decoder reuses its read buffer, so nothing can borrow from it.
    /// To borrow (`&str`, `&[u8]`), decode with [`DecoderState::decode`] or
    /// [`from_slice`] from a buffer you hold. Asking for a borrowed type does not compile:
    ///
    /// ```compile_fail
    /// let bytes: &[u8] = &[0x08, 0x0c, 0x00, 0x05, b'h', b'e', b'l', b'l', b'o'];
    /// let mut dec = gobrpc::Decoder::new(bytes);
    /// let s: &str = dec.decode()?; // `&str` is not `DeserializeOwned`
    /// # Ok::<(), gobrpc::Error>(())
    /// ```
    pub fn decode<T: DeserializeOwned>(&mut self) -> Result<T> {
        self.drive(|st, buf| st.decode::<T>(buf))
    }

    /// Reads the next value of any type as a [`TypedValue`](crate::TypedValue).
    pub fn decode_value(&mut self) -> Result<crate::TypedValue> {
        self.drive(|st, buf| st.decode_value(buf))
    }

    /// Reads and discards the next value (Go's `Decode(nil)`).
    pub fn skip(&mut self) -> Result<()> {
        self.drive(|st, buf| Ok(st.skip(buf)?.map(|n| ((), n))))
    }

    /// Sets strict mode (see [`DecoderState::set_strict`]): a wire struct field the Rust
    /// type lacks is an error instead of being skipped.
    pub fn set_strict(&mut self, strict: bool) {
        self.state.set_strict(strict);
    }

    /// The stream's type state.
    pub fn state(&mut self) -> &mut DecoderState {
        &mut self.state
    }

    pub(crate) fn drive<T>(
        &mut self,
        mut f: impl FnMut(&mut DecoderState, &[u8]) -> Result<Option<(T, usize)>>,
    ) -> Result<T> {
        loop {
            let unread = &self.buf[self.pos..];
            if !unread.is_empty() || self.eof {
                if let Some((v, used)) = f(&mut self.state, unread)? {
                    self.pos += used;
                    return Ok(v);
                }
            }
            if self.eof {
                return Err(if self.pos == self.buf.len() {
                    Error::eof()
                } else {
                    Error::unexpected_eof()
                });
            }
            self.fill()?;
        }
    }

    /// Reads one more chunk. Memory grows only with bytes that actually arrived, never with
    /// what a length prefix claims.
    fn fill(&mut self) -> Result<()> {
        // Drop what was consumed before growing (cheap: only when it is most of the buffer).
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let start = self.buf.len();
        self.buf.resize(start + READ_CHUNK, 0);
        let n = loop {
            match self.reader.read(&mut self.buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(start);
                    return Err(Error::io(e));
                }
            }
        };
        self.buf.truncate(start + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// Returns the underlying reader (bytes already buffered are lost).
    pub fn into_inner(self) -> R {
        self.reader
    }
}

/// Decodes the first value of a complete gob stream held in memory.
///
/// ```
/// let v: Vec<i64> = gobrpc::from_slice(&gobrpc::to_vec(&vec![1i64, 2, 3])?)?;
/// assert_eq!(v, [1, 2, 3]);
/// # Ok::<(), gobrpc::Error>(())
/// ```
///
/// `T` may borrow from `bytes` (see [Borrowed decoding](crate#borrowed-decoding)):
///
/// ```
/// use serde::Deserialize;
/// use std::borrow::Cow;
///
/// #[derive(Deserialize)]
/// struct Entry<'a> {
///     #[serde(rename = "Key")]
///     key: &'a str,
///     #[serde(rename = "Tags")]
///     tags: Vec<&'a str>,
///     #[serde(rename = "Note", borrow)] // serde borrows a Cow only with `borrow`
///     note: Cow<'a, str>,
/// }
///
/// #[derive(serde::Serialize, gobrpc::GobType)]
/// struct Sent<'a> { #[serde(rename = "Key")] key: &'a str, #[serde(rename = "Tags")] tags: Vec<&'a str>, #[serde(rename = "Note")] note: &'a str }
///
/// let bytes = gobrpc::to_vec(&Sent { key: "k1", tags: vec!["a", "b"], note: "hi" })?;
/// let e: Entry = gobrpc::from_slice(&bytes)?;
/// assert_eq!((e.key, &e.tags[..]), ("k1", &["a", "b"][..]));
/// assert!(matches!(e.note, Cow::Borrowed("hi")));
/// # Ok::<(), gobrpc::Error>(())
/// ```
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T> {
    match DecoderState::new().decode(bytes)? {
        Some((v, _)) => Ok(v),
        None if bytes.is_empty() => Err(Error::eof()),
        None => Err(Error::unexpected_eof()),
    }
}
