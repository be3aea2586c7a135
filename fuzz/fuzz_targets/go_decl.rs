//! Any text as Go type declarations (the CLI's parser): a parse error with a position, or
//! declarations whose gob type tables build or fail cleanly — never a panic or a hang.
#![no_main]

// The parser lives in the CLI binary; compile its module tree here (an inline module with a
// directory path makes `godecl.rs` find its children in `godecl/`).
#[allow(dead_code)]
#[path = "../../src/bin/gobrpc"]
mod cli {
    pub mod godecl;
}
use cli::godecl;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(mut decls) = godecl::Decls::parse(src) {
        for name in ["T", "Point", "A", "[]T", "map[string]T", "*T"] {
            let _ = decls.table_for(name);
        }
    }
});
