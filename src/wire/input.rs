//! A cursor over buffered gob bytes that knows where the current message ends.

use super::scalar::{uint_to_float, uint_to_int};
use crate::error::{Error, Result};

/// Buffered stream bytes plus the position of the current message.
///
/// A gob value normally lives in one message, but an interface value whose concrete type is
/// defined on the fly continues in the *next* message (Go flushes its buffer when it writes the
/// definition), so the cursor can step into the following message when the decoder asks.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
    origin: u64,
    max_message: usize,
    /// A stretch of `data`, starting at `text_at`, already checked to be UTF-8: strings inside
    /// it are sliced out of it instead of being validated one by one (see
    /// [`read_str`](Self::read_str)).
    text: &'a str,
    text_at: usize,
    /// How far ahead of a string the next stretch reaches (0 before the first).
    window: usize,
}

/// The bounds of how far ahead of a string [`Input::read_str`] validates UTF-8 in one go:
/// a lone string is validated on its own (it should not pay for the data after it); the
/// window opens at the second of two close strings and doubles while they keep coming.
const TEXT_WINDOW_MIN: usize = 64;
const TEXT_WINDOW: usize = 4096;

impl<'a> Input<'a> {
    /// A cursor at the start of `data`, between messages. `origin` is the stream offset of
    /// `data[0]` (for error positions); `max_message` bounds every message length prefix.
    pub fn new(data: &'a [u8], origin: u64, max_message: usize) -> Self {
        Input {
            data,
            pos: 0,
            end: 0,
            origin,
            max_message,
            text: "",
            text_at: 0,
            window: 0,
        }
    }

    /// The stream offset of the cursor.
    #[inline]
    pub fn offset(&self) -> u64 {
        self.origin + self.pos as u64
    }

    /// Bytes consumed from `data` so far.
    #[inline]
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// Bytes left in the current message.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// True when the current message is used up.
    #[inline]
    pub fn message_done(&self) -> bool {
        self.pos == self.end
    }

    /// True when no buffered byte is left after the cursor.
    pub fn at_end_of_data(&self) -> bool {
        self.pos == self.data.len()
    }

    /// Drops what is left of the current message (Go discards trailing bytes after a value).
    pub fn finish_message(&mut self) {
        self.pos = self.end;
    }

    /// Steps into the next message. The current one must be used up. Returns
    /// `UnexpectedEof` when the buffered bytes do not hold the whole next message (for a
    /// sans-IO caller: "feed more bytes"), and a `Limit` error for an oversized length.
    pub fn next_message(&mut self) -> Result<()> {
        debug_assert!(self.message_done());
        let start = self.pos;
        let Some(&first) = self.data.get(start) else {
            return Err(Error::unexpected_eof());
        };
        // Most lengths are one byte: read in place, without a probing cursor.
        let (len, body) = if first < 0x80 {
            (first as u64, start + 1)
        } else {
            let mut probe = Input {
                data: self.data,
                pos: start,
                end: self.data.len(),
                origin: self.origin,
                max_message: self.max_message,
                text: "",
                text_at: 0,
                window: 0,
            };
            match probe.read_uint() {
                Ok(len) => (len, probe.pos),
                // A length prefix cut short by the end of the buffered bytes.
                Err(_) if self.prefix_is_truncated(first, start) => {
                    return Err(Error::unexpected_eof())
                }
                Err(e) => return Err(e),
            }
        };
        if len >= self.max_message as u64 {
            return Err(Error::limit(format!(
                "gob: invalid message length {len}: exceeds the limit of {} bytes",
                self.max_message
            ))
            .at(self.origin + start as u64));
        }
        if (self.data.len() - body) < len as usize {
            return Err(Error::unexpected_eof());
        }
        self.pos = body;
        self.end = body + len as usize;
        Ok(())
    }

    /// True if the multi-byte length prefix starting with `first` at `start` runs past the
    /// buffered bytes.
    fn prefix_is_truncated(&self, first: u8, start: usize) -> bool {
        let n = (first as i8).unsigned_abs() as usize;
        first >= 0xf8 && self.data.len() - start - 1 < n
    }

    /// Whether the next byte exists and begins a new message (used to tell a clean EOF).
    pub fn has_more_data(&self) -> bool {
        self.pos < self.data.len()
    }

    #[inline]
    fn err_at(&self, e: Error) -> Error {
        e.at(self.offset())
    }

    /// Reads one byte of the current message.
    #[inline]
    pub fn read_u8(&mut self) -> Result<u8> {
        if self.pos < self.end {
            let b = self.data[self.pos];
            self.pos += 1;
            Ok(b)
        } else {
            Err(self.truncated())
        }
    }

