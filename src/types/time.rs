//! Go's `time.Time`, sent by its `GobEncode` (= `MarshalBinary`) payload.

use crate::schema::{GoKind, GobType, TypeBuilder, TypeRef};
use crate::wire::MarshalerKind;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Seconds from 0001-01-01 (Go's internal epoch) to 1970-01-01.
const UNIX_TO_INTERNAL: i64 = 62_135_596_800;

/// The payload of Go's zero `time.Time` (0001-01-01 00:00:00 UTC); Go omits such fields.
const ZERO_PAYLOAD: &[u8] = &[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/// A Go `time.Time`: an instant with nanosecond precision and a fixed UTC offset.
///
/// What gob carries is exactly this: seconds, nanoseconds and the zone's offset (the zone's
/// name and Go's monotonic clock reading are not sent). Go decodes an offset of UTC as
/// `time.UTC` and any other offset as a nameless fixed zone.
///
/// Its text is Go's: [`Display`](std::fmt::Display) writes what Go's `encoding/json` writes
/// for the time (RFC 3339 with nanoseconds), and [`to_go_string`](Self::to_go_string) what
/// Go's `Time.String()` prints for the time as Go decodes it from gob.
///
/// ```
/// use gobrpc::types::GoTime;
/// let t = GoTime::from_unix(1_257_890_400, 500_000_000).with_offset(3600)?;
/// assert_eq!(t.to_string(), "2009-11-10T23:00:00.5+01:00");
/// assert_eq!(t.to_go_string(), "2009-11-10 23:00:00.5 +0100 +0100");
/// assert_eq!(format!("{t:?}"), "GoTime(2009-11-10T23:00:00.5+01:00, offset 3600s)");
/// // A zero offset is `Z`, flagged UTC or not, as in Go.
/// assert_eq!(t.with_offset(0)?.to_string(), "2009-11-10T22:00:00.5Z");
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoTime {
    /// Seconds since 0001-01-01 00:00:00 UTC.
    pub(super) secs: i64,
    pub(super) nanos: u32,
    /// `None` for UTC, else seconds east of UTC.
    pub(super) offset: Option<i32>,
}

impl Default for GoTime {
    /// Go's zero time, 0001-01-01 00:00:00 UTC.
    fn default() -> Self {
        GoTime {
            secs: 0,
            nanos: 0,
            offset: None,
        }
    }
}

impl GoTime {
    /// The instant `secs` seconds and `nanos` nanoseconds after the Unix epoch, in UTC.
    /// Nanoseconds beyond one second carry into the seconds.
    pub fn from_unix(secs: i64, nanos: u32) -> Self {
        GoTime {
            secs: secs
                .saturating_add(UNIX_TO_INTERNAL)
                .saturating_add((nanos / 1_000_000_000) as i64),
            nanos: nanos % 1_000_000_000,
            offset: None,
        }
    }

    /// The same instant in a fixed zone `offset_secs` seconds east of UTC (Go's
    /// `time.FixedZone`). Go's `MarshalBinary` cannot send an offset whose whole minutes are
    /// -1 (-119 to -60 seconds; -1 is its marker for UTC), nor one beyond ±22 days: those are
    /// errors, with Go's text.
    pub fn with_offset(mut self, offset_secs: i32) -> crate::Result<Self> {
        let min = offset_secs / 60;
        if min == -1 || !(-32768..=32767).contains(&min) {
            return Err(crate::Error::encode(
                "Time.MarshalBinary: unexpected zone offset",
            ));
        }
        self.offset = Some(offset_secs);
        Ok(self)
    }

    /// The same instant in UTC.
    pub fn to_utc(mut self) -> Self {
        self.offset = None;
        self
    }

    /// The current time, in UTC. (Go's `time.Now()` is in the host's zone, which gob would
    /// send as its offset; Rust's standard library does not know the host's zone.)
    pub fn now() -> Self {
        GoTime::try_from(std::time::SystemTime::now())
            .expect("the system clock is within Go's time range")
    }

    /// Seconds since the Unix epoch (Go's `Unix`).
    pub fn unix_seconds(&self) -> i64 {
        self.secs.wrapping_sub(UNIX_TO_INTERNAL)
    }

    /// Nanoseconds within the second.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }

    /// The zone offset in seconds east of UTC (`None` for UTC).
    pub fn offset_seconds(&self) -> Option<i32> {
        self.offset
    }

    /// Go's `IsZero`: the instant 0001-01-01 00:00:00 UTC, whatever the zone.
    pub fn is_zero(&self) -> bool {
        self.secs == 0 && self.nanos == 0
    }

    /// Go's `MarshalBinary` (version 1, or 2 when the offset has seconds).
    pub fn to_binary(&self) -> Vec<u8> {
        let (off_min, off_sec) = match self.offset {
            None => (-1i16, 0i8),
            Some(o) => ((o / 60) as i16, (o % 60) as i8),
        };
        let mut out = Vec::with_capacity(16);
        out.push(if off_sec != 0 { 2 } else { 1 });
        out.extend_from_slice(&self.secs.to_be_bytes());
        out.extend_from_slice(&(self.nanos as i32).to_be_bytes());
        out.extend_from_slice(&off_min.to_be_bytes());
        if off_sec != 0 {
            out.push(off_sec as u8);
        }
        out
    }

    /// Go's `UnmarshalBinary`; an empty payload is the zero time (an absent field).
    pub fn from_binary(b: &[u8]) -> crate::Result<Self> {
        if b.is_empty() {
            return Ok(GoTime::default());
        }
        let bad = |m: &str| crate::Error::type_mismatch(format!("Time.UnmarshalBinary: {m}"));
        let want = match b[0] {
            1 => 15,
            2 => 16,
            _ => return Err(bad("unsupported version")),
        };
        if b.len() != want {
            return Err(bad("invalid length"));
        }
        let secs = i64::from_be_bytes(b[1..9].try_into().expect("8 bytes"));
        let nanos = i32::from_be_bytes(b[9..13].try_into().expect("4 bytes"));
        let off_min = i16::from_be_bytes(b[13..15].try_into().expect("2 bytes"));
        let off_sec = if want == 16 { b[15] as i8 as i32 } else { 0 };
        if !(0..1_000_000_000).contains(&nanos) {
            return Err(bad("invalid nanoseconds"));
        }
        // As Go: only a total of exactly -60 s (minutes -1, no seconds) is the UTC marker.
        let total = off_min as i32 * 60 + off_sec;
        let offset = if total == -60 { None } else { Some(total) };
        Ok(GoTime {
            secs,
            nanos: nanos as u32,
            offset,
        })
    }
}

impl GobType for GoTime {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.named::<GoTime>("Time", "time.Time", |_| GoKind::Marshaler {
            kind: MarshalerKind::Gob,
            ptr_receiver: false,
            zero_payload: Some(ZERO_PAYLOAD),
        })
    }
}

impl Serialize for GoTime {
    /// The marshaled payload for gob (and other binary formats); text for human-readable ones.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::serialize_marshaled(s, self, || self.to_binary())
    }
}

