//! A decoded gob value as Go's `encoding/json` prints it (`json.Marshal` of the value decoded
//! into its Go type), walking the value beside its wire types (the conventions are in the
//! [module docs](crate::json#rendering-conventions)).

use crate::json::marshal::{self, Known};
use crate::value::TypeTable;
use crate::wire::{MarshalerKind, TypeId, WireType};
use crate::{TypedValue, Value};
use std::fmt::Write;

/// The most zero values (absent fields, and what zero arrays and structs hold) one value
/// may print: a hostile definition could otherwise make a few bytes print gigabytes.
const ZERO_BUDGET: u64 = 1 << 24;
/// The deepest nesting of zero values (a chain of distinct struct or array types).
const MAX_ZERO_DEPTH: usize = 500;

/// A value that cannot be printed: it does not match its own type definitions (a
/// hand-built [`TypedValue`]), or its zero values would be too large to print.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderError {
    /// What is wrong, in words.
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// Go's JSON for a decoded value, on one line: what Go's `json.Marshal` prints for the value
/// decoded into its Go type (the conventions are in the [module docs](crate::json)).
///
/// ```
/// use gobrpc::{TypedValue, Value};
///
/// let tv = TypedValue::infer(Value::Struct(vec![
///     ("Name".into(), Value::String("<b>".into())),
///     ("Ratio".into(), Value::Float(1e21)),
/// ]));
/// assert_eq!(gobrpc::json::to_json(&tv)?, r#"{"Name":"\u003cb\u003e","Ratio":1e+21}"#);
/// # Ok::<(), gobrpc::json::RenderError>(())
/// ```
pub fn to_json(tv: &TypedValue) -> Result<String, RenderError> {
    render(tv).map_err(|message| RenderError { message })
}

/// [`to_json`] as a `serde_json` value (object keys in Go's order).
pub fn to_json_value(tv: &TypedValue) -> Result<serde_json::Value, RenderError> {
    let text = to_json(tv)?;
    serde_json::from_str(&text).map_err(|e| RenderError {
        message: format!("the rendered JSON does not parse: {e}"),
    })
}

fn render(tv: &TypedValue) -> Result<String, String> {
    let mut w = Writer {
        types: &tv.types,
        out: String::new(),
        structs: Vec::new(),
        zero_budget: ZERO_BUDGET,
        zero_depth: 0,
    };
    w.value(&tv.value, tv.ty, None)?;
    Ok(w.out)
}

struct Writer<'a> {
    types: &'a TypeTable,
    out: String,
    /// The struct types being written, outermost first: a struct field of one of these
    /// types can only be a pointer (Go types cannot contain themselves otherwise).
    structs: Vec<TypeId>,
    zero_budget: u64,
    zero_depth: usize,
}

