//! JSON values to gob values of a declared Go type (the rules are in the [module
//! docs](crate::json#from-json-to-a-declared-type)).

mod scalars;
mod structs;
#[cfg(test)]
mod tests;

use crate::decl::{DeclError, Decls, GobTypes, Kind, TyRef};
use crate::types::{BigInt, GoTime};
use crate::value::{Interface, TypedValue, Value};
use crate::wire::TypeId;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use structs::JsonField;

/// A JSON value that does not fit the declared type: where (a value path such as
/// `.Items[3].Name`, empty for the whole value; shown in Go's expression syntax)
/// and what was expected and found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueError {
    /// The JSON path of the offending value.
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", crate::json::path::at(&self.path), self.message)
    }
}

impl std::error::Error for ValueError {}

impl From<DeclError> for ValueError {
    fn from(e: DeclError) -> Self {
        ValueError {
            path: String::new(),
            message: e.to_string(),
        }
    }
}

/// Turns JSON values into gob values of one declared type, for one gob stream: the type ids
/// it assigns (Go's, from 64) stay valid from value to value, so encode every value it makes
/// with the same [`EncoderState`](crate::EncoderState), in order.
#[derive(Debug, Clone)]
pub struct JsonEncoder {
    decls: Decls,
    root: TyRef,
    root_id: TypeId,
    gob: GobTypes,
    fields: HashMap<TyRef, Arc<Vec<JsonField>>>,
    any: Builtins,
}

impl JsonEncoder {
    /// Values of `root` (a declared name or a type expression such as `[]Point`). Fails if
    /// the type is unknown or gob cannot send it.
    pub fn new(mut decls: Decls, root: &str) -> Result<JsonEncoder, DeclError> {
        let t = top_level(&mut decls, root)?;
        let mut gob = GobTypes::new();
        let root_id = gob.send_type_descriptor(&decls, t)?;
        let any = Builtins {
            any: decls.lookup("interface {}")?,
            slice: decls.lookup("[]interface {}")?,
            map: decls.lookup("map[string]interface {}")?,
        };
        Ok(JsonEncoder {
            decls,
            root: t,
            root_id,
            gob,
            fields: HashMap::new(),
            any,
        })
    }

    /// Makes the next values of type `root` instead, on the same stream: the type ids
    /// assigned so far stay valid, as Go's encoder keeps them from value to value of any type
    /// (values of several types can then share one [`EncoderState`](crate::EncoderState)).
    ///
    /// ```
    /// use gobrpc::decl::Decls;
    /// use gobrpc::json::JsonEncoder;
    /// use serde_json::json;
    ///
    /// let decls = Decls::parse("package main\ntype P struct { X int }")?;
    /// let mut enc = JsonEncoder::new(decls, "P")?;
    /// let p = enc.value(&json!({"X": 1}))?;
    /// enc.set_root("[]P")?;
    /// let ps = enc.value(&json!([{"X": 2}]))?;
    /// // One stream: P is defined once, and []P refers to it by the same id.
    /// let mut st = gobrpc::EncoderState::new();
    /// let mut bytes = Vec::new();
    /// st.encode_value(&p, &mut bytes)?;
    /// st.encode_value(&ps, &mut bytes)?;
    /// let mut dec = gobrpc::Decoder::new(bytes.as_slice());
    /// assert_eq!(gobrpc::json::to_json(&dec.decode_value()?)?, r#"{"X":1}"#);
    /// assert_eq!(gobrpc::json::to_json(&dec.decode_value()?)?, r#"[{"X":2}]"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_root(&mut self, root: &str) -> Result<(), DeclError> {
        let t = top_level(&mut self.decls, root)?;
        self.root_id = self.gob.send_type_descriptor(&self.decls, t)?;
        self.root = t;
        Ok(())
    }

    /// The gob value of `json`, with the definitions it needs.
    pub fn value(&mut self, json: &Json) -> Result<TypedValue, ValueError> {
        let mut c = Conv {
            d: &mut self.decls,
            gob: &mut self.gob,
            fields: &mut self.fields,
            path: String::new(),
            budget: ZERO_BUDGET,
            depth: 0,
            any: self.any,
        };
        let out = c.convert(self.root, json, Ctx::Top)?;
        Ok(TypedValue {
            value: out.value,
            ty: self.root_id,
            types: self.gob.table().clone(),
        })
    }
}