impl<'de> Deserialize<'de> for GoTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let payload = super::__payload(d, MarshalerKind::Gob)?;
        GoTime::from_binary(&payload).map_err(de::Error::custom)
    }
}

fn out_of_range(what: &str) -> crate::Error {
    crate::Error::type_mismatch(format!("time out of {what}'s range"))
}

impl TryFrom<std::time::SystemTime> for GoTime {
    type Error = crate::Error;
    /// The same instant, in UTC. Fails only for instants beyond Go's range (about 292
    /// billion years from year 1).
    fn try_from(t: std::time::SystemTime) -> crate::Result<Self> {
        let (secs, nanos) = match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => (i64::try_from(d.as_secs()).ok(), d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let secs = i64::try_from(d.as_secs()).ok().map(|s| -s);
                match d.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
                }
            }
        };
        let secs = secs
            .and_then(|s| s.checked_add(UNIX_TO_INTERNAL))
            .ok_or_else(|| out_of_range("Go's time.Time"))?;
        Ok(GoTime {
            secs,
            nanos,
            offset: None,
        })
    }
}

impl TryFrom<GoTime> for std::time::SystemTime {
    type Error = crate::Error;
    /// The same instant (the zone is dropped). Fails for instants the platform's
    /// `SystemTime` cannot hold.
    fn try_from(t: GoTime) -> crate::Result<Self> {
        let unix = t.secs as i128 - UNIX_TO_INTERNAL as i128;
        let range = || out_of_range("SystemTime");
        let epoch = std::time::UNIX_EPOCH;
        let at = if unix >= 0 {
            let secs = u64::try_from(unix).map_err(|_| range())?;
            epoch.checked_add(std::time::Duration::new(secs, t.nanos))
        } else {
            let secs = u64::try_from(-unix).map_err(|_| range())?;
            epoch
                .checked_sub(std::time::Duration::from_secs(secs))
                .and_then(|e| e.checked_add(std::time::Duration::from_nanos(t.nanos.into())))
        };
        at.ok_or_else(range)
    }
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::GoTime;

