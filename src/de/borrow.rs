//! What borrowed decoding adds to the decoder: the error for a value that cannot be borrowed.
//!
//! Strings and byte slices of a message are always contiguous in the input the decoder was
//! given, so `&'de str` and `&'de [u8]` borrow them. A few strings are not message bytes,
//! though: struct field names (they come from the type definition, which may have arrived in
//! an earlier message) and the strings of a dynamic [`Value`](crate::Value). serde's visitor
//! for `&str` rejects those with "expected a borrowed string"; this turns that into an error
//! that says what to do.

use crate::error::{Category, Error};
use serde::de::{Expected, Unexpected};
use std::fmt::Write;

/// serde's `invalid_type`, with a clear message when a borrowed `&str` or `&[u8]` was asked
/// for a value that is not in the input.
pub(crate) fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
    let mut want = String::new();
    let _ = write!(want, "{exp}");
    match unexp {
        Unexpected::Str(s) if want == "a borrowed string" => Error::new(
            Category::Type,
            format!(
                "gob: cannot borrow string {s:?}: it is not in the input bytes \
                 (decode into String or Cow<str> instead of &str)"
            ),
        ),
        Unexpected::Bytes(_) if want == "a borrowed byte array" => Error::new(
            Category::Type,
            "gob: cannot borrow bytes: they are not in the input bytes \
             (decode into Vec<u8> or Cow<[u8]> instead of &[u8])",
        ),
        _ => Error::new(
            Category::Custom,
            format!("invalid type: {unexp}, expected {want}"),
        ),
    }
}
