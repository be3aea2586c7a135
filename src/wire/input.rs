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
}

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
        let mut probe = Input {
            data: self.data,
            pos: start,
            end: self.data.len(),
            origin: self.origin,
            max_message: self.max_message,
        };
        let len = match probe.read_uint() {
            Ok(len) => len,
            Err(e) if probe.data.len() - start < 9 && e.category() == crate::Category::Corrupt => {
                // A length prefix cut short by the end of the buffered bytes.
                if self.prefix_is_truncated(start) {
                    return Err(Error::unexpected_eof());
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        if len >= self.max_message as u64 {
            return Err(Error::limit(format!(
                "gob: invalid message length {len}: exceeds the limit of {} bytes",
                self.max_message
            ))
            .at(self.origin + start as u64));
        }
        let body = probe.pos;
        if (self.data.len() - body) < len as usize {
            return Err(Error::unexpected_eof());
        }
        self.pos = body;
        self.end = body + len as usize;
        Ok(())
    }

    fn prefix_is_truncated(&self, start: usize) -> bool {
        match self.data.get(start) {
            None => true,
            Some(&b) if b >= 0xf8 => {
                let n = (b as i8).unsigned_abs() as usize;
                self.data.len() - start - 1 < n
            }
            Some(_) => false,
        }
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
    pub fn truncated(&self) -> Error {
        self.err_at(Error::corrupt(
            "gob: bad data: value runs past the end of its message",
        ))
    }

    /// Reads a gob unsigned integer.
    #[inline]
    pub fn read_uint(&mut self) -> Result<u64> {
        let b = self.read_u8()?;
        if b < 0x80 {
            return Ok(b as u64);
        }
        let n = (b as i8).unsigned_abs() as usize;
        if n > 8 {
            self.pos -= 1;
            return Err(self.err_at(Error::corrupt("gob: encoded unsigned integer out of range")));
        }
        if self.remaining() < n {
            let left = self.remaining();
            self.pos -= 1;
            return Err(self.err_at(Error::corrupt(format!(
                "gob: invalid uint data length {n}: exceeds input size {left}"
            ))));
        }
        let mut x = 0u64;
        for &byte in &self.data[self.pos..self.pos + n] {
            x = (x << 8) | byte as u64;
        }
        self.pos += n;
        Ok(x)
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
