//! Gob's scalar encodings: unsigned and signed integers, floats, lengths.
//!
//! These functions append to a `Vec<u8>`; decoding lives on [`Input`](super::Input).

/// Appends Go's unsigned integer encoding of `x`: one byte below 128, otherwise a byte holding
/// the negated byte count followed by the minimal big-endian bytes.
#[inline]
pub fn put_uint(out: &mut Vec<u8>, x: u64) {
    if x < 0x80 {
        out.push(x as u8);
        return;
    }
    // Nine bytes appended at once (a fixed-size copy, no call to memcpy), then the unused
    // tail dropped: the count byte, then the value's n significant bytes, big-endian.
    let n = 8 - (x.leading_zeros() / 8) as usize;
    let mut b = [0u8; 9];
    b[0] = (n as u8).wrapping_neg();
    b[1..].copy_from_slice(&(x << (8 * (8 - n))).to_be_bytes());
    let len = out.len();
    out.extend_from_slice(&b);
    out.truncate(len + 1 + n);
}

/// Appends Go's signed integer encoding of `i` (bit 0 is a complement flag).
#[inline]
pub fn put_int(out: &mut Vec<u8>, i: i64) {
    put_uint(out, int_to_uint(i));
}

/// Appends a float: the IEEE-754 bits of `f` byte-reversed, sent as an unsigned integer.
#[inline]
pub fn put_float(out: &mut Vec<u8>, f: f64) {
    put_uint(out, f.to_bits().swap_bytes());
}

/// Appends a length-prefixed byte string (gob `string` and `[]byte`).
#[inline]
pub fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_uint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// The number of bytes `put_uint(x)` appends.
#[inline]
pub fn uint_len(x: u64) -> usize {
    if x < 0x80 {
        1
    } else {
        1 + 8 - (x.leading_zeros() / 8) as usize
    }
}

/// Maps a signed integer to the unsigned value gob sends for it.
#[inline]
pub fn int_to_uint(i: i64) -> u64 {
    if i < 0 {
        ((!i as u64) << 1) | 1
    } else {
        (i as u64) << 1
    }
}

/// Maps the unsigned wire value back to the signed integer.
#[inline]
pub fn uint_to_int(u: u64) -> i64 {
    if u & 1 == 1 {
        !((u >> 1) as i64)
    } else {
        (u >> 1) as i64
    }
}

/// Decodes a float from its wire bits.
#[inline]
pub fn uint_to_float(u: u64) -> f64 {
    f64::from_bits(u.swap_bytes())
}

/// Writes `x` in the unsigned encoding at the *end* of `space`, returning how many bytes it took.
/// Used to fill the length prefix reserved in front of a message.
pub(crate) fn put_uint_back(space: &mut [u8; 9], x: u64) -> usize {
    if x < 0x80 {
        space[8] = x as u8;
        return 1;
    }
    let n = 8 - (x.leading_zeros() / 8) as usize;
    space[9 - n..].copy_from_slice(&x.to_be_bytes()[8 - n..]);
    space[8 - n] = (n as u8).wrapping_neg();
    n + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uint(x: u64) -> Vec<u8> {
        let mut v = Vec::new();
        put_uint(&mut v, x);
        v
    }

    fn int(x: i64) -> Vec<u8> {
        let mut v = Vec::new();
        put_int(&mut v, x);
        v
    }

    // Expected bytes from the wire specification's tables (captured from Go).
    #[test]
    fn uint_table() {
        assert_eq!(uint(0), [0x00]);
        assert_eq!(uint(127), [0x7f]);
        assert_eq!(uint(128), [0xff, 0x80]);
        assert_eq!(uint(256), [0xfe, 0x01, 0x00]);
        assert_eq!(uint(70000), [0xfd, 0x01, 0x11, 0x70]);
        assert_eq!(
            uint(u64::MAX),
            [0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn int_table() {
        assert_eq!(int(-1), [0x01]);
        assert_eq!(int(-64), [0x7f]);
        assert_eq!(int(64), [0xff, 0x80]);
        assert_eq!(int(-65), [0xff, 0x81]);
        assert_eq!(int(-129), [0xfe, 0x01, 0x01]);
        assert_eq!(
            int(i64::MIN),
            [0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(
            int(i64::MAX),
            [0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]
        );
        for i in [0, 1, -1, i64::MIN, i64::MAX, 12345, -98765] {
            assert_eq!(uint_to_int(int_to_uint(i)), i);
        }
    }

    #[test]
    fn uint_back_matches_put_uint() {
        for x in [0, 1, 127, 128, 255, 256, 70000, u64::MAX, 1 << 63] {
            let mut space = [0u8; 9];
            let n = put_uint_back(&mut space, x);
            assert_eq!(space[9 - n..], uint(x)[..], "{x}");
        }
    }

    #[test]
    fn float_table() {
        let mut v = Vec::new();
        put_float(&mut v, 17.0);
        assert_eq!(v, [0xfe, 0x31, 0x40]);
        v.clear();
        put_float(&mut v, -0.0);
        assert_eq!(v, [0xff, 0x80]);
        assert_eq!(uint_len(0x7f), 1);
        assert_eq!(uint_len(0x80), 2);
    }
}
