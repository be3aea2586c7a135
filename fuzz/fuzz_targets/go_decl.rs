//! Any text as Go type declarations (the library's parser, `gobrpc::decl`): a parse error
//! with a position, or declarations whose gob type tables build or fail cleanly — never a
//! panic or a hang.
#![no_main]

use gobrpc::decl::Decls;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(mut decls) = Decls::parse(src) {
        for name in ["T", "Point", "A", "[]T", "map[string]T", "*T"] {
            let _ = decls.table_for(name);
        }
    }
});
