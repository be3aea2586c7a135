//! Text forms of gob payloads: RFC 3339 times, decimal big integers, base64.

use crate::types::{BigInt, GoTime};

/// Go's `time.Time` from its JSON form, RFC 3339 with optional fractional seconds
/// (`2009-11-10T23:00:00.5+01:00`). `Z` gives UTC; a numeric offset, even `+00:00`, gives a
/// fixed zone, as Go's parser does.
pub fn parse_rfc3339(s: &str) -> Result<GoTime, String> {
    let bad = |why: &str| format!("invalid RFC 3339 time {s:?}: {why}");
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, String> {
        let part = b.get(from..from + len).ok_or_else(|| bad("too short"))?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad("expected digits"));
        }
        Ok(part.iter().fold(0i64, |n, d| n * 10 + (d - b'0') as i64))
    };
    let sep = |at: usize, ok: &[u8]| -> Result<(), String> {
        match b.get(at) {
            Some(c) if ok.contains(c) => Ok(()),
            _ => Err(bad("malformed")),
        }
    };
    let year = num(0, 4)?;
    sep(4, b"-")?;
    let month = num(5, 2)?;
    sep(7, b"-")?;
    let day = num(8, 2)?;
    sep(10, b"Tt")?;
    let hour = num(11, 2)?;
    sep(13, b":")?;
    let min = num(14, 2)?;
    sep(16, b":")?;
    let sec = num(17, 2)?;
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let digits = &s[start..at];
        if digits.is_empty() || digits.len() > 9 {
            return Err(bad("fractional seconds must have 1 to 9 digits"));
        }
        nanos = format!("{digits:0<9}")
            .parse()
            .map_err(|_| bad("fraction"))?;
    }
    let offset = match &s[at..] {
        "Z" | "z" => None,
        rest if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            sep(at + 3, b":")?;
            let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
            if h > 23 || m > 59 {
                return Err(bad("zone offset out of range"));
            }
            let o = (h * 3600 + m * 60) as i32;
            Some(if rest.starts_with('-') { -o } else { o })
        }
        _ => return Err(bad("expected Z or a ±hh:mm zone offset after the time")),
    };
    if !(1..=12).contains(&month) {
        return Err(bad("month out of range"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(bad("day out of range"));
    }
    if hour > 23 || min > 59 || sec > 59 {
        return Err(bad("time of day out of range"));
    }
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + hour * 3600 + min * 60 + sec;
    let utc = local - offset.unwrap_or(0) as i64;
    let t = GoTime::from_unix(utc, nanos);
    match offset {
        None => Ok(t),
        Some(o) => t.with_offset(o).map_err(|_| {
            format!("Go cannot send the zone offset of {s:?} (Time.MarshalBinary: unexpected zone offset)")
        }),
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date, proleptic Gregorian.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A `big.Int` from a decimal (or `0x` hexadecimal) integer with an optional sign.
pub fn parse_big_int(s: &str) -> Result<BigInt, String> {
    let bad = || format!("invalid integer {s:?}");
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = match digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
        Some(h) => (16u32, h),
        None => (10, digits),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    // Big-endian magnitude, multiplied by the radix and added to per digit.
    let mut mag: Vec<u8> = Vec::new();
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let mut carry = c.to_digit(radix).ok_or_else(bad)?;
        for byte in mag.iter_mut().rev() {
            let v = *byte as u32 * radix + carry;
            *byte = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            mag.insert(0, carry as u8);
            carry >>= 8;
        }
    }
    Ok(BigInt::from_be_bytes(neg, &mag))
}

/// Standard base64 with padding, as Go's `encoding/json` writes `[]byte` (line breaks are
/// ignored, as Go does).
pub fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    if clean.len() % 4 != 0 {
        return Err(format!(
            "invalid base64 {s:?}: length is not a multiple of 4"
        ));
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.len() / 4;
    for (i, q) in clean.chunks(4).enumerate() {
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return Err(format!("invalid base64 {s:?}: misplaced padding"));
        }
        let mut n = 0u32;
        for &c in &q[..4 - pad] {
            let v = val(c)
                .ok_or_else(|| format!("invalid base64 {s:?}: bad character {:?}", c as char))?;
            n = n << 6 | v;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Ok(out)
}
