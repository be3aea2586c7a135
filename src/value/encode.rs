//! Encoding a [`TypedValue`] with the definitions, ids and names it was decoded with.

use super::{Interface, TypeTable, TypedValue, Value};
use crate::error::{Error, Result};
use crate::ser::Session;
use crate::wire::{put_bytes, put_float, put_int, put_uint, Builtin, FieldType, TypeId, WireType};
use crate::EncoderState;

impl EncoderState {
    /// Appends the messages that encode a dynamic value: its type definitions (those the
    /// stream has not sent yet, outer first, with the ids and names they were decoded with
    /// where the stream has not used those ids), then the value.
    ///
    /// ```
    /// use gobrpc::{DecoderState, EncoderState};
    ///
    /// let go_bytes = gobrpc::to_vec(&vec![vec![1i64], vec![]])?;
    /// let (tv, _) = DecoderState::new().decode_value(&go_bytes)?.unwrap();
    /// let mut again = Vec::new();
    /// EncoderState::new().encode_value(&tv, &mut again)?;
    /// assert_eq!(again, go_bytes);
    /// # Ok::<(), gobrpc::Error>(())
    /// ```
    pub fn encode_value(&mut self, tv: &TypedValue, out: &mut Vec<u8>) -> Result<()> {
        self.session(out, |s| encode_value_message(s, tv))
    }

    /// Appends a typed header and a dynamic body as one unit (a net/rpc request).
    pub(crate) fn encode_pair_value<H: serde::Serialize + crate::GobType>(
        &mut self,
        header: &H,
        tv: &TypedValue,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let th = H::build(&mut self.types);
        self.session(out, |s| {
            s.encode_top(header, th)?;
            encode_value_message(s, tv)
        })
    }
}

fn encode_value_message(s: &mut Session<'_>, tv: &TypedValue) -> Result<()> {
    s.push_buffer();
    let w = s.writer();
    let id = send_definitions(s, &tv.types, tv.ty, w)?;
    put_int(s.buf(), id as i64);
    encode_top(s, &tv.types, tv.ty, &tv.value)?;
    s.write_message(w)
}

/// Encodes an embedded dynamic value in a Go `interface{}` position of a typed value (a
/// [`Value`] or [`TypedValue`] field): the interface Go sent, with the definitions and
/// names it was decoded with.
pub(crate) fn encode_embedded(s: &mut Session<'_>, tv: &TypedValue) -> Result<()> {
    if tv.ty != TypeId::INTERFACE {
        return Err(Error::encode(format!(
            "gob: a Value in a Go interface{{}} position must be an interface value (Value::Interface), not a {}",
            kind_name(&tv.value)
        )));
    }
    encode(s, &tv.types, tv.ty, &tv.value)
}

fn is_struct(table: &TypeTable, id: TypeId) -> bool {
    matches!(table.get(id), Some(WireType::Struct { .. }))
}

fn encode_top(s: &mut Session<'_>, table: &TypeTable, id: TypeId, v: &Value) -> Result<()> {
    if !is_struct(table, id) {
        s.buf().push(0);
    }
    encode(s, table, id, v)
}

fn undefined(id: TypeId) -> Error {
    Error::encode(format!(
        "gob: type id {id} is not in the value's type table"
    ))
}

/// Sends, outer first, every definition reachable from `root` the stream lacks (Go's
/// pre-order), each as its own message through `writer`. Returns the stream id of `root`.
fn send_definitions(
    s: &mut Session<'_>,
    table: &TypeTable,
    root: TypeId,
    writer: usize,
) -> Result<i32> {
    if root.builtin().is_some() {
        return Ok(root.0);
    }
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if id.builtin().is_some() || !s.st.ids.mark_wire_sent(id.0)? {
            continue;
        }
        let wt = table.get(id).ok_or_else(|| undefined(id))?;
        let stream_id = s.st.ids.map_wire(id.0)?;
        let (def, children) = remap(s, wt)?;
        let buf = s.buf();
        put_int(buf, -(stream_id as i64));
        def.encode(buf);
        s.write_message(writer)?;
        stack.extend(children.into_iter().rev());
    }
    s.st.ids.map_wire(root.0)
}

/// The definition with every id replaced by its stream id, and its child types in order.
fn remap(s: &mut Session<'_>, wt: &WireType) -> Result<(WireType, Vec<TypeId>)> {
    let mut m = |id: TypeId| s.st.ids.map_wire(id.0).map(TypeId);
    let mut def = wt.clone();
    let children = match &mut def {
        WireType::Array { elem, .. } | WireType::Slice { elem, .. } => {
            let c = vec![*elem];
            *elem = m(*elem)?;
            c
        }
        WireType::Map { key, elem, .. } => {
            let c = vec![*key, *elem];
            *key = m(*key)?;
            *elem = m(*elem)?;
            c
        }
        WireType::Struct { fields, .. } => {
            let c = fields.iter().map(|f| f.id).collect();
            for FieldType { id, .. } in fields.iter_mut() {
                *id = m(*id)?;
            }
            c
        }
        WireType::Marshaler { .. } => Vec::new(),
    };
    let common = match &mut def {
        WireType::Array { common, .. }
        | WireType::Slice { common, .. }
        | WireType::Struct { common, .. }
        | WireType::Map { common, .. }
        | WireType::Marshaler { common, .. } => common,
    };
    if common.id != 0 {
        common.id = s.st.ids.map_wire(common.id)?;
    }
    Ok((def, children))
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint",
        Value::Float(_) => "float",
        Value::Complex(..) => "complex",
        Value::String(_) => "string",
        Value::Bytes(_) => "bytes",
        Value::Array(_) => "array",
        Value::Slice(_) => "slice",
        Value::Map(_) => "map",
        Value::Struct(_) => "struct",
        Value::Interface(_) => "interface",
        Value::Opaque(_) => "marshaled payload",
    }
}

