//! Go's `math/big.Int`, sent by its `GobEncode` payload.

use crate::schema::{GoKind, GobType, TypeBuilder, TypeRef};
use crate::wire::MarshalerKind;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A Go `big.Int`: sign and big-endian magnitude.
///
/// Go's `GobEncode` has a pointer receiver, so (as in Go) a `BigInt` struct field is always
/// sent, even when zero; use `Option<BigInt>` for Go's `*big.Int` field, omitted when nil.
///
/// ```
/// use gobrpc::types::BigInt;
/// let n = BigInt::from(-1000i64);
/// assert_eq!(n.to_string(), "-1000");
/// assert_eq!(n.to_gob_bytes(), [0x03, 0x03, 0xe8]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BigInt {
    negative: bool,
    /// Big-endian, without leading zero bytes (empty for zero).
    magnitude: Vec<u8>,
}

impl BigInt {
    /// From a sign and a big-endian magnitude (leading zeros are dropped).
    pub fn from_be_bytes(negative: bool, magnitude: &[u8]) -> Self {
        let start = magnitude
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(magnitude.len());
        let magnitude = magnitude[start..].to_vec();
        BigInt {
            negative: negative && !magnitude.is_empty(),
            magnitude,
        }
    }

    /// True if negative.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The big-endian magnitude (empty for zero).
    pub fn magnitude(&self) -> &[u8] {
        &self.magnitude
    }

    /// Go's `GobEncode`: `1<<1 | sign` then the magnitude.
    pub fn to_gob_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.magnitude.len());
        out.push(2 | self.negative as u8);
        out.extend_from_slice(&self.magnitude);
        out
    }

    /// Go's `GobDecode`; an empty payload is zero.
    pub fn from_gob_bytes(b: &[u8]) -> crate::Result<Self> {
        let Some((&head, mag)) = b.split_first() else {
            return Ok(BigInt::default());
        };
        if head >> 1 != 1 {
            return Err(crate::Error::type_mismatch(format!(
                "Int.GobDecode: encoding version {} not supported",
                head >> 1
            )));
        }
        Ok(BigInt::from_be_bytes(head & 1 == 1, mag))
    }

    /// The value as an `i128`, if it fits.
    pub fn to_i128(&self) -> Option<i128> {
        if self.magnitude.len() > 16 {
            return None;
        }
        let m = self
            .magnitude
            .iter()
            .fold(0u128, |a, &b| (a << 8) | b as u128);
        if self.negative {
            if m <= i128::MAX as u128 + 1 {
                Some((m as i128).wrapping_neg())
            } else {
                None
            }
        } else {
            i128::try_from(m).ok()
        }
    }
}

impl From<i64> for BigInt {
    fn from(v: i64) -> Self {
        BigInt::from(v as i128)
    }
}

impl From<i128> for BigInt {
    fn from(v: i128) -> Self {
        BigInt::from_be_bytes(v < 0, &v.unsigned_abs().to_be_bytes())
    }
}

impl From<u64> for BigInt {
    fn from(v: u64) -> Self {
        BigInt::from_be_bytes(false, &v.to_be_bytes())
    }
}

impl fmt::Display for BigInt {
    /// Decimal, as Go's `String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.magnitude.is_empty() {
            return f.write_str("0");
        }
        // Repeated division of the base-256 digits by 10^9.
        let mut digits = self.magnitude.clone();
        let mut chunks = Vec::new();
        while !digits.is_empty() {
            let mut rem = 0u64;
            for d in digits.iter_mut() {
                let cur = (rem << 8) | *d as u64;
                *d = (cur / 1_000_000_000) as u8;
                rem = cur % 1_000_000_000;
            }
            chunks.push(rem);
            let start = digits.iter().position(|&b| b != 0).unwrap_or(digits.len());
            digits.drain(..start);
        }
        if self.negative {
            f.write_str("-")?;
        }
        let mut it = chunks.iter().rev();
        write!(f, "{}", it.next().expect("non-zero has a chunk"))?;
        for c in it {
            write!(f, "{c:09}")?;
        }
        Ok(())
    }
}

impl GobType for BigInt {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.named::<BigInt>("Int", "big.Int", |_| GoKind::Marshaler {
            kind: MarshalerKind::Gob,
            ptr_receiver: true,
            zero_payload: None,
        })
    }
}

impl Serialize for BigInt {
    /// The marshaled payload for gob (and other binary formats); text for human-readable ones.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::serialize_marshaled(s, self, || self.to_gob_bytes())
    }
}

impl<'de> Deserialize<'de> for BigInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let payload = super::__payload(d, MarshalerKind::Gob)?;
        BigInt::from_gob_bytes(&payload).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_payloads() {
        assert_eq!(BigInt::default().to_gob_bytes(), [0x02]);
        assert_eq!(BigInt::from(-1000i64).to_gob_bytes(), [0x03, 0x03, 0xe8]);
        let big =
            BigInt::from_be_bytes(false, &[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(big.to_string(), "340282366920938463463374607431768211456");
        assert_eq!(BigInt::from(i128::MIN).to_i128(), Some(i128::MIN));
        assert!(BigInt::from_gob_bytes(&[0x06]).is_err());
    }
}
