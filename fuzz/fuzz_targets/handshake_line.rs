//! Any first line from a plugin's stdout: the handshake parser accepts it or says why in
//! go-plugin's words, never a panic; what it accepts is a version the host offered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gobrpc::plugin::fuzzing::handshake_line(data);
});
