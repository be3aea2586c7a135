//! The marshaler payloads Go's JSON knows how to print: `time.Time`, `big.Int`, `big.Rat`,
//! `big.Float` and `netip.Addr`, recognised by their gob type name, the name an interface
//! registered them under, or (for unnamed ones) their payload's layout.

use crate::types::{BigInt, GoTime};
use crate::wire::MarshalerKind;

/// A known marshaler's JSON: a string (`"2024-01-02T00:00:00Z"`) or a number (`big.Int`).
pub enum Known {
    Text(String),
    Number(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Time,
    Int,
    Rat,
    Float,
    Addr,
}

/// The Go type a name stands for: a gob `CommonType` name (`"Time"`) or a registered
/// interface name (`"time.Time"`, `"*big.Int"`).
fn by_name(name: &str, kind: MarshalerKind) -> Option<Kind> {
    let name = name.trim_start_matches('*');
    Some(match (name, kind) {
        ("Time" | "time.Time", MarshalerKind::Gob | MarshalerKind::Binary) => Kind::Time,
        ("Int" | "big.Int", MarshalerKind::Gob) => Kind::Int,
        ("Rat" | "big.Rat", MarshalerKind::Gob) => Kind::Rat,
        ("Float" | "big.Float", MarshalerKind::Gob) => Kind::Float,
        ("Addr" | "netip.Addr", MarshalerKind::Binary) => Kind::Addr,
        _ => return None,
    })
}

/// Guesses an unnamed marshaler from its payload's layout.
fn sniff(b: &[u8], kind: MarshalerKind) -> Option<Kind> {
    match kind {
        MarshalerKind::Gob => match b.first()? {
            1 | 2 if (b.len() == 15 || b.len() == 16) && GoTime::from_binary(b).is_ok() => {
                Some(Kind::Time)
            }
            1 if b.len() == 6 || (b.len() >= 10 && (b.len() - 10) % 4 == 0) => Some(Kind::Float),
            2 | 3 if b.len() >= 5 && b[1] == 0 => Some(Kind::Rat),
            2 | 3 if b.len() == 1 || b[1] != 0 => Some(Kind::Int),
            _ => None,
        },
        MarshalerKind::Binary if b.len() == 4 => Some(Kind::Addr),
        _ => None,
    }
}

/// Go's JSON for a marshaler's payload, if it is a type Go's JSON prints by itself.
/// `names` are the hints: the gob type name, then the interface name, if any; a payload is
/// guessed from its layout only when all are empty.
pub fn known(names: &[&str], kind: MarshalerKind, b: &[u8]) -> Option<Known> {
    let k = match names.iter().find_map(|n| by_name(n, kind)) {
        Some(k) => k,
        // A named type of the user's: its payload is its own business.
        None if names.iter().any(|n| !n.is_empty()) => return None,
        None => sniff(b, kind)?,
    };
    match k {
        Kind::Time => GoTime::from_binary(b)
            .ok()
            .map(|t| Known::Text(go_year(t.to_string()))),
        Kind::Int => BigInt::from_gob_bytes(b)
            .ok()
            .map(|i| Known::Number(i.to_string())),
        Kind::Rat => big_rat(b).map(Known::Text),
        Kind::Float => big_float(b).map(Known::Text),
        Kind::Addr => netip_addr(b).map(Known::Text),
    }
}

/// Pads a negative year to four digits, as Go's `time.Format` writes it (`-0500-03-01…`).
fn go_year(s: String) -> String {
    match s
        .strip_prefix('-')
        .and_then(|r| r.find('-').map(|i| (r, i)))
    {
        Some((rest, i)) if i < 4 => format!("-{}{rest}", "0".repeat(4 - i)),
        _ => s,
    }
}

/// Go's JSON for the zero value of a marshaler field that is absent on the wire: the zero
/// `time.Time` and `netip.Addr` (omitted because they are zero); `null` for the `math/big`
/// types (Go sends those fields whenever they are not nil pointers) and unknown types.
pub fn zero(name: &str, kind: MarshalerKind) -> &'static str {
    match by_name(name, kind) {
        Some(Kind::Time) => "\"0001-01-01T00:00:00Z\"",
        Some(Kind::Addr) => "\"\"",
        _ => "null",
    }
}

/// `big.Rat`'s gob payload as its `MarshalText`: `"num/den"`, or `"num"` for an integer.
fn big_rat(b: &[u8]) -> Option<String> {
    if b.is_empty() {
        return Some("0".into());
    }
    if b[0] >> 1 != 1 || b.len() < 5 {
        return None;
    }
    let negative = b[0] & 1 == 1;
    let n = u32::from_be_bytes(b[1..5].try_into().ok()?) as usize;
    let rest = &b[5..];
    if n > rest.len() {
        return None;
    }
    let num = BigInt::from_be_bytes(negative, &rest[..n]);
    let den = BigInt::from_be_bytes(false, &rest[n..]).to_string();
    if den == "0" || den == "1" {
        Some(num.to_string())
    } else {
        Some(format!("{num}/{den}"))
    }
}

