//! Any bytes, decoded as a stream of dynamic values: an error or values, never a panic; and
//! whatever decodes re-encodes and decodes to the same value.
#![no_main]

mod decode_value_checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| decode_value_checks::decode_value_checks(data));