    impl From<chrono::DateTime<chrono::Utc>> for GoTime {
        fn from(t: chrono::DateTime<chrono::Utc>) -> Self {
            GoTime::from_unix(t.timestamp(), t.timestamp_subsec_nanos())
        }
    }

    impl TryFrom<chrono::DateTime<chrono::FixedOffset>> for GoTime {
        type Error = crate::Error;
        fn try_from(t: chrono::DateTime<chrono::FixedOffset>) -> crate::Result<Self> {
            GoTime::from_unix(t.timestamp(), t.timestamp_subsec_nanos())
                .with_offset(t.offset().local_minus_utc())
        }
    }

    impl TryFrom<GoTime> for chrono::DateTime<chrono::FixedOffset> {
        type Error = crate::Error;
        fn try_from(t: GoTime) -> crate::Result<Self> {
            let out_of_range = || crate::Error::type_mismatch("time out of chrono's range");
            let off = chrono::FixedOffset::east_opt(t.offset_seconds().unwrap_or(0))
                .ok_or_else(out_of_range)?;
            chrono::DateTime::from_timestamp(t.unix_seconds(), t.nanos())
                .map(|u| u.with_timezone(&off))
                .ok_or_else(out_of_range)
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use super::GoTime;

    impl TryFrom<time::OffsetDateTime> for GoTime {
        type Error = crate::Error;
        fn try_from(t: time::OffsetDateTime) -> crate::Result<Self> {
            let g = GoTime::from_unix(t.unix_timestamp(), t.nanosecond());
            if t.offset().is_utc() {
                Ok(g)
            } else {
                g.with_offset(t.offset().whole_seconds())
            }
        }
    }

    impl TryFrom<GoTime> for time::OffsetDateTime {
        type Error = crate::Error;
        fn try_from(t: GoTime) -> crate::Result<Self> {
            let out_of_range = || crate::Error::type_mismatch("time out of the time crate's range");
            let off = time::UtcOffset::from_whole_seconds(t.offset_seconds().unwrap_or(0))
                .map_err(|_| out_of_range())?;
            let ns = t.unix_seconds() as i128 * 1_000_000_000 + t.nanos() as i128;
            time::OffsetDateTime::from_unix_timestamp_nanos(ns)
                .map(|u| u.to_offset(off))
                .map_err(|_| out_of_range())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Payloads from the spec's time_utc and time_in_struct fixtures (captured from Go).
    #[test]
    fn payloads_from_go() {
        let t = GoTime::from_unix(1_704_164_645, 6);
        assert_eq!(hex(&t.to_binary()), "010000000edd25742500000006ffff");
        assert_eq!(t.to_string(), "2024-01-02T03:04:05.000000006Z");
        let t = GoTime::from_unix(1_257_890_400, 0)
            .with_offset(3600)
            .unwrap();
        assert_eq!(hex(&t.to_binary()), "010000000ec28bd96000000000003c");
        assert_eq!(GoTime::from_binary(&t.to_binary()).unwrap(), t);
        assert_eq!(GoTime::default().to_binary(), ZERO_PAYLOAD);
        assert_eq!(GoTime::default().to_string(), "0001-01-01T00:00:00Z");
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
