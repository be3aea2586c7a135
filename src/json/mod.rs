//! JSON ↔ gob (feature `json`): Go values as Go's `encoding/json` prints them, and gob values
//! made from JSON, of a type declared in Go source ([`crate::decl`]) or inferred from the JSON.
//!
//! - [`to_json`] / [`to_json_value`]: a decoded [`TypedValue`](crate::TypedValue) as Go's
//!   `json.Marshal` prints the value decoded into its Go type (what `gobrpc dump --json`
//!   prints).
//! - [`Decls::typed_value`](crate::decl::Decls::typed_value) and [`JsonEncoder`]: a JSON value
//!   as a gob value of a declared Go type, byte for byte what Go's encoder sends for the value
//!   Go's `json.Unmarshal` makes of that JSON.
//! - [`infer`]: a gob value and a Go type from JSON alone.
//!
//! # Rendering conventions
//!
//! Where the wire cannot say what Go would print: a struct field absent on the wire is its
//! type's zero value (zero-filled objects and arrays for structs and arrays, `null` for a
//! struct that contains itself, which can only be a nil pointer); maps whose keys are not
//! strings or integers are arrays of `[key, value]` pairs; NaN and infinities are the strings
//! `"NaN"`, `"+Inf"`, `"-Inf"`; complex numbers are `[re, im]`; marshalers other than
//! `time.Time`, `big.Int`, `big.Rat`, `big.Float` and `netip.Addr` are
//! `{"$type": name, "$base64": payload}`. Gob sends `float32` and `float64` alike; a float
//! that is exactly a `float32` and whose shortest `float32` spelling is shorter is printed
//! the way Go prints a `float32`.
//!
//! # From JSON to a declared type
//!
//! Go's `encoding/json` conventions in reverse, then Go's gob encoder's rules for what a
//! struct leaves out:
//!
//! - objects are structs (keys are Go field names or `json:"…"` tag names, matched exactly
//!   or else case-insensitively; fields promoted from embedded structs are accepted, as is the
//!   embedded struct by name) or maps (keys parsed for integer, float, bool, `time.Time` and
//!   `big.Int` key types; any map may also be an array of `[key, value]` pairs);
//! - integers are range-checked against their kind; floats may be `"NaN"`, `"+Inf"`,
//!   `"-Inf"`; complex numbers are `[re, im]`; `[]byte` is standard padded base64 (or an
//!   array of numbers); arrays need exactly their length; `null` is nil for pointers, maps,
//!   slices and interfaces and the zero value for everything else;
//! - `time.Time` is an RFC 3339 string, `big.Int` a JSON integer or a decimal string;
//! - an `interface{}` holds what Go's JSON decoder would give it, under the names Go's gob
//!   registers: `"string"`, `"bool"`, `"int"` (whole numbers), `"float64"`,
//!   `"[]interface {}"`, `"map[string]interface {}"` (the latter two must be registered with
//!   `gob.Register` on the Go side). `{"$type": "main.Point", "$value": {…}}` puts a value of
//!   any declared type in an interface, under that registered name.
//!
//! Errors name the place of the offending value in Go's expression syntax from the top-level
//! value: `Items[2].Tags["key"]`.
//!
//! ```
//! use gobrpc::decl::Decls;
//!
//! let decls = Decls::parse("package main\ntype Args struct { A, B int; Tags []string `json:\"tags\"` }")?;
//! let args = decls.typed_value("Args", &serde_json::json!({"A": 7, "B": 8, "tags": ["x"]}))?;
//! // What Go's json.Marshal prints for the Args Go decodes from these bytes:
//! assert_eq!(gobrpc::json::to_json(&args)?, r#"{"A":7,"B":8,"Tags":["x"]}"#);
//!
//! let err = decls.typed_value("Args", &serde_json::json!({"A": "seven"})).unwrap_err();
//! assert_eq!(err.to_string(), r#"at `A`: expected an integer for int, found string "seven""#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "rpc")]
mod call;
mod from_json;
mod infer;
pub(crate) mod marshal;
pub(crate) mod path;
mod render;

#[cfg(feature = "rpc")]
pub use call::CallError;
pub use from_json::{JsonEncoder, ValueError, MAX_VALUE_DEPTH};
pub use infer::{infer, InferError};
pub use render::{
    to_json, to_json_value, write_float, write_marshaler_text, write_string, RenderError,
};