fn mismatch(v: &Value, want: &str) -> Error {
    Error::encode(format!(
        "gob: cannot encode a {} value as Go type {want}",
        kind_name(v)
    ))
}

fn encode(s: &mut Session<'_>, table: &TypeTable, id: TypeId, v: &Value) -> Result<()> {
    if let Some(b) = id.builtin() {
        let buf = s.buf();
        match (b, v) {
            (Builtin::Bool, Value::Bool(x)) => buf.push(*x as u8),
            (Builtin::Int, Value::Int(i)) => put_int(buf, *i),
            (Builtin::Int, Value::Uint(u)) if *u <= i64::MAX as u64 => put_int(buf, *u as i64),
            (Builtin::Uint, Value::Uint(u)) => put_uint(buf, *u),
            (Builtin::Uint, Value::Int(i)) if *i >= 0 => put_uint(buf, *i as u64),
            (Builtin::Float, Value::Float(f)) => put_float(buf, *f),
            (Builtin::Complex, Value::Complex(re, im)) => {
                put_float(buf, *re);
                put_float(buf, *im);
            }
            (Builtin::String | Builtin::Bytes, Value::String(x)) => put_bytes(buf, x.as_bytes()),
            (Builtin::String | Builtin::Bytes, Value::Bytes(x)) => put_bytes(buf, x),
            (Builtin::Interface, Value::Interface(None)) => buf.push(0),
            (Builtin::Interface, Value::Interface(Some(i))) => encode_interface(s, table, i)?,
            _ => return Err(mismatch(v, b.go_name())),
        }
        return Ok(());
    }
    let wt = table.get(id).ok_or_else(|| undefined(id))?;
    match (wt, v) {
        (WireType::Array { elem, len, .. }, Value::Array(vs) | Value::Slice(vs)) => {
            if vs.len() as i64 != *len {
                return Err(Error::encode(format!(
                    "gob: array of length {len} given {} elements",
                    vs.len()
                )));
            }
            elements(s, table, *elem, vs)
        }
        (WireType::Slice { elem, .. }, Value::Slice(vs) | Value::Array(vs)) => {
            elements(s, table, *elem, vs)
        }
        (WireType::Map { key, elem, .. }, Value::Map(pairs)) => {
            put_uint(s.buf(), pairs.len() as u64);
            for (k, v) in pairs {
                encode(s, table, *key, k)?;
                encode(s, table, *elem, v)?;
            }
            Ok(())
        }
        (WireType::Struct { fields, .. }, Value::Struct(vals)) => {
            let mut last = -1i64;
            for (name, fv) in vals {
                let Some(idx) = fields.iter().position(|f| &f.name == name) else {
                    return Err(Error::encode(format!(
                        "gob: field {name} is not part of Go type {}",
                        wt.describe()
                    )));
                };
                if idx as i64 <= last {
                    return Err(Error::encode(format!(
                        "gob: field {name} out of declaration order"
                    )));
                }
                put_uint(s.buf(), (idx as i64 - last) as u64);
                encode(s, table, fields[idx].id, fv)?;
                last = idx as i64;
            }
            s.buf().push(0);
            Ok(())
        }
        (WireType::Marshaler { .. }, Value::Opaque(b) | Value::Bytes(b)) => {
            put_bytes(s.buf(), b);
            Ok(())
        }
        _ => Err(mismatch(v, &wt.describe())),
    }
}

fn elements(s: &mut Session<'_>, table: &TypeTable, elem: TypeId, vs: &[Value]) -> Result<()> {
    put_uint(s.buf(), vs.len() as u64);
    for v in vs {
        encode(s, table, elem, v)?;
    }
    Ok(())
}

fn encode_interface(s: &mut Session<'_>, table: &TypeTable, i: &Interface) -> Result<()> {
    let concrete = i.ty.ok_or_else(|| {
        Error::encode(format!(
            "gob: interface value {} has no concrete type id (use TypedValue::infer)",
            i.name
        ))
    })?;
    if i.name.is_empty() {
        return Err(Error::encode(
            "gob: interface value with an empty type name",
        ));
    }
    put_bytes(s.buf(), i.name.as_bytes());
    let w = s.writer();
    let id = send_definitions(s, table, concrete, w)?;
    put_int(s.buf(), id as i64);
    s.nested_value(|s| encode_top(s, table, concrete, &i.value))
}
