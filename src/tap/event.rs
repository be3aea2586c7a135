//! What the tap reports: one event per call, and the problems it saw, as a line for people
//! or a JSON line for programs.

use super::Direction;
use crate::json::write_string;
use std::fmt::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Something the tap saw on one connection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A call: its request and what came back.
    Call(CallEvent),
    /// A connection's bytes that could not be decoded (they are still forwarded unchanged),
    /// a stream that ended inside a message, or an upstream that could not be reached.
    Problem(ProblemEvent),
}

/// One call seen on the wire.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallEvent {
    /// When the request's last byte reached the tap.
    pub time: SystemTime,
    /// The connection's number (from 1, in order of acceptance).
    pub conn: u64,
    /// The request's sequence number, as the client chose it.
    pub seq: u64,
    /// `Service.Method`.
    pub service_method: String,
    /// The arguments as `gobrpc dump --json` prints a value (`null` if they cannot be
    /// printed).
    pub args: String,
    /// The reply, the server's error, or nothing.
    pub outcome: Outcome,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// The reply, as `gobrpc dump --json` prints a value, and the time from the request to
    /// the reply as the tap saw them.
    Reply {
        /// The reply as JSON text.
        json: String,
        /// Request to response.
        latency: Duration,
    },
    /// The server's error text (Go's `rpc.ServerError`), verbatim.
    Error {
        /// The error text.
        text: String,
        /// Request to response.
        latency: Duration,
    },
    /// The connection closed before the response.
    Unanswered,
}

/// A problem the tap saw and got past (the conversation goes on).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProblemEvent {
    /// When the tap saw it.
    pub time: SystemTime,
    /// The connection's number.
    pub conn: u64,
    /// The stream it is about, if one.
    pub direction: Option<Direction>,
    /// What happened.
    pub message: String,
}

impl Event {
    /// One JSON object on one line (no newline):
    /// `{"time":…,"conn":1,"seq":0,"method":"Arith.Add","args":{…},"reply":…,"latency_ns":…}`,
    /// with `"error":"…"` instead of `"reply"` for a server error, `"unanswered":true` for a
    /// call whose connection closed first; a problem is
    /// `{"time":…,"conn":2,"stream":"requests","problem":"…"}`. Times are RFC 3339 in UTC
    /// with nanoseconds; values are printed as `gobrpc dump --json` prints them.
    pub fn to_json_line(&self) -> String {
        // One allocation: the fixed parts and the numbers fit in 160 bytes.
        let texts = match self {
            Event::Call(c) => {
                c.service_method.len()
                    + c.args.len()
                    + match &c.outcome {
                        Outcome::Reply { json, .. } => json.len(),
                        Outcome::Error { text, .. } => text.len(),
                        Outcome::Unanswered => 0,
                    }
            }
            Event::Problem(p) => p.message.len(),
        };
        let mut s = String::with_capacity(160 + texts);
        s.push_str("{\"time\":\"");
        match self {
            Event::Call(c) => {
                write_rfc3339(c.time, &mut s);
                s.push_str("\",\"conn\":");
                push_uint(&mut s, c.conn, 1);
                s.push_str(",\"seq\":");
                push_uint(&mut s, c.seq, 1);
                s.push_str(",\"method\":");
                write_string(c.service_method.as_bytes(), &mut s);
                s.push_str(",\"args\":");
                s.push_str(&c.args);
                let latency = match &c.outcome {
                    Outcome::Reply { json, latency } => {
                        s.push_str(",\"reply\":");
                        s.push_str(json);
                        Some(latency)
                    }
                    Outcome::Error { text, latency } => {
                        s.push_str(",\"error\":");
                        write_string(text.as_bytes(), &mut s);
                        Some(latency)
                    }
                    Outcome::Unanswered => {
                        s.push_str(",\"unanswered\":true");
                        None
                    }
                };
                if let Some(latency) = latency {
                    s.push_str(",\"latency_ns\":");
                    match u64::try_from(latency.as_nanos()) {
                        Ok(n) => push_uint(&mut s, n, 1),
                        Err(_) => {
                            let _ = write!(s, "{}", latency.as_nanos());
                        }
                    }
                }
            }
            Event::Problem(p) => {
                write_rfc3339(p.time, &mut s);
                let _ = write!(s, "\",\"conn\":{}", p.conn);
                if let Some(d) = p.direction {
                    let _ = write!(s, ",\"stream\":\"{}\"", d.as_str());
                }
                s.push_str(",\"problem\":");
                write_string(p.message.as_bytes(), &mut s);
            }
        }
        s.push('}');
        s
    }
}