/// `netip.Addr`'s binary payload as its `MarshalText`.
fn netip_addr(b: &[u8]) -> Option<String> {
    match b.len() {
        0 => Some(String::new()),
        4 => Some(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
        n if n >= 16 => {
            let octets: [u8; 16] = b[..16].try_into().ok()?;
            let ip = std::net::Ipv6Addr::from(octets);
            let zone = std::str::from_utf8(&b[16..]).ok()?;
            Some(if zone.is_empty() {
                ip.to_string()
            } else {
                format!("{ip}%{zone}")
            })
        }
        _ => None,
    }
}

/// Largest mantissa (bytes) and binary exponent shift printed exactly.
const MAX_MANT: usize = 4096;
const MAX_SHIFT: i64 = 20_000;

/// `big.Float`'s gob payload as its `MarshalText` (`Text('g', -1)`: the shortest decimal
/// that rounds back at the value's precision).
fn big_float(b: &[u8]) -> Option<String> {
    if b.is_empty() {
        return Some("0".into());
    }
    if b.len() < 6 || b[0] != 1 {
        return None;
    }
    let neg = b[1] & 1 == 1;
    let form = (b[1] >> 1) & 3;
    let prec = u32::from_be_bytes(b[2..6].try_into().ok()?);
    let sign = if neg { "-" } else { "" };
    match form {
        0 => return Some(format!("{sign}0")),
        2 => return Some(if neg { "-Inf".into() } else { "+Inf".into() }),
        1 => {}
        _ => return None,
    }
    if b.len() < 10 || b.len() - 10 > MAX_MANT || prec == 0 {
        return None;
    }
    let exp = i32::from_be_bytes(b[6..10].try_into().ok()?) as i64;
    let mant = Nat::from_be_bytes(&b[10..]);
    if mant.is_zero() {
        return None;
    }
    let bitlen = mant.bit_len() as i64;
    let mut d = Decimal::new(&mant, exp - bitlen)?;
    // roundShortest (math/big/ftoa.go).
    let s = bitlen - (prec as i64 + 1);
    let mut m = mant.clone();
    if s < 0 {
        m.shl((-s) as usize);
    } else if s > 0 {
        m.shr(s as usize);
    }
    let e = exp - bitlen + s;
    let inclusive = m.0[0] & 2 == 0;
    let lower = Decimal::new(&m.add_signed(-1), e)?;
    let upper = Decimal::new(&m.add_signed(1), e)?;
    for i in 0..d.mant.len() {
        let (l, md, u) = (lower.at(i), d.mant[i], upper.at(i));
        let okdown = l != md || inclusive && i + 1 == lower.mant.len();
        let okup = md != u && (inclusive || md + 1 < u || i + 1 < upper.mant.len());
        match (okdown, okup) {
            (true, true) => {
                d.round(i + 1);
                break;
            }
            (true, false) => {
                d.round_down(i + 1);
                break;
            }
            (false, true) => {
                d.round_up(i + 1);
                break;
            }
            _ => {}
        }
    }
    // %g with the shortest precision.
    let prec = d.mant.len() as i64;
    let x = d.exp - 1;
    let mut out = String::from(sign);
    if !(-4..6).contains(&x) {
        out.push(d.mant[0] as char);
        if prec > 1 {
            out.push('.');
            out.extend(d.mant[1..].iter().map(|&c| c as char));
        }
        let (sg, a) = if x < 0 { ('-', -x) } else { ('+', x) };
        out.push_str(&format!("e{sg}{a:02}"));
    } else {
        if d.exp > 0 {
            let m = (d.exp as usize).min(d.mant.len());
            out.extend(d.mant[..m].iter().map(|&c| c as char));
            for _ in m..d.exp as usize {
                out.push('0');
            }
        } else {
            out.push('0');
        }
        let frac = (prec - d.exp).max(0);
        if frac > 0 {
            out.push('.');
            for i in 0..frac {
                out.push(d.at_signed(d.exp + i) as char);
            }
        }
    }
    Some(out)
}

/// A decimal `0.mant × 10^exp` with ASCII digits and no trailing zeros (Go's `decimal`).
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The exact decimal of `m × 2^shift`.
    fn new(m: &Nat, shift: i64) -> Option<Decimal> {
        if shift.abs() > MAX_SHIFT {
            return None;
        }
        let mut n = m.clone();
        let mut k = 0i64;
        if shift >= 0 {
            n.shl(shift as usize);
        } else {
            // m × 2^-k = m × 5^k / 10^k
            k = -shift;
            let mut left = k;
            while left > 0 {
                let step = left.min(13);
                n.mul_small(5u32.pow(step as u32));
                left -= step;
            }
        }
        let s = n.to_decimal();
        if s == "0" {
            return Some(Decimal {
                mant: Vec::new(),
                exp: 0,
            });
        }
        let exp = s.len() as i64 - k;
        let mant = s.trim_end_matches('0').as_bytes().to_vec();
        Some(Decimal { mant, exp })
    }

    fn at(&self, i: usize) -> u8 {
        *self.mant.get(i).unwrap_or(&b'0')
    }

    fn at_signed(&self, i: i64) -> u8 {
        if i < 0 {
            b'0'
        } else {
            self.at(i as usize)
        }
    }

    fn trim(&mut self) {
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') & 1 != 0
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            self.round_up(n)
        } else {
            self.round_down(n)
        }
    }

    fn round_up(&mut self, mut n: usize) {
        if n >= self.mant.len() {
            return;
        }
        while n > 0 && self.mant[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            self.mant.truncate(1);
            self.mant[0] = b'1';
            self.exp += 1;
            return;
        }
        self.mant[n - 1] += 1;
        self.mant.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        self.trim();
    }
}

