//! Any bytes from a plugin's yamux server: the session's frame reader ends the session
//! cleanly at the end of input or on a protocol error, never a panic or a hang, whole and
//! split into small reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gobrpc::plugin::fuzzing::mux_frames(data, usize::MAX);
    gobrpc::plugin::fuzzing::mux_frames(data, 5);
});