/// The line for people: `12:00:01.123456 conn 1 #0 Arith.Add {"A":7,"B":8} → {"C":15} (152µs)`.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Call(c) => {
                let t = rfc3339(c.time);
                write!(
                    f,
                    "{} conn {} #{} {} {}",
                    &t[11..t.len() - 4],
                    c.conn,
                    c.seq,
                    c.service_method,
                    c.args
                )?;
                match &c.outcome {
                    Outcome::Reply { json, latency } => write!(f, " → {json} ({latency:?})"),
                    Outcome::Error { text, latency } => {
                        write!(f, " → error {text:?} ({latency:?})")
                    }
                    Outcome::Unanswered => write!(f, " → no reply (connection closed)"),
                }
            }
            Event::Problem(p) => {
                let t = rfc3339(p.time);
                write!(f, "{} conn {}", &t[11..t.len() - 4], p.conn)?;
                if let Some(d) = p.direction {
                    write!(f, " {}", d.as_str())?;
                }
                write!(f, ": {}", p.message)
            }
        }
    }
}

/// `2006-01-02T15:04:05.999999999Z` with all nine digits, in UTC.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let mut s = String::with_capacity(30);
    write_rfc3339(t, &mut s);
    s
}

/// [`rfc3339`], appended to `s` (digit by digit: this runs once per call the tap sees).
fn write_rfc3339(t: SystemTime, s: &mut String) {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil-from-days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // From the epoch on, every field is at least 0 (the year at least 1970).
    let field = |v: i64| v.max(0) as u64;
    push_uint(s, field(year), 4);
    s.push('-');
    push_uint(s, field(month), 2);
    s.push('-');
    push_uint(s, field(day), 2);
    s.push('T');
    push_uint(s, rem / 3600, 2);
    s.push(':');
    push_uint(s, rem / 60 % 60, 2);
    s.push(':');
    push_uint(s, rem % 60, 2);
    s.push('.');
    push_uint(s, u64::from(d.subsec_nanos()), 9);
    s.push('Z');
}

/// `v` in decimal, zero-padded to at least `width` digits (as `{v:0width$}`).
fn push_uint(s: &mut String, mut v: u64, width: usize) {
    const ZEROS: &str = "00000000000000000000";
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while v > 0 || at == digits.len() {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let len = digits.len() - at;
    s.push_str(&ZEROS[..width.saturating_sub(len).min(ZEROS.len())]);
    // ASCII digits: always UTF-8.
    s.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_utc() {
        // 1709210096 s after the epoch is 2024-02-29 12:34:56 UTC (a leap day).
        let t = UNIX_EPOCH + Duration::new(1_709_210_096, 7);
        assert_eq!(rfc3339(t), "2024-02-29T12:34:56.000000007Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000000Z");
        // 253402300800 s is 10000-01-01 00:00:00 UTC: a fifth year digit, no padding lost.
        let far = UNIX_EPOCH + Duration::new(253_402_300_800, 999_999_999);
        assert_eq!(rfc3339(far), "10000-01-01T00:00:00.999999999Z");
    }

    #[test]
    fn padded_integers() {
        let mut s = String::new();
        for (v, width) in [(0, 1), (0, 2), (7, 9), (42, 1), (12345, 4), (u64::MAX, 2)] {
            push_uint(&mut s, v, width);
            s.push(' ');
        }
        assert_eq!(s, "0 00 000000007 42 12345 18446744073709551615 ");
    }
}
