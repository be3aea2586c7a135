//! A call's argument built from JSON alone (no `--types`): whole numbers are `int`, other
//! numbers `float64`, strings `string`, booleans `bool`, arrays slices of their elements'
//! common type, objects structs with those field names in order.
//!
//! Array elements are unified: `[1, 2.5]` is a `[]float64`, and objects in one array make
//! one struct type holding every field seen. `null` is the zero value (a struct field that is
//! `null` or an empty array is left out, as Go leaves out zero fields).

use crate::json::path as valuepath;
use crate::value::Definitions;
use crate::wire::{CommonType, FieldType, TypeId, WireType};
use crate::{TypedValue, Value};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// `null`: no type of its own.
    Null,
    Bool,
    Int,
    Uint,
    Float,
    String,
    /// A slice; `Null` inside for `[]`.
    Slice(Box<Shape>),
    Struct(Vec<(String, Shape)>),
}

impl Shape {
    fn go(&self) -> String {
        match self {
            Shape::Null => "interface {}".into(),
            Shape::Bool => "bool".into(),
            Shape::Int => "int".into(),
            Shape::Uint => "uint64".into(),
            Shape::Float => "float64".into(),
            Shape::String => "string".into(),
            Shape::Slice(e) => format!("[]{}", e.go()),
            Shape::Struct(fs) => {
                let f: Vec<String> = fs
                    .iter()
                    .filter(|(_, s)| !s.unresolved())
                    .map(|(n, s)| format!("{n} {}", s.go()))
                    .collect();
                if f.is_empty() {
                    "struct {}".into()
                } else {
                    format!("struct {{ {} }}", f.join("; "))
                }
            }
        }
    }

    /// True when the shape still has no Go type somewhere (`null`, `[]`).
    fn unresolved(&self) -> bool {
        match self {
            Shape::Null => true,
            Shape::Slice(e) => e.unresolved(),
            _ => false,
        }
    }
}

/// A JSON value whose Go type cannot be inferred: a top-level `null`, array elements of
/// different types, an object key that is not an exported Go identifier, a number out of
/// range. The message says where, in Go's expression syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InferError {
    /// What is wrong and where.
    pub message: String,
}

impl std::fmt::Display for InferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InferError {}

/// A gob value built from JSON alone, with a Go type inferred from its shape, and that type
/// as Go spells it (`struct { A int; B []float64 }`).
///
/// Whole numbers are `int` (`uint64` past `int64`), other numbers `float64`, strings
/// `string`, booleans `bool`, arrays slices of their elements' common type (`[1, 2.5]` is
/// a `[]float64`; objects in one array make one struct type holding every field seen),
/// objects structs with those field names in order. `null` is the zero value: a struct
/// field that is `null` or an empty array is left out, as Go leaves out zero fields.
/// The type definitions are made the way [`TypedValue::infer`] makes them.
///
/// ```
/// let (tv, go) = gobrpc::json::infer(&serde_json::json!({"A": 7, "B": [1, 2.5]}))?;
/// assert_eq!(go, "struct { A int; B []float64 }");
/// assert_eq!(gobrpc::json::to_json(&tv)?, r#"{"A":7,"B":[1,2.5]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn infer(json: &Json) -> Result<(TypedValue, String), InferError> {
    infer_shape(json).map_err(|message| InferError { message })
}

fn infer_shape(json: &Json) -> Result<(TypedValue, String), String> {
    let shape = shape_of(json, "")?;
    if shape == Shape::Null {
        return Err("cannot infer a Go type for a top-level null; use --types".into());
    }
    let mut b = Builder {
        defs: Definitions::default(),
    };
    let ty = b.type_of(&shape);
    let value = build(&shape, json, "")?;
    Ok((b.defs.finish(value, ty), shape.go()))
}

fn shape_of(j: &Json, path: &str) -> Result<Shape, String> {
    Ok(match j {
        Json::Null => Shape::Null,
        Json::Bool(_) => Shape::Bool,
        Json::Number(n) if n.is_i64() => Shape::Int,
        Json::Number(n) if n.is_u64() => Shape::Uint,
        Json::Number(_) => Shape::Float,
        Json::String(_) => Shape::String,
        Json::Array(items) => {
            let mut elem = Shape::Null;
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                elem = unify(elem, shape_of(item, &p)?, &p)?;
            }
            Shape::Slice(Box::new(elem))
        }
        Json::Object(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for (name, v) in fields {
                check_field_name(name, path)?;
                out.push((name.clone(), shape_of(v, &valuepath::field(path, name))?));
            }
            Shape::Struct(out)
        }
    })
}

fn check_field_name(name: &str, path: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_uppercase())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{}: field name {name:?} is not an exported Go identifier (Go's gob sends \
             only fields whose names start with an upper-case letter)",
            valuepath::at(path)
        ))
    }
}