    /// The error for a value that runs past the end of its message.
    #[cold]
    pub fn truncated(&self) -> Error {
        self.err_at(Error::corrupt(
            "gob: bad data: value runs past the end of its message",
        ))
    }

    /// Reads a gob unsigned integer.
    #[inline]
    pub fn read_uint(&mut self) -> Result<u64> {
        match self.data[..self.end].get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                Ok(b as u64)
            }
            _ => self.read_uint_long(),
        }
    }

    /// [`read_uint`](Self::read_uint) past its one-byte case.
    fn read_uint_long(&mut self) -> Result<u64> {
        let b = self.read_u8()?;
        if b < 0x80 {
            return Ok(b as u64);
        }
        let n = (b as i8).unsigned_abs() as usize;
        if n > 8 || self.remaining() < n {
            self.pos -= 1;
            return Err(self.bad_uint(n));
        }
        let mut x = 0u64;
        for &byte in &self.data[self.pos..self.pos + n] {
            x = (x << 8) | byte as u64;
        }
        self.pos += n;
        Ok(x)
    }

    #[cold]
    fn bad_uint(&self, n: usize) -> Error {
        if n > 8 {
            return self.err_at(Error::corrupt("gob: encoded unsigned integer out of range"));
        }
        let left = self.remaining() - 1;
        self.err_at(Error::corrupt(format!(
            "gob: invalid uint data length {n}: exceeds input size {left}"
        )))
    }

    /// Reads a gob signed integer.
    #[inline]
    pub fn read_int(&mut self) -> Result<i64> {
        self.read_uint().map(uint_to_int)
    }

    /// Reads a gob float.
    #[inline]
    pub fn read_float(&mut self) -> Result<f64> {
        self.read_uint().map(uint_to_float)
    }

    /// Reads a length or count that must not exceed the bytes left in the message
    /// (`min_size` is the least number of bytes each counted item occupies).
    #[inline]
    pub fn read_len(&mut self, what: &str, min_size: usize) -> Result<usize> {
        let start = self.pos;
        let n = self.read_uint()?;
        let left = self.remaining() as u64;
        if n.saturating_mul(min_size as u64) > left {
            self.pos = start;
            return Err(self.err_at(Error::corrupt(format!(
                "gob: {what} {n} exceeds input size {left}"
            ))));
        }
        Ok(n as usize)
    }

    /// Reads an element count (array, slice, map). Unlike a byte length it is not checked
    /// against the current message: elements holding interfaces may continue in later
    /// messages. Check each element with [`element`](Self::element) instead, as Go does.
    #[inline]
    pub fn read_count(&mut self) -> Result<u64> {
        self.read_uint()
    }

    /// Checks that element `i` of `n` can start: the current message must not be used up
    /// (every element takes at least one byte, so a lying count ends in this error).
    #[inline]
    pub fn element(&self, n: u64) -> Result<()> {
        if self.message_done() {
            return Err(self.err_at(Error::corrupt(format!(
                "gob: decoding array or slice: length exceeds input size ({n} elements)"
            ))));
        }
        Ok(())
    }

    /// How many of `n` announced elements to preallocate room for: no more than the bytes
    /// left could hold.
    #[inline]
    pub fn capacity_hint(&self, n: u64) -> usize {
        n.min(self.remaining() as u64) as usize
    }

    /// Reads `n` raw bytes of the current message.
    #[inline]
    pub fn read_slice(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return Err(self.truncated());
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Reads a length-prefixed byte string.
    #[inline]
    pub fn read_bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.read_len("string/bytes length", 1)?;
        self.read_slice(n)
    }

    /// Reads a length-prefixed string: `Some` if it is UTF-8, `None` if not.
    ///
    /// Validating each short string on its own costs more than the rest of its decoding, so
    /// the bytes from the string up to a window further (within the message; from 64 bytes,
    /// doubling up to `TEXT_WINDOW`, while strings come close together) are validated at
    /// once and later strings in that stretch are sliced out of it (slicing a `str` at char
    /// boundaries yields UTF-8). Stretches start at successive strings and end where valid
    /// UTF-8 ends, so each byte is validated about once.
    #[inline]
    pub fn read_str(&mut self) -> Result<Option<&'a str>> {
        let (start, end) = match self.data.get(self.pos) {
            // A one-byte length that the message can hold: most strings.
            Some(&n) if n < 0x80 && self.pos < self.end && (n as usize) < self.end - self.pos => {
                (self.pos + 1, self.pos + 1 + n as usize)
            }
            _ => {
                let n = self.read_bytes()?.len();
                (self.pos - n, self.pos)
            }
        };
        self.pos = end;
        let text_end = self.text_at + self.text.len();
        if start < self.text_at || end > text_end {
            // A string close after the last stretch (as in a `[]string`) earns a longer
            // stretch; any other string is validated on its own.
            let dense = !self.text.is_empty() && start >= self.text_at && start <= text_end + 16;
            self.window = match dense {
                true => (self.window * 2).clamp(TEXT_WINDOW_MIN, TEXT_WINDOW),
                false => 0,
            };
            let stop = self.end.min(end.max(start.saturating_add(self.window)));
            let ahead = &self.data[start..stop];
            self.text = match std::str::from_utf8(ahead) {
                Ok(t) => t,
                Err(e) => std::str::from_utf8(&ahead[..e.valid_up_to()]).unwrap_or(""),
            };
            self.text_at = start;
        }
        Ok(self
            .text
            .get(start - self.text_at..end - self.text_at)
            .or_else(|| std::str::from_utf8(&self.data[start..end]).ok()))
    }

    /// Attaches the current offset to an error.
    pub fn error(&self, e: Error) -> Error {
        self.err_at(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_messages_and_scalars() {
        let data = [0x03, 0x04, 0x00, 0x06, 0x02, 0xff, 0x80];
        let mut input = Input::new(&data, 0, 1 << 20);
        input.next_message().unwrap();
        assert_eq!(input.read_int().unwrap(), 2);
        assert_eq!(input.read_uint().unwrap(), 0);
        assert_eq!(input.read_int().unwrap(), 3);
        assert!(input.message_done());
        input.next_message().unwrap();
        assert_eq!(input.read_uint().unwrap(), 0x80);
    }

    #[test]
    fn truncated_message_is_unexpected_eof() {
        let data = [0x05, 0x04, 0x00];
        let mut input = Input::new(&data, 0, 1 << 20);
        let e = input.next_message().unwrap_err();
        assert_eq!(e.category(), crate::Category::UnexpectedEof);
        let data = [0xfe, 0x01];
        let mut input = Input::new(&data, 0, 1 << 20);
        let e = input.next_message().unwrap_err();
        assert_eq!(e.category(), crate::Category::UnexpectedEof);
    }

    #[test]
    fn oversized_length_is_a_limit_error() {
        // A length prefix of 2^60.
        let data = [0xf8, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x00];
        let mut input = Input::new(&data, 0, 64 << 20);
        let e = input.next_message().unwrap_err();
        assert_eq!(e.category(), crate::Category::Limit);
    }

    /// One message holding `strings` as length-prefixed byte strings.
    fn message_of(strings: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        for s in strings {
            crate::wire::put_bytes(&mut body, s);
        }
        let mut data = Vec::new();
        crate::wire::put_uint(&mut data, body.len() as u64);
        data.extend_from_slice(&body);
        data
    }

    #[test]
    fn read_str_checks_each_string_around_invalid_bytes() {
        let strings: [&[u8]; 6] = [b"ab", b"\xff", "\u{e9}".as_bytes(), b"\xc3", b"ok", b""];
        let data = message_of(&strings);
        let mut input = Input::new(&data, 0, 1 << 20);
        input.next_message().unwrap();
        let got: Vec<_> = (0..6).map(|_| input.read_str().unwrap()).collect();
        assert_eq!(
            got,
            [Some("ab"), None, Some("\u{e9}"), None, Some("ok"), Some("")]
        );
        assert!(input.message_done());
    }

    #[test]
    fn read_str_across_validation_windows() {
        // 6 bytes a string with its length: windows of 64, 256, 1024 and 4096 bytes from a
        // string's start end after the first byte of a euro sign (63 % 6 == 3).
        let s = "xx\u{20ac}";
        let strings = vec![s.as_bytes(); 2 * TEXT_WINDOW / 6];
        let data = message_of(&strings);
        let mut input = Input::new(&data, 0, 1 << 20);
        input.next_message().unwrap();
        for _ in 0..strings.len() {
            assert_eq!(input.read_str().unwrap(), Some(s));
        }
        assert!(input.message_done());
    }

    #[test]
    fn bad_uint_prefix() {
        let data = [0x02, 0xf7, 0x00];
        let mut input = Input::new(&data, 0, 1 << 20);
        input.next_message().unwrap();
        let e = input.read_uint().unwrap_err();
        assert_eq!(
            e.to_string(),
            "gob: encoded unsigned integer out of range at byte offset 1"
        );
    }
}
