//! Any bytes from a "server": the client's response reader ends in replies or an error,
//! never a panic — whole, and split into small reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = gobrpc::rpc::fuzzing::response_stream(data, usize::MAX);
    let split = gobrpc::rpc::fuzzing::response_stream(data, 3);
    // Reads split anywhere produce the same replies.
    assert_eq!(whole, split);
});