impl Writer<'_> {
    fn def(&self, ty: TypeId) -> Result<&WireType, String> {
        self.types
            .get(ty)
            .ok_or_else(|| format!("type id {ty} is not defined"))
    }

    /// Writes `v` of type `ty`; `iface` is the name an enclosing interface gave it.
    fn value(&mut self, v: &Value, ty: TypeId, iface: Option<&str>) -> Result<(), String> {
        if let Some(b) = ty.builtin() {
            use crate::wire::Builtin as B;
            match (b, v) {
                (B::Bytes, Value::Bytes(b)) if b.is_empty() => self.out.push_str("null"),
                (B::Bytes, Value::Bytes(b)) => {
                    self.out.push('"');
                    base64(b, &mut self.out);
                    self.out.push('"');
                }
                (B::Interface, Value::Interface(None)) => self.out.push_str("null"),
                (B::Interface, Value::Interface(Some(i))) => {
                    let ty =
                        i.ty.ok_or_else(|| format!("interface {} has no type", i.name))?;
                    self.value(&i.value, ty, Some(&i.name))?;
                }
                _ => self.scalar(v)?,
            }
            return Ok(());
        }
        let def = self.def(ty)?.clone();
        match (&def, v) {
            (WireType::Array { elem, .. }, Value::Array(vs)) => self.list(vs, *elem)?,
            (WireType::Slice { .. }, Value::Slice(vs)) if vs.is_empty() => {
                // Go decodes a zero-length slice into a nil slice.
                self.out.push_str("null")
            }
            (WireType::Slice { elem, .. }, Value::Slice(vs)) => self.list(vs, *elem)?,
            (WireType::Map { key, elem, .. }, Value::Map(pairs)) => self.map(pairs, *key, *elem)?,
            (WireType::Struct { fields, .. }, Value::Struct(vals)) => {
                self.structs.push(ty);
                self.out.push('{');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_string(f.name.as_bytes(), &mut self.out);
                    self.out.push(':');
                    match vals.iter().find(|(n, _)| *n == f.name) {
                        Some((_, fv)) => self.value(fv, f.id, None)?,
                        None => self.zero(f.id)?,
                    }
                }
                self.out.push('}');
                self.structs.pop();
            }
            (WireType::Marshaler { common, kind }, Value::Opaque(b) | Value::Bytes(b)) => {
                let names = [common.name.as_str(), iface.unwrap_or("")];
                marshaler(&names, *kind, b, &mut self.out)
            }
            _ => return Err(format!("value does not match its type {}", def.describe())),
        }
        Ok(())
    }

    fn scalar(&mut self, v: &Value) -> Result<(), String> {
        let out = &mut self.out;
        match v {
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => write!(out, "{i}").expect("write to a String"),
            Value::Uint(u) => write!(out, "{u}").expect("write to a String"),
            Value::Float(f) => write_float(*f, out),
            Value::Complex(re, im) => {
                out.push('[');
                write_float(*re, out);
                out.push(',');
                write_float(*im, out);
                out.push(']');
            }
            Value::String(s) => write_string(s.as_bytes(), out),
            // A Go string that is not UTF-8 (Go's JSON replaces each bad byte).
            Value::Bytes(b) => write_string(b, out),
            other => return Err(format!("unexpected value {other:?} for a builtin type")),
        }
        Ok(())
    }

    fn list(&mut self, vs: &[Value], elem: TypeId) -> Result<(), String> {
        self.out.push('[');
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.value(v, elem, None)?;
        }
        self.out.push(']');
        Ok(())
    }

    fn map(&mut self, pairs: &[(Value, Value)], key: TypeId, elem: TypeId) -> Result<(), String> {
        if matches!(key, TypeId::STRING | TypeId::INT | TypeId::UINT) {
            // Go sorts the keys by their JSON text.
            let mut keyed: Vec<(String, &Value)> = pairs
                .iter()
                .map(|(k, v)| {
                    let k = match k {
                        Value::String(s) => s.clone(),
                        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                        Value::Int(i) => i.to_string(),
                        Value::Uint(u) => u.to_string(),
                        other => format!("{other:?}"),
                    };
                    (k, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            self.out.push('{');
            for (i, (k, v)) in keyed.into_iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                write_string(k.as_bytes(), &mut self.out);
                self.out.push(':');
                self.value(v, elem, None)?;
            }
            self.out.push('}');
        } else {
            self.out.push('[');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.out.push('[');
                self.value(k, key, None)?;
                self.out.push(',');
                self.value(v, elem, None)?;
                self.out.push(']');
            }
            self.out.push(']');
        }
        Ok(())
    }

    /// Go's JSON for the zero value of `ty` (a field absent on the wire).
    fn zero(&mut self, ty: TypeId) -> Result<(), String> {
        if self.zero_budget == 0 || self.zero_depth >= MAX_ZERO_DEPTH {
            return Err("the zero values of absent fields are too large to print".into());
        }
        self.zero_budget -= 1;
        self.zero_depth += 1;
        let r = self.zero_inner(ty);
        self.zero_depth -= 1;
        r
    }

    fn zero_inner(&mut self, ty: TypeId) -> Result<(), String> {
        if let Some(b) = ty.builtin() {
            use crate::wire::Builtin as B;
            self.out.push_str(match b {
                B::Bool => "false",
                B::Int | B::Uint | B::Float => "0",
                B::Complex => "[0,0]",
                B::String => "\"\"",
                B::Bytes | B::Interface => "null",
            });
            return Ok(());
        }
        let def = self.def(ty)?.clone();
        match &def {
            WireType::Slice { .. } | WireType::Map { .. } => self.out.push_str("null"),
            WireType::Array { elem, len, .. } => {
                if *len as u64 > self.zero_budget {
                    return Err(format!(
                        "the zero value of a [{len}] array is too large to print"
                    ));
                }
                self.out.push('[');
                for i in 0..*len {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.zero(*elem)?;
                }
                self.out.push(']');
            }
            WireType::Struct { fields, .. } => {
                if self.structs.contains(&ty) {
                    // A struct inside itself: only a nil pointer can hold it.
                    self.out.push_str("null");
                    return Ok(());
                }
                self.structs.push(ty);
                self.out.push('{');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_string(f.name.as_bytes(), &mut self.out);
                    self.out.push(':');
                    self.zero(f.id)?;
                }
                self.out.push('}');
                self.structs.pop();
            }
            WireType::Marshaler { common, kind } => {
                self.out.push_str(marshal::zero(&common.name, *kind))
            }
        }
        Ok(())
    }
}

/// A marshaler's payload as Go's JSON prints the types it knows; others as
/// `{"$type": name, "$base64": payload}`.
fn marshaler(names: &[&str], kind: MarshalerKind, b: &[u8], out: &mut String) {
    match marshal::known(names, kind, b) {
        Some(Known::Text(s)) => write_string(s.as_bytes(), out),
        Some(Known::Number(s)) => out.push_str(&s),
        None => {
            let name = names.iter().find(|n| !n.is_empty()).copied().unwrap_or("");
            out.push_str("{\"$type\":");
            write_string(name.as_bytes(), out);
            out.push_str(",\"$base64\":\"");
            base64(b, out);
            out.push_str("\"}");
        }
    }
}