/// The type sent for a top-level value of type `root`.
fn top_level(decls: &mut Decls, root: &str) -> Result<TyRef, DeclError> {
    let t = decls.lookup(root)?;
    if matches!(decls.kind(t), Kind::BigInt) {
        // Go can only encode a *big.Int at top level (GobEncode has a pointer receiver).
        return Ok(decls.pointer_to(t));
    }
    Ok(t)
}

impl Decls {
    /// The gob value of one JSON value of type `type_name` (a declared name or a type
    /// expression such as `[]Point` or `map[string]int`), with the type definitions Go
    /// sends for it on a fresh stream. For a stream of values use [`JsonEncoder`].
    pub fn typed_value(&self, type_name: &str, json: &Json) -> Result<TypedValue, ValueError> {
        JsonEncoder::new(self.clone(), type_name)?.value(json)
    }
}

/// How deeply a value may nest (levels of structs, elements and pointers, zero values of
/// absent fields included). JSON text itself nests at most 128 deep (serde_json's limit).
pub const MAX_VALUE_DEPTH: usize = 200;

/// How many values zero-filled arrays may add to one value.
const ZERO_BUDGET: usize = 1 << 22;

/// Where a value sits, which decides what a nil pointer means and whether zero is omitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Iface,
    Field,
    Elem,
    MapEntry,
}

/// A converted value, and whether a struct leaves it out (Go's zero-value omission).
struct Out {
    value: Value,
    omit: bool,
}

impl Out {
    fn sent(value: Value) -> Out {
        Out { value, omit: false }
    }
}

struct Conv<'a> {
    d: &'a mut Decls,
    gob: &'a mut GobTypes,
    fields: &'a mut HashMap<TyRef, Arc<Vec<JsonField>>>,
    path: String,
    budget: usize,
    depth: usize,
    any: Builtins,
}

/// Types an `interface{}` holding JSON arrays and objects needs.
#[derive(Debug, Clone, Copy)]
struct Builtins {
    any: TyRef,
    slice: TyRef,
    map: TyRef,
}

fn found(j: &Json) -> String {
    match j {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => format!("number {n}"),
        Json::String(s) if s.chars().count() > 40 => {
            format!("string {:?}…", s.chars().take(40).collect::<String>())
        }
        Json::String(s) => format!("string {s:?}"),
        Json::Array(a) => format!("an array of {} elements", a.len()),
        Json::Object(_) => "an object".into(),
    }
}

/// Go's NaN (`math.NaN()`), bit for bit.
fn go_nan() -> f64 {
    f64::from_bits(0x7ff8_0000_0000_0001)
}

