//! [`GoTime`]'s text, as Go writes it: `encoding/json`'s RFC 3339 (`Display`) and
//! `Time.String()` ([`GoTime::to_go_string`]), following Go's `time/format.go` and
//! `time/format_rfc3339.go` rule for rule.

use super::time::GoTime;
use std::fmt::{self, Write};

/// Seconds from 0001-01-01 to 1970-01-01 (as in `time.rs`).
const UNIX_TO_INTERNAL: i128 = 62_135_596_800;

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

/// Go's `appendInt`: a minus sign, then the magnitude zero-padded to `width` digits.
fn put_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:0width$}", x.unsigned_abs());
}

impl GoTime {
    /// The offset Go formats with: 0 for UTC.
    fn format_offset(&self) -> i32 {
        self.offset.unwrap_or(0)
    }

    /// Date and clock in the time's zone: `2006-01-02`, `sep`, `15:04:05`, then the
    /// fraction (`.999999999`: trailing zeros and an all-zero fraction dropped).
    fn put_date_clock(&self, out: &mut String, sep: char) {
        let local = self.secs as i128 - UNIX_TO_INTERNAL + self.format_offset() as i128;
        // Any i64 seconds since year 1, plus an offset, gives days well inside i64.
        let days = local.div_euclid(86_400) as i64;
        let (y, mo, d) = civil_from_days(days);
        let s = local.rem_euclid(86_400) as i64;
        put_int(out, y, 4);
        let _ = write!(
            out,
            "-{mo:02}-{d:02}{sep}{:02}:{:02}:{:02}",
            s / 3600,
            s / 60 % 60,
            s % 60
        );
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
    }

    /// Go's numeric zone: whole minutes, truncated toward zero (so -30 s is `+00:00`);
    /// the sign comes from the minutes, as in Go.
    fn put_zone(&self, out: &mut String, colon: bool) {
        let mut zone = self.format_offset() / 60;
        if zone < 0 {
            out.push('-');
            zone = -zone;
        } else {
            out.push('+');
        }
        put_int(out, (zone / 60).into(), 2);
        if colon {
            out.push(':');
        }
        put_int(out, (zone % 60).into(), 2);
    }

    /// Go's `Format(time.RFC3339Nano)`: what `Display` writes.
    fn rfc3339_nano(&self) -> String {
        let mut out = String::with_capacity(35);
        self.put_date_clock(&mut out, 'T');
        if self.format_offset() == 0 {
            out.push('Z');
        } else {
            self.put_zone(&mut out, true);
        }
        out
    }

    /// The text of Go's `MarshalJSON` (what `encoding/json` writes), without its quotes.
    ///
    /// It equals the [`Display`](std::fmt::Display) text, except that Go refuses times RFC
    /// 3339 cannot write: a year outside 0..=9999, or a zone of 24 hours or more. Those are
    /// errors with Go's text (`Display` writes them anyway, as Go's
    /// `Format(time.RFC3339Nano)` does: `-0500-03-01T12:00:00Z`).
    ///
    /// ```
    /// use gobrpc::types::GoTime;
    /// assert_eq!(GoTime::from_unix(0, 0).to_json_text()?, "1970-01-01T00:00:00Z");
    /// let far = GoTime::from_unix(253_402_300_800, 0); // 10000-01-01
    /// assert_eq!(
    ///     far.to_json_text().unwrap_err().to_string(),
    ///     "Time.MarshalJSON: year outside of range [0,9999]"
    /// );
    /// # Ok::<(), gobrpc::Error>(())
    /// ```
    pub fn to_json_text(&self) -> crate::Result<String> {
        let text = self.rfc3339_nano();
        let b = text.as_bytes();
        let fail = |m: &str| Err(crate::Error::encode(format!("Time.MarshalJSON: {m}")));
        // Go's appendStrictRFC3339 checks the text it wrote, exactly so.
        if b.get(4) != Some(&b'-') {
            return fail("year outside of range [0,9999]");
        }
        if b.last() != Some(&b'Z') {
            let n = b.len();
            let digit = |i: usize| u32::from(b[i].wrapping_sub(b'0'));
            if b[n - 6].is_ascii_digit() || digit(n - 5) * 10 + digit(n - 4) >= 24 {
                return fail("timezone hour outside of range [0,23]");
            }
        }
        Ok(text)
    }

    /// What Go's `Time.String()` prints for this time as Go's gob decoder returns it:
    /// `2006-01-02 15:04:05.999999999 -0700 MST`.
    ///
    /// Go's `UnmarshalBinary` gives a time flagged UTC the zone `UTC`; a time whose offset
    /// equals the decoding host's `time.Local` offset the zone `Local` (printed by its
    /// abbreviation); any other offset a nameless fixed zone, printed as its offset twice
    /// (`+0200 +0200`). This assumes Go's host runs with `TZ=UTC` (as servers and the
    /// fixtures do), where `Local` is `UTC`: a zero offset prints `+0000 UTC`.
    ///
    /// ```
    /// use gobrpc::types::GoTime;
    /// let t = GoTime::from_unix(1_704_164_645, 6);
    /// assert_eq!(t.to_go_string(), "2024-01-02 03:04:05.000000006 +0000 UTC");
    /// assert_eq!(t.with_offset(-5400)?.to_go_string(), "2024-01-02 01:34:05.000000006 -0130 -0130");
    /// # Ok::<(), gobrpc::Error>(())
    /// ```
    pub fn to_go_string(&self) -> String {
        let mut out = String::with_capacity(48);
        self.put_date_clock(&mut out, ' ');
        out.push(' ');
        self.put_zone(&mut out, false);
        out.push(' ');
        if self.format_offset() == 0 {
            // UTC, or Local on a UTC host.
            out.push_str("UTC");
        } else {
            // FixedZone("", offset): no name, so Go prints the offset again.
            self.put_zone(&mut out, false);
        }
        out
    }
}

impl fmt::Display for GoTime {
    /// Go's `encoding/json` text of the time: RFC 3339 with as many fractional digits as
    /// needed (Go's `time.RFC3339Nano`), `Z` for a zero offset whether or not the time is
    /// flagged UTC. Years outside 0..=9999 and zones of 24 hours or more, which Go's
    /// `MarshalJSON` refuses, are written as Go's `Format(time.RFC3339Nano)` writes them
    /// (see [`GoTime::to_json_text`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339_nano())
    }
}

impl fmt::Debug for GoTime {
    /// `GoTime(2026-12-06T17:57:30.5Z)` for a time flagged UTC; a time in a fixed zone adds
    /// its offset (`GoTime(2026-12-06T17:57:30.5Z, offset 0s)`), which tells the two apart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            None => write!(f, "GoTime({self})"),
            Some(o) => write!(f, "GoTime({self}, offset {o}s)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
