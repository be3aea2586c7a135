//! Go's `time.Time`, sent by its `GobEncode` (= `MarshalBinary`) payload.

use crate::schema::{GoKind, GobType, TypeBuilder, TypeRef};
use crate::wire::MarshalerKind;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

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
/// ```
/// use gobrpc::types::GoTime;
/// let t = GoTime::from_unix(1_257_890_400, 0).with_offset(3600)?;
/// assert_eq!(t.to_string(), "2009-11-10T23:00:00+01:00");
/// # Ok::<(), gobrpc::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoTime {
    /// Seconds since 0001-01-01 00:00:00 UTC.
    secs: i64,
    nanos: u32,
    /// `None` for UTC, else seconds east of UTC.
    offset: Option<i32>,
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

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.secs - UNIX_TO_INTERNAL
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

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl fmt::Display for GoTime {
    /// RFC 3339 with as many fractional digits as needed, as Go's `time.RFC3339Nano`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let off = self.offset.unwrap_or(0);
        let local = self.unix_seconds() + off as i64;
        let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
        let s = local.rem_euclid(86_400);
        write!(
            f,
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
            s / 3600,
            s / 60 % 60,
            s % 60
        )?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        match self.offset {
            None => f.write_str("Z"),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                let a = o.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
            }
        }
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
