//! Values of a Go type declared in a Go source file (`--types FILE.go`): the declarations
//! parsed by `godecl`, JSON converted by `from_json`; errors as one line of input error.

use crate::exit::{Failure, Result};
use gobrpc::decl::Decls;
use gobrpc::json::JsonEncoder;
use gobrpc::TypedValue;

/// A declared Go type, turning JSON values into gob values for one stream.
pub struct Schema {
    enc: JsonEncoder,
}

impl Schema {
    /// Parses the declarations in `file` and picks the type `name` (a declared name or a
    /// type expression such as `[]Point`).
    pub fn load(file: &str, name: &str) -> Result<Schema> {
        let src =
            std::fs::read_to_string(file).map_err(|e| Failure::input(format!("{file}: {e}")))?;
        let decls = Decls::parse(&src).map_err(|e| Failure::input(format!("{file}: {e}")))?;
        let enc = JsonEncoder::new(decls, name)
            .map_err(|e| Failure::input(format!("{file}: type {name}: {e}")))?;
        Ok(Schema { enc })
    }

    /// A builtin type or a type expression of builtins (`int`, `[]string`,
    /// `map[string]time.Time`): no declarations needed.
    pub fn builtin(name: &str) -> Result<Schema> {
        let decls = Decls::parse("package main").map_err(|e| Failure::input(e.to_string()))?;
        let enc = JsonEncoder::new(decls, name).map_err(|e| {
            let hint = if e.message.starts_with("undefined: ") {
                " (declare it in a Go file and pass --types FILE.go)"
            } else {
                ""
            };
            Failure::input(format!("type {name}: {e}{hint}"))
        })?;
        Ok(Schema { enc })
    }

    /// The gob value of `json`; `place` names it in errors (`line 3`, `argument`). Values
    /// of one schema belong to one gob stream, in order.
    pub fn value(&mut self, json: &serde_json::Value, place: &str) -> Result<TypedValue> {
        self.enc
            .value(json)
            .map_err(|e| Failure::input(format!("{place}: {e}")))
    }
}
