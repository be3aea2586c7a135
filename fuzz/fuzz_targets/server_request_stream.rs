//! Any bytes from a "client": the server's request reader ends in requests or an error,
//! never a panic — whole, and split into small reads alike.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = gobrpc::rpc::fuzzing::server_request_stream(data, usize::MAX);
    let split = gobrpc::rpc::fuzzing::server_request_stream(data, 3);
    // Reads split anywhere read the same requests and end the same way.
    assert_eq!(whole, split);
});
