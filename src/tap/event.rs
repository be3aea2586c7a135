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
        let mut s = String::from("{\"time\":\"");
        match self {
            Event::Call(c) => {
                s.push_str(&rfc3339(c.time));
                let _ = write!(s, "\",\"conn\":{},\"seq\":{},\"method\":", c.conn, c.seq);
                write_string(c.service_method.as_bytes(), &mut s);
                s.push_str(",\"args\":");
                s.push_str(&c.args);
                match &c.outcome {
                    Outcome::Reply { json, latency } => {
                        let _ =
                            write!(s, ",\"reply\":{json},\"latency_ns\":{}", latency.as_nanos());
                    }
                    Outcome::Error { text, latency } => {
                        s.push_str(",\"error\":");
                        write_string(text.as_bytes(), &mut s);
                        let _ = write!(s, ",\"latency_ns\":{}", latency.as_nanos());
                    }
                    Outcome::Unanswered => s.push_str(",\"unanswered\":true"),
                }
            }
            Event::Problem(p) => {
                s.push_str(&rfc3339(p.time));
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
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_nanos()
    )
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
    }
}
