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
