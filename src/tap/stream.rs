//! One direction of a tapped connection, decoded from a copy of its bytes: the requests
//! (`rpc.Request` header, then the arguments) or the responses (`rpc.Response` header, then
//! the reply), after the HTTP `CONNECT` exchange when there is one.

use crate::{Category, DecoderState};
use serde::Deserialize;

/// Which half of the conversation a stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Client to server: request headers and arguments.
    Requests,
    /// Server to client: response headers and replies.
    Responses,
}

impl Direction {
    /// `"requests"` or `"responses"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Requests => "requests",
            Direction::Responses => "responses",
        }
    }
}

/// `rpc.Request` and `rpc.Response` in one: Go's field names, absent fields zero.
#[derive(Deserialize)]
struct Header {
    #[serde(rename = "ServiceMethod", default)]
    service_method: String,
    #[serde(rename = "Seq", default)]
    seq: u64,
    #[serde(rename = "Error", default)]
    error: String,
}

/// A header and the body after it, the body rendered as `dump --json` renders a value.
pub(crate) struct Message {
    pub service_method: String,
    pub seq: u64,
    /// The response's error text (empty for requests and successful replies).
    pub error: String,
    /// The body as Go's JSON, or why it cannot be printed.
    pub body: Result<String, String>,
}

/// The longest HTTP preamble (request or status line and headers) the tap waits for.
const MAX_PREAMBLE: usize = 16 << 10;

enum Phase {
    /// Before the first byte of gob: the HTTP `CONNECT` request or the server's answer.
    Http,
    Header,
    Body(Header),
    /// Undecodable: bytes are still forwarded, no longer looked at.
    Dead,
}

pub(crate) struct StreamDecoder {
    dir: Direction,
    phase: Phase,
    state: DecoderState,
    buf: Vec<u8>,
    /// Bytes of `buf` already decoded.
    start: usize,
    /// Decoding is retried only once `buf` holds this many bytes (a whole further frame).
    need: usize,
    /// Bytes of the stream consumed before `buf[start]`.
    offset: u64,
}

impl StreamDecoder {
    pub(crate) fn new(dir: Direction, http: bool) -> Self {
        StreamDecoder {
            dir,
            phase: if http { Phase::Http } else { Phase::Header },
            state: DecoderState::new(),
            buf: Vec::new(),
            start: 0,
            need: 0,
            offset: 0,
        }
    }

    /// Takes the next bytes of the stream; returns the messages they complete, and an error
    /// text once, when the stream turns out to be undecodable.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> (Vec<Message>, Option<String>) {
        let mut out = Vec::new();
        if matches!(self.phase, Phase::Dead) {
            return (out, None);
        }
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.need -= self.start.min(self.need);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
        let problem = self.run(&mut out).err();
        if problem.is_some() {
            self.phase = Phase::Dead;
            self.buf = Vec::new();
        } else if self.start > (64 << 10) && self.start * 2 > self.buf.len() {
            self.buf.drain(..self.start);
            self.need -= self.start.min(self.need);
            self.start = 0;
        }
        (out, problem)
    }

    /// The stream ended: an error text if it ended inside a message.
    pub(crate) fn finish(&mut self) -> Option<String> {
        let left = self.buf.len() - self.start;
        let inside = match self.phase {
            Phase::Dead => false,
            Phase::Body(_) => true,
            Phase::Http | Phase::Header => left > 0,
        };
        self.phase = Phase::Dead;
        inside.then(|| {
            format!(
                "the stream ended inside a message ({left} bytes after offset {})",
                self.offset
            )
        })
    }

    fn run(&mut self, out: &mut Vec<Message>) -> Result<(), String> {
        loop {
            let data = &self.buf[self.start..];
            if self.buf.len() < self.need || data.is_empty() {
                return Ok(());
            }
            match std::mem::replace(&mut self.phase, Phase::Dead) {
                Phase::Dead => return Ok(()),
                Phase::Http => match preamble(data, self.dir)? {
                    Some(n) => {
                        self.advance(n);
                        self.phase = Phase::Header;
                    }
                    None => {
                        self.phase = Phase::Http;
                        return Ok(());
                    }
                },
                Phase::Header => match self.state.decode::<Header>(data) {
                    Ok(Some((h, n))) => {
                        self.advance(n);
                        self.phase = Phase::Body(h);
                    }
                    Ok(None) => {
                        self.wait();
                        self.phase = Phase::Header;
                        return Ok(());
                    }
                    Err(e) => return Err(self.failed("header", &e)),
                },
                Phase::Body(h) => match self.state.decode_value(data) {
                    Ok(Some((tv, n))) => {
                        self.advance(n);
                        out.push(Message {
                            service_method: h.service_method,
                            seq: h.seq,
                            error: h.error,
                            body: crate::json::to_json(&tv).map_err(|e| e.to_string()),
                        });
                        self.phase = Phase::Header;
                    }
                    Ok(None) => {
                        self.wait();
                        self.phase = Phase::Body(h);
                        return Ok(());
                    }
                    Err(e) => return Err(self.failed("body", &e)),
                },
            }
        }
    }

    fn advance(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
        self.need = 0;
    }

    /// Not enough bytes: wait for the end of the first incomplete frame.
    fn wait(&mut self) {
        self.need = self.start + complete_frames(&self.buf[self.start..]) + 1;
    }

    fn failed(&self, what: &str, e: &crate::Error) -> String {
        let kind = if e.category() == Category::Limit {
            "over a limit"
        } else {
            "undecodable"
        };
        format!(
            "{kind} {} {what} at offset {}: {}",
            match self.dir {
                Direction::Requests => "request",
                Direction::Responses => "response",
            },
            self.offset,
            e.message()
        )
    }
}