/// A marshaler's payload for a human (`dump`'s annotated walk, the tap's lines): the known
/// ones (`time.Time`, `big.Int`, …) as text, others as hex bytes.
pub fn write_marshaler_text(name: &str, kind: MarshalerKind, b: &[u8], out: &mut String) {
    match marshal::known(&[name], kind, b) {
        Some(Known::Text(s)) => write!(out, "{s:?}").expect("write to a String"),
        Some(Known::Number(s)) => out.push_str(&s),
        None => {
            for (i, x) in b.iter().take(48).enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write!(out, "{x:02x}").expect("write to a String");
            }
            if b.len() > 48 {
                out.push_str(" …");
            }
        }
    }
}

/// Go's JSON number for a float (`encoding/json`'s float encoder), or the strings `"NaN"`,
/// `"+Inf"`, `"-Inf"`.
pub fn write_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("\"NaN\"");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "\"+Inf\"" } else { "\"-Inf\"" });
        return;
    }
    // Shortest digits of the value as a float64, and as a float32 when it is exactly one.
    let (mut digits, mut exp) = shortest(&format!("{:e}", f.abs()));
    let f32_exact = (f as f32) as f64 == f && f.abs() <= f32::MAX as f64;
    let mut bits32 = false;
    if f32_exact {
        let (d32, e32) = shortest(&format!("{:e}", (f as f32).abs()));
        if d32.len() < digits.len() {
            (digits, exp) = (d32, e32);
            bits32 = true;
        }
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let abs = f.abs();
    let sci = abs != 0.0
        && if bits32 {
            let a = abs as f32;
            !(1e-6..1e21).contains(&a)
        } else {
            !(1e-6..1e21).contains(&abs)
        };
    if sci {
        // d.ddde±XX, with Go's clean-up of "e-07" to "e-7".
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let e = exp.unsigned_abs();
        if exp < 0 && e < 10 {
            write!(out, "e{sign}{e}").expect("write to a String");
        } else {
            write!(out, "e{sign}{e:02}").expect("write to a String");
        }
    } else if abs == 0.0 {
        out.push('0');
    } else {
        // Fixed notation: the point goes after digit `exp + 1`.
        let point = exp + 1;
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..-point {
                out.push('0');
            }
            out.push_str(&digits);
        } else if point as usize >= digits.len() {
            out.push_str(&digits);
            for _ in 0..(point as usize - digits.len()) {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point as usize]);
            out.push('.');
            out.push_str(&digits[point as usize..]);
        }
    }
}

/// Splits Rust's shortest `{:e}` text (`"1.5e-7"`) into its digits (`"15"`) and exponent.
fn shortest(s: &str) -> (String, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = match digits.trim_end_matches('0') {
        "" => "0".to_string(),
        d => d.to_string(),
    };
    (digits, exp.parse().unwrap_or(0))
}

/// A JSON string as Go's `encoding/json` writes it: HTML-safe, each byte of invalid UTF-8
/// as `\ufffd`.
pub fn write_string(b: &[u8], out: &mut String) {
    out.push('"');
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                    write!(out, "\\u{:04x}", c as u32).expect("write to a String")
                }
                c if (c as u32) < 0x20 => {
                    write!(out, "\\u{:04x}", c as u32).expect("write to a String")
                }
                c => out.push(c),
            }
        }
        for _ in chunk.invalid() {
            out.push_str("\\ufffd");
        }
    }
    out.push('"');
}

/// Standard base64 with padding.
pub(crate) fn base64(b: &[u8], out: &mut String) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> String {
        let mut s = String::new();
        write_float(x, &mut s);
        s
    }

    #[test]
    fn floats_as_go() {
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1e-7), "1e-7");
        assert_eq!(f(0.000001), "0.000001");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(123456789.0), "123456789");
        assert_eq!(f(0.1f32 as f64), "0.1");
        assert_eq!(f(f32::MAX as f64), "3.4028235e+38");
        assert_eq!(f(1.7976931348623157e308), "1.7976931348623157e+308");
        assert_eq!(f(5e-324), "5e-324");
        assert_eq!(f(f64::NAN), "\"NaN\"");
    }

    #[test]
    fn strings_and_base64() {
        let mut s = String::new();
        write_string(b"a<b>\"\n\x01\xff", &mut s);
        assert_eq!(s, r#""a\u003cb\u003e\"\n\u0001\ufffd""#);
        let mut s = String::new();
        base64(b"\x00\x01\x02\x03", &mut s);
        assert_eq!(s, "AAECAw==");
    }
}