/// The common type of two array elements.
fn unify(a: Shape, b: Shape, path: &str) -> Result<Shape, String> {
    Ok(match (a, b) {
        (Shape::Null, x) | (x, Shape::Null) => x,
        (x, y) if x == y => x,
        (Shape::Int | Shape::Float, Shape::Int | Shape::Float) => Shape::Float,
        (Shape::Int | Shape::Uint, Shape::Int | Shape::Uint) => Shape::Uint,
        (Shape::Float | Shape::Uint, Shape::Float | Shape::Uint) => Shape::Float,
        (Shape::Slice(x), Shape::Slice(y)) => Shape::Slice(Box::new(unify(*x, *y, path)?)),
        (Shape::Struct(mut xs), Shape::Struct(ys)) => {
            for (name, s) in ys {
                match xs.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, t)) => {
                        let old = std::mem::replace(t, Shape::Null);
                        *t = unify(old, s, &valuepath::field(path, &name))?;
                    }
                    None => xs.push((name, s)),
                }
            }
            Shape::Struct(xs)
        }
        (x, y) => {
            return Err(format!(
                "{}: array elements of different types ({} and {}); use --types",
                valuepath::at(path),
                x.go(),
                y.go()
            ))
        }
    })
}

/// The value of `j` as a value of `shape` (`null` is the zero value).
fn build(shape: &Shape, j: &Json, path: &str) -> Result<Value, String> {
    if j.is_null() {
        return Ok(zero(shape));
    }
    Ok(match (shape, j) {
        (Shape::Bool, Json::Bool(b)) => Value::Bool(*b),
        (Shape::Int, Json::Number(n)) => Value::Int(n.as_i64().ok_or_else(|| range(path))?),
        (Shape::Uint, Json::Number(n)) => Value::Uint(n.as_u64().ok_or_else(|| {
            format!(
                "{}: {n} does not fit uint64 (the array mixes it with larger numbers)",
                valuepath::at(path)
            )
        })?),
        (Shape::Float, Json::Number(n)) => Value::Float(n.as_f64().ok_or_else(|| range(path))?),
        (Shape::String, Json::String(s)) => Value::String(s.clone()),
        (Shape::Slice(e), Json::Array(items)) => Value::Slice(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| build(e, item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        (Shape::Struct(fs), Json::Object(obj)) => {
            let mut out = Vec::new();
            for (name, s) in fs {
                if s.unresolved() {
                    continue;
                }
                match obj.get(name) {
                    None | Some(Json::Null) => {}
                    Some(v) => {
                        out.push((name.clone(), build(s, v, &valuepath::field(path, name))?))
                    }
                }
            }
            Value::Struct(out)
        }
        _ => {
            return Err(format!(
                "{}: value does not fit {}",
                valuepath::at(path),
                shape.go()
            ))
        }
    })
}

fn range(path: &str) -> String {
    format!("{}: number out of range", valuepath::at(path))
}

fn zero(shape: &Shape) -> Value {
    match shape {
        Shape::Null => Value::Interface(None),
        Shape::Bool => Value::Bool(false),
        Shape::Int => Value::Int(0),
        Shape::Uint => Value::Uint(0),
        Shape::Float => Value::Float(0.0),
        Shape::String => Value::String(String::new()),
        Shape::Slice(_) => Value::Slice(Vec::new()),
        Shape::Struct(_) => Value::Struct(Vec::new()),
    }
}

struct Builder {
    defs: Definitions,
}

impl Builder {
    fn define(&mut self, def: WireType) -> TypeId {
        self.defs.define(def)
    }

    fn type_of(&mut self, s: &Shape) -> TypeId {
        match s {
            Shape::Null => TypeId::INTERFACE,
            Shape::Bool => TypeId::BOOL,
            Shape::Int => TypeId::INT,
            Shape::Uint => TypeId::UINT,
            Shape::Float => TypeId::FLOAT,
            Shape::String => TypeId::STRING,
            Shape::Slice(e) => {
                let elem = self.type_of(e);
                self.define(WireType::Slice {
                    common: CommonType::default(),
                    elem,
                })
            }
            Shape::Struct(fs) => {
                let fields = fs
                    .iter()
                    .filter(|(_, s)| !s.unresolved())
                    .map(|(name, s)| FieldType {
                        name: name.clone(),
                        id: self.type_of(s),
                    })
                    .collect();
                self.define(WireType::Struct {
                    common: CommonType::default(),
                    fields,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let (tv, go) =
            infer(&serde_json::json!({"A": 7, "B": [1, 2.5], "C": null, "D": []})).unwrap();
        assert_eq!(go, "struct { A int; B []float64 }");
        assert_eq!(
            tv.value,
            Value::Struct(vec![
                ("A".into(), Value::Int(7)),
                (
                    "B".into(),
                    Value::Slice(vec![Value::Float(1.0), Value::Float(2.5)])
                ),
            ])
        );
        assert_eq!(
            infer(&serde_json::json!([{"A": [1]}, {"A": ["x"]}]))
                .unwrap_err()
                .message,
            "at `[1].A`: array elements of different types (int and string); use --types"
        );
        assert!(infer(&serde_json::json!([1, "a"])).is_err());
        assert!(infer(&serde_json::json!({"a": 1})).is_err());
        assert!(infer(&serde_json::json!(null)).is_err());
    }
}