/// The length of the HTTP preamble at the front of `data` (through its blank line), `None`
/// if it is not complete yet.
fn preamble(data: &[u8], dir: Direction) -> Result<Option<usize>, String> {
    let end = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| i + 2)
        .into_iter()
        .chain(
            data.windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|i| i + 4),
        )
        .min();
    let Some(end) = end else {
        return if data.len() > MAX_PREAMBLE {
            Err(format!("no end of the HTTP header in {MAX_PREAMBLE} bytes"))
        } else {
            Ok(None)
        };
    };
    let first = String::from_utf8_lossy(data.split(|&b| b == b'\n').next().unwrap_or_default());
    let first = first.trim_end();
    let ok = match dir {
        Direction::Requests => first.starts_with("CONNECT "),
        Direction::Responses => first.split(' ').nth(1) == Some("200"),
    };
    if ok {
        Ok(Some(end))
    } else {
        Err(format!("not a net/rpc HTTP exchange: {first:?}"))
    }
}

/// How many bytes at the front of `data` are whole gob frames (a uvarint length, then that
/// many bytes).
fn complete_frames(data: &[u8]) -> usize {
    let mut at = 0usize;
    loop {
        let Some(&b) = data.get(at) else { return at };
        let (len, head) = if b < 0x80 {
            (b as u64, 1)
        } else {
            let n = (!b).wrapping_add(1) as usize;
            if n > 8 || data.len() < at + 1 + n {
                return at;
            }
            let len = data[at + 1..at + 1 + n]
                .iter()
                .fold(0u64, |acc, &x| (acc << 8) | x as u64);
            (len, 1 + n)
        };
        let end = (at as u64).saturating_add(head as u64).saturating_add(len);
        if end > data.len() as u64 {
            return at;
        }
        at = end as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_preambles() {
        // Lengths 2 and 0x100 (two bytes: 0xfe 0x01 0x00), the second incomplete.
        let mut d = vec![2, 9, 9, 0xfe, 0x01, 0x00];
        d.extend([0; 10]);
        assert_eq!(complete_frames(&d), 3);
        assert_eq!(complete_frames(&[0xf0]), 0);
        let req = b"CONNECT /_goRPC_ HTTP/1.0\n\nrest";
        assert_eq!(preamble(req, Direction::Requests), Ok(Some(27)));
        assert_eq!(
            preamble(b"CONNECT /x HTTP/1.0\n", Direction::Requests),
            Ok(None)
        );
        let resp = b"HTTP/1.0 200 Connected to Go RPC\n\n";
        assert_eq!(preamble(resp, Direction::Responses), Ok(Some(resp.len())));
        assert!(preamble(b"HTTP/1.0 404 Not Found\r\n\r\n", Direction::Responses).is_err());
    }
}