/// A small unsigned big integer: little-endian 32-bit words.
#[derive(Clone)]
struct Nat(Vec<u32>);

impl Nat {
    fn from_be_bytes(b: &[u8]) -> Nat {
        let mut w = Vec::with_capacity(b.len() / 4 + 1);
        for chunk in b.rchunks(4) {
            let mut x = 0u32;
            for &byte in chunk {
                x = (x << 8) | byte as u32;
            }
            w.push(x);
        }
        let mut n = Nat(w);
        n.norm();
        n
    }

    fn norm(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        if self.0.is_empty() {
            self.0.push(0);
        }
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    fn bit_len(&self) -> usize {
        let top = *self.0.last().unwrap_or(&0);
        (self.0.len() - 1) * 32 + (32 - top.leading_zeros() as usize)
    }

    fn shl(&mut self, bits: usize) {
        let (words, rem) = (bits / 32, bits % 32);
        if rem > 0 {
            let mut carry = 0u32;
            for w in self.0.iter_mut() {
                let next = *w >> (32 - rem);
                *w = (*w << rem) | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat(0).take(words));
        self.norm();
    }

    fn shr(&mut self, bits: usize) {
        let (words, rem) = (bits / 32, bits % 32);
        self.0.drain(..words.min(self.0.len()));
        if rem > 0 {
            for i in 0..self.0.len() {
                let hi = self.0.get(i + 1).copied().unwrap_or(0);
                self.0[i] = (self.0[i] >> rem) | (hi << (32 - rem));
            }
        }
        self.norm();
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for w in self.0.iter_mut() {
            let x = *w as u64 * m as u64 + carry;
            *w = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self + d` for `d` = ±1 (`self` is at least 1).
    fn add_signed(&self, d: i32) -> Nat {
        let mut n = self.clone();
        for w in n.0.iter_mut() {
            if d > 0 {
                let (x, over) = w.overflowing_add(1);
                *w = x;
                if !over {
                    break;
                }
            } else {
                let (x, under) = w.overflowing_sub(1);
                *w = x;
                if !under {
                    break;
                }
            }
        }
        if d > 0 && n.0.iter().all(|&w| w == 0) {
            n.0.push(1);
        }
        n.norm();
        n
    }

    fn to_decimal(&self) -> String {
        let mut words = self.0.clone();
        let mut chunks = Vec::new();
        while !(words.is_empty() || words.len() == 1 && words[0] == 0) {
            let mut rem = 0u64;
            for w in words.iter_mut().rev() {
                let cur = (rem << 32) | *w as u64;
                *w = (cur / 1_000_000_000) as u32;
                rem = cur % 1_000_000_000;
            }
            chunks.push(rem as u32);
            while words.len() > 1 && words.last() == Some(&0) {
                words.pop();
            }
        }
        let mut it = chunks.iter().rev();
        let mut s = match it.next() {
            Some(c) => c.to_string(),
            None => return "0".into(),
        };
        for c in it {
            s.push_str(&format!("{c:09}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_go() {
        let f = |b: &[u8]| big_float(b).unwrap();
        // 1.5 at precision 53
        assert_eq!(
            f(&[1, 0x0a, 0, 0, 0, 0x35, 0, 0, 0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 0]),
            "1.5"
        );
        assert_eq!(f(&[1, 0x0d, 0, 0, 0, 0]), "-Inf");
        assert_eq!(big_rat(&[2, 0, 0, 0, 1, 1, 3]).unwrap(), "1/3");
        assert_eq!(
            Nat::from_be_bytes(&[1, 0, 0, 0, 0]).to_decimal(),
            "4294967296"
        );
    }
}
