//! The `gobrpc` command-line tool (placeholder; being written).
fn main() {}
