//! yamux frames: the 12-byte header and its encoding, without any session state.
//!
//! ```text
//! version u8 (0) | type u8 | flags u16 | stream id u32 | length u32     (big-endian)
//! ```
//! For a data frame `length` bytes of payload follow; for a window update it is the window
//! increment, for a ping the opaque ping value, for a go-away the reason code.

use std::fmt;

/// The size of a frame header.
pub(crate) const HEADER_LEN: usize = 12;

/// The only protocol version yamux defines.
const VERSION: u8 = 0;

/// What a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameType {
    /// Payload for a stream (`length` bytes follow the header).
    Data = 0,
    /// More receive window for a stream (`length` is the increment), or flags alone.
    WindowUpdate = 1,
    /// A keepalive or round-trip probe (`length` is the opaque value echoed back).
    Ping = 2,
    /// The session is ending (`length` is the reason code).
    GoAway = 3,
}

/// Flag: opens a stream (or asks for a ping reply).
pub(crate) const SYN: u16 = 1;
/// Flag: acknowledges a stream's opening (or answers a ping).
pub(crate) const ACK: u16 = 2;
/// Flag: the sender will send no more on this stream (half close).
pub(crate) const FIN: u16 = 4;
/// Flag: the stream is reset at once.
pub(crate) const RST: u16 = 8;

/// Go-away reason: a normal end.
pub(crate) const GO_AWAY_NORMAL: u32 = 0;
/// Go-away reason: the peer broke the protocol.
pub(crate) const GO_AWAY_PROTOCOL_ERROR: u32 = 1;
/// Go-away reason: the sender failed internally.
pub(crate) const GO_AWAY_INTERNAL_ERROR: u32 = 2;

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) kind: FrameType,
    pub(crate) flags: u16,
    pub(crate) stream_id: u32,
    pub(crate) length: u32,
}

/// A header that yamux does not allow, worded as hashicorp/yamux words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// The version byte is not 0.
    Version(u8),
    /// The type byte is not one of the four types.
    Type(u8),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::Version(v) => write!(f, "invalid protocol version {v}"),
            HeaderError::Type(t) => write!(f, "invalid msg type {t}"),
        }
    }
}

impl Header {
    /// A header of `kind` with these fields.
    pub(crate) fn new(kind: FrameType, flags: u16, stream_id: u32, length: u32) -> Header {
        Header {
            kind,
            flags,
            stream_id,
            length,
        }
    }

    /// The 12 bytes on the wire.
    pub(crate) fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0] = VERSION;
        b[1] = self.kind as u8;
        b[2..4].copy_from_slice(&self.flags.to_be_bytes());
        b[4..8].copy_from_slice(&self.stream_id.to_be_bytes());
        b[8..12].copy_from_slice(&self.length.to_be_bytes());
        b
    }

    /// Reads a header from its 12 bytes.
    pub(crate) fn decode(b: &[u8; HEADER_LEN]) -> Result<Header, HeaderError> {
        if b[0] != VERSION {
            return Err(HeaderError::Version(b[0]));
        }
        let kind = match b[1] {
            0 => FrameType::Data,
            1 => FrameType::WindowUpdate,
            2 => FrameType::Ping,
            3 => FrameType::GoAway,
            t => return Err(HeaderError::Type(t)),
        };
        Ok(Header {
            kind,
            flags: u16::from_be_bytes([b[2], b[3]]),
            stream_id: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            length: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        })
    }

    /// Whether every bit of `flag` is set.
    pub(crate) fn has(&self, flag: u16) -> bool {
        self.flags & flag == flag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_update_syn_for_stream_one() {
        // What Go's Session.OpenStream writes first: a window update with SYN, delta 0, for
        // stream 1 (yamux spec: version 0, type 1, flags 0x0001, id 1, length 0).
        let h = Header::new(FrameType::WindowUpdate, SYN, 1, 0);
        assert_eq!(h.encode(), [0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(Header::decode(&h.encode()), Ok(h));
    }

    #[test]
    fn big_endian_fields() {
        let b = [
            0, 0, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04, 0x00, 0x01, 0x00, 0x00,
        ];
        let h = Header::decode(&b).unwrap();
        assert_eq!(h.kind, FrameType::Data);
        assert!(h.has(ACK) && h.has(FIN) && !h.has(SYN));
        assert_eq!(h.stream_id, 0x0102_0304);
        assert_eq!(h.length, 65536);
    }

    #[test]
    fn bad_version_and_type() {
        let mut b = [0u8; HEADER_LEN];
        b[0] = 1;
        assert_eq!(Header::decode(&b), Err(HeaderError::Version(1)));
        b[0] = 0;
        b[1] = 4;
        assert_eq!(
            Header::decode(&b).unwrap_err().to_string(),
            "invalid msg type 4"
        );
    }
}
