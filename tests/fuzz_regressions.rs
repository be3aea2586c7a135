//! Every input a fuzz target ever crashed on, replayed through the same checks
//! (`tests/regressions/<target>_<what>.gob`). A new crash becomes a file here.

use gobrpc::DecoderState;

#[path = "../fuzz/fuzz_targets/decode_value_checks.rs"]
mod checks;

#[test]
fn regressions_replay_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        if name.starts_with("decode_value_") {
            checks::decode_value_checks(&data);
            n += 1;
        } else if name.starts_with("response_stream_") {
            let whole = gobrpc::rpc::fuzzing::response_stream(&data, usize::MAX);
            assert_eq!(
                whole,
                gobrpc::rpc::fuzzing::response_stream(&data, 3),
                "{name}"
            );
            n += 1;
        } else if name.starts_with("server_request_stream_") {
            let whole = gobrpc::rpc::fuzzing::server_request_stream(&data, usize::MAX);
            assert_eq!(
                whole,
                gobrpc::rpc::fuzzing::server_request_stream(&data, 3),
                "{name}"
            );
            n += 1;
        }
    }
    assert!(n >= 1, "no regression inputs found in {}", dir.display());
}

/// The first crash: a definition whose element type is Go's bootstrap id 18. Definitions may
/// only refer to builtins (1–8) and user types (64+).
#[test]
fn bootstrap_type_ids_are_rejected_in_definitions() {
    let data = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/regressions/decode_value_bootstrap_elem_id.gob"),
    )
    .unwrap();
    let e = DecoderState::new().decode_value(&data).unwrap_err();
    assert!(e.to_string().contains("invalid type id"), "{e}");
}

/// The server fuzz target's seeds, Go's client's request streams (`fixtures/netrpc`), read
/// as Go's server read them: each call in order with the client's sequence number; the ones
/// Go's server answered with an `rpc:` or `gob:` error (no such service or method, an
/// ill-formed name, an argument that does not decode) are answered with Go's text and run no
/// handler; the others run one. The same whether the bytes come whole or one at a time.
#[test]
fn server_request_stream_reads_gos_request_streams() {
    #[derive(serde::Deserialize)]
    struct Script {
        calls: Vec<Call>,
    }
    #[derive(serde::Deserialize)]
    struct Call {
        method: String,
        request: String,
        outcome: String,
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/netrpc");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let script: Script = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for (seq, call) in script.calls.iter().enumerate() {
            stream.extend(hex::decode(&call.request).unwrap());
            let text = call.outcome.strip_prefix("error: ");
            want.push(match text {
                Some(e) if e.starts_with("rpc: ") || e.starts_with("gob: ") => {
                    // Go's encoder wrote every argument: each decodes by its wire type.
                    format!("invalid {seq} {}: {e} (args decoded)", call.method)
                }
                _ => format!("call {seq} {}", call.method),
            });
        }
        want.push("end of input".to_string());
        for chunk in [usize::MAX, 3, 1] {
            let read = gobrpc::rpc::fuzzing::server_request_stream(&stream, chunk);
            assert_eq!(read, want, "{} in chunks of {chunk}", path.display());
        }
        n += 1;
    }
    assert!(n >= 20, "only {n} request streams in {}", dir.display());
}