impl Conv<'_> {
    fn err(&self, message: impl Into<String>) -> ValueError {
        ValueError {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// "main.Level (uint8)" for a named basic type, else Go's spelling.
    fn tname(&self, t: TyRef) -> String {
        let g = self.d.get(t);
        let basic = match &g.kind {
            Kind::Bool => "bool",
            Kind::String => "string",
            Kind::Int(k) => match k {
                crate::decl::IntKind::Int => "int",
                crate::decl::IntKind::Int8 => "int8",
                crate::decl::IntKind::Int16 => "int16",
                crate::decl::IntKind::Int32 => "int32",
                crate::decl::IntKind::Int64 => "int64",
            },
            Kind::Uint(k) => match k {
                crate::decl::UintKind::Uint => "uint",
                crate::decl::UintKind::Uint8 => "uint8",
                crate::decl::UintKind::Uint16 => "uint16",
                crate::decl::UintKind::Uint32 => "uint32",
                crate::decl::UintKind::Uint64 => "uint64",
                crate::decl::UintKind::Uintptr => "uintptr",
            },
            Kind::Float(32) => "float32",
            Kind::Float(_) => "float64",
            Kind::Complex(64) => "complex64",
            Kind::Complex(_) => "complex128",
            _ => return g.string.clone(),
        };
        if g.string == basic {
            g.string.clone()
        } else {
            format!("{} ({basic})", g.string)
        }
    }

    fn expected(&self, what: &str, t: TyRef, j: &Json) -> ValueError {
        self.err(format!(
            "expected {what} for {}, found {}",
            self.tname(t),
            found(j)
        ))
    }

    /// Runs `f` with `seg` appended to the path.
    fn at<T>(&mut self, seg: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.path.len();
        self.path.push_str(seg);
        let r = f(self);
        self.path.truncate(len);
        r
    }

    /// Runs `f` one level deeper, failing beyond [`MAX_VALUE_DEPTH`].
    fn deeper(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Out, ValueError>,
    ) -> Result<Out, ValueError> {
        if self.depth >= MAX_VALUE_DEPTH {
            return Err(self.err("value nested too deeply"));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn convert(&mut self, t: TyRef, j: &Json, ctx: Ctx) -> Result<Out, ValueError> {
        self.deeper(|c| c.convert_inner(t, j, ctx))
    }

    fn convert_inner(&mut self, t: TyRef, j: &Json, ctx: Ctx) -> Result<Out, ValueError> {
        if j.is_null() {
            return self.zero(t, ctx);
        }
        if self.d.is_gob_encoder(t) {
            return self.external(t, j);
        }
        match self.d.kind(t).clone() {
            Kind::Pointer(e) => self.convert(e, j, ctx),
            Kind::Bool => match j {
                Json::Bool(b) => Ok(Out {
                    value: Value::Bool(*b),
                    omit: !*b,
                }),
                _ => Err(self.expected("true or false", t, j)),
            },
            Kind::Int(k) => {
                let (lo, hi) = k.range();
                let i = match j {
                    Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                        (Some(i), _, _) => Some(i as i128),
                        (None, Some(u), _) => Some(u as i128),
                        (_, _, Some(f)) => self.whole(f, t, j)?,
                        _ => None,
                    },
                    _ => return Err(self.expected("an integer", t, j)),
                };
                match i {
                    Some(i) if (lo as i128..=hi as i128).contains(&i) => Ok(Out {
                        value: Value::Int(i as i64),
                        omit: i == 0,
                    }),
                    _ => Err(self.err(format!("{j} out of range for {}", self.tname(t)))),
                }
            }
            Kind::Uint(k) => {
                let u = match j {
                    Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                        (Some(u), _, _) => Some(u as i128),
                        (None, Some(i), _) => Some(i as i128),
                        (_, _, Some(f)) => self.whole(f, t, j)?,
                        _ => None,
                    },
                    _ => return Err(self.expected("an unsigned integer", t, j)),
                };
                match u {
                    Some(u) if (0..=k.max() as i128).contains(&u) => Ok(Out {
                        value: Value::Uint(u as u64),
                        omit: u == 0,
                    }),
                    _ => Err(self.err(format!("{j} out of range for {}", self.tname(t)))),
                }
            }
            Kind::Float(bits) => {
                let f = self.float(t, bits, j)?;
                Ok(Out {
                    value: Value::Float(f),
                    omit: f == 0.0,
                })
            }
            Kind::Complex(bits) => match j {
                Json::Array(parts) if parts.len() == 2 => {
                    let fb = if bits == 64 { 32 } else { 64 };
                    let re = self.at("[0]", |c| c.float(t, fb, &parts[0]))?;
                    let im = self.at("[1]", |c| c.float(t, fb, &parts[1]))?;
                    Ok(Out {
                        value: Value::Complex(re, im),
                        omit: re == 0.0 && im == 0.0,
                    })
                }
                _ => Err(self.expected("[real, imaginary]", t, j)),
            },
            Kind::String => match j {
                Json::String(s) => Ok(Out {
                    value: Value::String(s.clone()),
                    omit: s.is_empty(),
                }),
                _ => Err(self.expected("a string", t, j)),
            },
            Kind::Interface { empty } => self.interface(t, empty, j),
            Kind::Slice(e) if self.d.is_bytes(t) => self.bytes(t, e, j),
            Kind::Slice(e) => match j {
                Json::Array(xs) => {
                    let vs = self.elements(e, xs)?;
                    Ok(Out {
                        omit: vs.is_empty(),
                        value: Value::Slice(vs),
                    })
                }
                _ => Err(self.expected("an array", t, j)),
            },
            Kind::Array(n, e) => match j {
                Json::Array(xs) if xs.len() as u64 == n => {
                    Ok(Out::sent(Value::Array(self.elements(e, xs)?)))
                }
                Json::Array(xs) => Err(self.err(format!(
                    "expected {n} elements for {}, found {}",
                    self.tname(t),
                    xs.len()
                ))),
                _ => Err(self.expected(&format!("an array of {n} elements"), t, j)),
            },
            Kind::Map(k, v) => self.map(t, k, v, j),
            Kind::Struct(_) => match j {
                Json::Object(m) => self.struct_value(t, m).map(Out::sent),
                _ => Err(self.expected("an object", t, j)),
            },
            _ => Err(self.err(format!("type {} cannot be sent by gob", self.tname(t)))),
        }
    }

    /// A float that should be an integer: its value if whole (and exact), else an error.
    fn whole(&self, f: f64, t: TyRef, j: &Json) -> Result<Option<i128>, ValueError> {
        if f.fract() != 0.0 || !f.is_finite() {
            return Err(self.expected("an integer", t, j));
        }
        if f.abs() > 9_007_199_254_740_992.0 {
            return Ok(None); // beyond what a float holds exactly: out of range or not exact
        }
        Ok(Some(f as i128))
    }

    fn float(&self, t: TyRef, bits: u8, j: &Json) -> Result<f64, ValueError> {
        let f = match j {
            Json::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            Json::String(s) => match s.as_str() {
                "NaN" => go_nan(),
                "+Inf" | "Inf" | "Infinity" | "+Infinity" => f64::INFINITY,
                "-Inf" | "-Infinity" => f64::NEG_INFINITY,
                _ => return Err(self.expected("a number (or \"NaN\", \"+Inf\", \"-Inf\")", t, j)),
            },
            _ => return Err(self.expected("a number", t, j)),
        };
        if bits == 32 {
            let g = f as f32;
            if g.is_infinite() && f.is_finite() {
                return Err(self.err(format!("{j} out of range for {}", self.tname(t))));
            }
            return Ok(if f.is_nan() {
                f32::NAN as f64
            } else {
                g as f64
            });
        }
        Ok(f)
    }

    fn elements(&mut self, e: TyRef, xs: &[Json]) -> Result<Vec<Value>, ValueError> {
        let mut out = Vec::with_capacity(xs.len());
        for (i, x) in xs.iter().enumerate() {
            out.push(
                self.at(&format!("[{i}]"), |c| c.convert(e, x, Ctx::Elem))?
                    .value,
            );
        }
        Ok(out)
    }

    fn bytes(&mut self, t: TyRef, e: TyRef, j: &Json) -> Result<Out, ValueError> {
        let b = match j {
            Json::String(s) => scalars::decode_base64(s).map_err(|m| self.err(m))?,
            Json::Array(xs) => self
                .elements(e, xs)?
                .into_iter()
                .map(|v| match v {
                    Value::Uint(u) => u as u8,
                    _ => 0,
                })
                .collect(),
            _ => return Err(self.expected("a base64 string", t, j)),
        };
        Ok(Out {
            omit: b.is_empty(),
            value: Value::Bytes(b),
        })
    }

    /// `time.Time` and `big.Int` (through any pointers): their `GobEncode` payloads.
    fn external(&mut self, t: TyRef, j: &Json) -> Result<Out, ValueError> {
        let base = self.d.deref(t).unwrap_or(t);
        match self.d.kind(base) {
            Kind::Time => {
                let Json::String(s) = j else {
                    return Err(self.expected("an RFC 3339 time string", t, j));
                };
                let tm = scalars::parse_rfc3339(s).map_err(|m| self.err(m))?;
                // A time.Time field is left out when it is the zero Time in UTC (reflect's
                // IsZero); a non-nil *time.Time never is.
                let omit = base == t && tm.is_zero() && tm.offset_seconds().is_none();
                Ok(Out {
                    value: Value::Opaque(tm.to_binary()),
                    omit,
                })
            }
            _ => {
                let n = match j {
                    Json::Number(n) => match (n.as_i64(), n.as_u64()) {
                        (Some(i), _) => BigInt::from(i),
                        (None, Some(u)) => BigInt::from(u),
                        _ => {
                            return Err(self.err(format!(
                                "{j} is not an integer JSON can carry exactly; write big integers as decimal strings (\"123…\")"
                            )))
                        }
                    },
                    Json::String(s) => scalars::parse_big_int(s).map_err(|m| self.err(m))?,
                    _ => return Err(self.expected("an integer or a decimal string", t, j)),
                };
                Ok(Out::sent(Value::Opaque(n.to_gob_bytes())))
            }
        }
    }

    /// Go's zero value of `t` (what JSON `null` and absent fields give).
    fn zero(&mut self, t: TyRef, ctx: Ctx) -> Result<Out, ValueError> {
        self.deeper(|c| c.zero_inner(t, ctx))
    }

    fn zero_inner(&mut self, t: TyRef, ctx: Ctx) -> Result<Out, ValueError> {
        let omitted = |value| Ok(Out { value, omit: true });
        if self.d.is_gob_encoder(t) {
            return match self.d.kind(t) {
                Kind::Time => omitted(Value::Opaque(GoTime::default().to_binary())),
                Kind::BigInt => Ok(Out::sent(Value::Opaque(BigInt::default().to_gob_bytes()))),
                _ => self.nil_pointer(t, ctx),
            };
        }
        match self.d.kind(t).clone() {
            Kind::Pointer(_) => self.nil_pointer(t, ctx),
            Kind::Bool => omitted(Value::Bool(false)),
            Kind::Int(_) => omitted(Value::Int(0)),
            Kind::Uint(_) => omitted(Value::Uint(0)),
            Kind::Float(_) => omitted(Value::Float(0.0)),
            Kind::Complex(_) => omitted(Value::Complex(0.0, 0.0)),
            Kind::String => omitted(Value::String(String::new())),
            Kind::Interface { .. } => omitted(Value::Interface(None)),
            Kind::Slice(_) if self.d.is_bytes(t) => omitted(Value::Bytes(Vec::new())),
            Kind::Slice(_) => omitted(Value::Slice(Vec::new())),
            // A nil map: left out of structs, sent as empty elsewhere.
            Kind::Map(..) => omitted(Value::Map(Vec::new())),
            Kind::Array(n, e) => {
                if n as usize > self.budget {
                    return Err(self.err(format!(
                        "the zero value of {} is too large to build",
                        self.tname(t)
                    )));
                }
                self.budget -= n as usize;
                let z = if n == 0 {
                    Value::Array(Vec::new())
                } else {
                    Value::Array(vec![self.zero(e, Ctx::Elem)?.value; n as usize])
                };
                Ok(Out::sent(z))
            }
            Kind::Struct(_) => self.struct_value(t, &Map::new()).map(Out::sent),
            _ => Err(self.err(format!("type {} cannot be sent by gob", self.tname(t)))),
        }
    }

    fn nil_pointer(&self, t: TyRef, ctx: Ctx) -> Result<Out, ValueError> {
        let t = self.tname(t);
        let why = match ctx {
            Ctx::Field => {
                return Ok(Out {
                    value: Value::Interface(None),
                    omit: true,
                })
            }
            Ctx::Top => format!("gob: cannot encode nil pointer of type {t}"),
            Ctx::Iface => format!("gob: cannot encode nil pointer of type {t} inside interface"),
            Ctx::Elem => format!("a nil {t} in a slice or array (gob: encodeArray: nil element)"),
            Ctx::MapEntry => format!("a nil {t} in a map (gob: encodeReflectValue: nil element)"),
        };
        Err(self.err(why))
    }

    fn interface(&mut self, t: TyRef, empty: bool, j: &Json) -> Result<Out, ValueError> {
        if let Json::Object(m) = j {
            if m.contains_key("$type") {
                return self.typed_interface(m);
            }
        }
        if !empty {
            return Err(self.err(format!(
                "interface type {} has methods, which a JSON {} does not have; write {{\"$type\": \"main.T\", \"$value\": …}}",
                self.tname(t),
                found(j)
            )));
        }
        let (name, ty, value) = match j {
            Json::String(s) => ("string", TypeId::STRING, Value::String(s.clone())),
            Json::Bool(b) => ("bool", TypeId::BOOL, Value::Bool(*b)),
            Json::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => ("int", TypeId::INT, Value::Int(i)),
                (None, Some(f)) if f.fract() == 0.0 && (-9.2e18..9.2e18).contains(&f) => {
                    ("int", TypeId::INT, Value::Int(f as i64))
                }
                (None, Some(f)) => ("float64", TypeId::FLOAT, Value::Float(f)),
                _ => ("float64", TypeId::FLOAT, Value::Float(go_nan())),
            },
            Json::Array(xs) => {
                let id = self.gob.send_type_descriptor(self.d, self.any.slice)?;
                let vs = self.elements(self.any.any, xs)?;
                ("[]interface {}", id, Value::Slice(vs))
            }
            Json::Object(m) => {
                let id = self.gob.send_type_descriptor(self.d, self.any.map)?;
                let any = self.any.any;
                let mut pairs = Vec::with_capacity(m.len());
                for (k, v) in m {
                    let seg = format!("[{}]", Json::String(k.clone()));
                    let v = self.at(&seg, |c| c.convert(any, v, Ctx::MapEntry))?;
                    pairs.push((Value::String(k.clone()), v.value));
                }
                ("map[string]interface {}", id, Value::Map(pairs))
            }
            Json::Null => return self.zero(t, Ctx::Field),
        };
        Ok(Out::sent(Value::Interface(Some(Box::new(Interface {
            name: name.into(),
            ty: Some(ty),
            value,
        })))))
    }

    /// `{"$type": "main.Point", "$value": …}`: a value of a declared type in an interface,
    /// sent under the registered name `$type`.
    fn typed_interface(&mut self, m: &Map<String, Json>) -> Result<Out, ValueError> {
        if let Some(k) = m.keys().find(|k| *k != "$type" && *k != "$value") {
            return Err(self.err(format!(
                "unexpected key {k:?} beside \"$type\" (only \"$type\" and \"$value\" are allowed)"
            )));
        }
        let name = match &m["$type"] {
            Json::String(s) if !s.is_empty() => s.clone(),
            other => {
                return Err(self.err(format!(
                    "expected a registered Go type name for \"$type\", found {}",
                    found(other)
                )))
            }
        };
        let t = self
            .d
            .lookup(&name)
            .map_err(|e| self.err(format!("\"$type\": {e}")))?;
        if matches!(self.d.kind(t), Kind::Interface { .. }) {
            return Err(self.err(format!(
                "\"$type\" {name} is an interface type; an interface holds a concrete type"
            )));
        }
        let id = self
            .gob
            .send_type_descriptor(self.d, t)
            .map_err(|e| self.err(e.to_string()))?;
        let null = Json::Null;
        let j = m.get("$value").unwrap_or(&null);
        let v = self.at(".$value", |c| c.convert(t, j, Ctx::Iface))?;
        Ok(Out::sent(Value::Interface(Some(Box::new(Interface {
            name,
            ty: Some(id),
            value: v.value,
        })))))
    }

    fn map(&mut self, t: TyRef, k: TyRef, v: TyRef, j: &Json) -> Result<Out, ValueError> {
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        // Keys that are equal in Go (`"1"` and `"01"` for an int key) are one entry; the last
        // value wins, as in Go. NaN keys are never equal.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut put = |key: Value, val: Value| {
            let repr = format!("{key:?}");
            if repr.contains("NaN") {
                pairs.push((key, val));
                return;
            }
            match seen.get(&repr) {
                Some(&i) => pairs[i].1 = val,
                None => {
                    seen.insert(repr, pairs.len());
                    pairs.push((key, val));
                }
            }
        };
        match j {
            Json::Object(m) => {
                for (ks, vj) in m {
                    let seg = format!("[{}]", Json::String(ks.clone()));
                    let (key, val) = self.at(&seg, |c| {
                        let key = c.map_key(k, ks)?;
                        Ok::<_, ValueError>((key, c.convert(v, vj, Ctx::MapEntry)?.value))
                    })?;
                    put(key, val);
                }
            }
            Json::Array(entries) => {
                for (i, e) in entries.iter().enumerate() {
                    let (key, val) = self.at(&format!("[{i}]"), |c| match e {
                        Json::Array(kv) if kv.len() == 2 => {
                            let key = c.at("[0]", |c| c.convert(k, &kv[0], Ctx::MapEntry))?;
                            let val = c.at("[1]", |c| c.convert(v, &kv[1], Ctx::MapEntry))?;
                            Ok((key.value, val.value))
                        }
                        _ => Err(c.err(format!(
                            "expected a [key, value] pair for {}, found {}",
                            c.tname(t),
                            found(e)
                        ))),
                    })?;
                    put(key, val);
                }
            }
            _ => return Err(self.expected("an object or an array of [key, value] pairs", t, j)),
        }
        Ok(Out::sent(Value::Map(pairs)))
    }

    /// A map key from a JSON object key, as Go's `encoding/json` reads it.
    fn map_key(&mut self, k: TyRef, s: &str) -> Result<Value, ValueError> {
        let as_json = if self.d.is_gob_encoder(k) {
            Json::String(s.to_string())
        } else {
            match self.d.kind(k) {
                Kind::String | Kind::Interface { empty: true } => Json::String(s.to_string()),
                Kind::Int(_) | Kind::Uint(_) => {
                    let n = s
                        .parse::<i64>()
                        .map(Json::from)
                        .or_else(|_| s.parse::<u64>().map(Json::from));
                    n.map_err(|_| {
                        self.err(format!("expected an integer key for {}, found {s:?}", self.tname(k)))
                    })?
                }
                Kind::Float(_) => match s.parse::<f64>() {
                    Ok(f) if f.is_finite() => Json::from(f),
                    Ok(f) if f.is_nan() => Json::String("NaN".into()),
                    Ok(f) if f > 0.0 => Json::String("+Inf".into()),
                    Ok(_) => Json::String("-Inf".into()),
                    Err(_) => {
                        return Err(self.err(format!(
                            "expected a number key for {}, found {s:?}",
                            self.tname(k)
                        )))
                    }
                },
                Kind::Bool => match s {
                    "true" => Json::Bool(true),
                    "false" => Json::Bool(false),
                    _ => {
                        return Err(self.err(format!(
                            "expected a key true or false for {}, found {s:?}",
                            self.tname(k)
                        )))
                    }
                },
                _ => {
                    return Err(self.err(format!(
                        "map keys of type {} cannot be JSON object keys; write the map as an array of [key, value] pairs",
                        self.tname(k)
                    )))
                }
            }
        };
        Ok(self.convert(k, &as_json, Ctx::MapEntry)?.value)
    }
}
