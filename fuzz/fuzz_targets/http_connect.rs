//! Any reply to the HTTP CONNECT handshake: accepted only with Go's status, never a panic or
//! a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ok = gobrpc::rpc::fuzzing::http_connect(data);
    if ok {
        let text = String::from_utf8_lossy(data);
        assert!(text.contains(" 200 Connected to Go RPC"));
    }
});
