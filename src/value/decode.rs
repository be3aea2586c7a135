//! Decoding any value into [`Value`], recording the definitions it used.

use super::{Interface, TypeTable, TypedValue, Value};
use crate::de::{Cursor, Resolved};
use crate::error::{Error, Result};
use crate::wire::{Builtin, TypeId, WireType};
use std::collections::HashMap;

/// Decodes a top-level value of type `id`.
pub(crate) fn decode_top(c: &mut Cursor<'_, '_>, id: TypeId) -> Result<TypedValue> {
    if !c.is_struct(id) {
        c.singleton_delta()?;
    }
    decode_here(c, id)
}

/// Every definition reachable from `roots`.
fn closure(c: &Cursor<'_, '_>, roots: &[TypeId]) -> TypeTable {
    let mut types = HashMap::new();
    let mut stack: Vec<TypeId> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if id.builtin().is_some() || types.contains_key(&id.0) {
            continue;
        }
        let Some(wt) = c.st.types.get(id.0) else {
            continue;
        };
        match &**wt {
            WireType::Array { elem, .. } | WireType::Slice { elem, .. } => stack.push(*elem),
            WireType::Map { key, elem, .. } => stack.extend([*key, *elem]),
            WireType::Struct { fields, .. } => stack.extend(fields.iter().map(|f| f.id)),
            WireType::Marshaler { .. } => {}
        }
        types.insert(id.0, wt.clone());
    }
    TypeTable { types }
}

fn string_value(b: &[u8]) -> Value {
    // Go strings may hold any bytes; invalid UTF-8 is kept as bytes (re-encoded identically).
    match std::str::from_utf8(b) {
        Ok(s) => Value::String(s.to_owned()),
        Err(_) => Value::Bytes(b.to_vec()),
    }
}

fn decode(c: &mut Cursor<'_, '_>, id: TypeId, roots: &mut Vec<TypeId>) -> Result<Value> {
    let wt = match c.resolve(id)? {
        Resolved::Builtin(b) => {
            return Ok(match b {
                Builtin::Bool => Value::Bool(c.input.read_uint()? != 0),
                Builtin::Int => Value::Int(c.input.read_int()?),
                Builtin::Uint => Value::Uint(c.input.read_uint()?),
                Builtin::Float => Value::Float(c.input.read_float()?),
                Builtin::Complex => Value::Complex(c.input.read_float()?, c.input.read_float()?),
                Builtin::String => string_value(c.input.read_bytes()?),
                Builtin::Bytes => Value::Bytes(c.input.read_bytes()?.to_vec()),
                Builtin::Interface => decode_interface(c, roots)?,
            })
        }
        Resolved::Def(wt) => wt,
    };
    c.descend()?;
    let v = match &*wt {
        WireType::Array { elem, len, .. } => {
            let n = c.input.read_count()?;
            if n as i64 != *len {
                return Err(c.locate(Error::corrupt("gob: length mismatch in decodeArray")));
            }
            Value::Array(elements(c, *elem, n, roots)?)
        }
        WireType::Slice { elem, .. } => {
            let n = c.input.read_count()?;
            Value::Slice(elements(c, *elem, n, roots)?)
        }
        WireType::Map { key, elem, .. } => {
            let n = c.input.read_count()?;
            let mut pairs = Vec::with_capacity(c.input.capacity_hint(n) / 2);
            for _ in 0..n {
                c.input.element(n)?;
                let k = decode(c, *key, roots)?;
                let v = decode(c, *elem, roots)?;
                pairs.push((k, v));
            }
            Value::Map(pairs)
        }
        WireType::Struct { fields, .. } => {
            let mut out = Vec::new();
            let mut field = -1i64;
            while !c.input.message_done() {
                let delta = c.input.read_uint()?;
                if delta == 0 {
                    break;
                }
                field = field.saturating_add(delta.min(u32::MAX as u64) as i64);
                let Some(f) = fields.get(field as usize) else {
                    return Err(c.locate(crate::de::err_range()));
                };
                out.push((f.name.clone(), decode(c, f.id, roots)?));
            }
            Value::Struct(out)
        }
        WireType::Marshaler { .. } => Value::Opaque(c.input.read_bytes()?.to_vec()),
    };
    c.ascend();
    Ok(v)
}

fn elements(
    c: &mut Cursor<'_, '_>,
    elem: TypeId,
    n: u64,
    roots: &mut Vec<TypeId>,
) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(c.input.capacity_hint(n));
    for _ in 0..n {
        c.input.element(n)?;
        out.push(decode(c, elem, roots)?);
    }
    Ok(out)
}

fn decode_interface(c: &mut Cursor<'_, '_>, roots: &mut Vec<TypeId>) -> Result<Value> {
    let at = c.input.offset();
    let Some(name) = c.interface_name()? else {
        return Ok(Value::Interface(None));
    };
    let name = std::str::from_utf8(name)
        .map_err(|_| Error::corrupt("gob: interface type name is not valid UTF-8").at(at))?
        .to_owned();
    let concrete = c.interface_header()?;
    roots.push(concrete);
    c.descend()?;
    if !c.is_struct(concrete) {
        c.singleton_delta()?;
    }
    let value = decode(c, concrete, roots)?;
    c.ascend();
    Ok(Value::Interface(Some(Box::new(Interface {
        name,
        ty: Some(concrete),
        value,
    }))))
}

/// Decodes the value of type `id` the cursor is at (inside a larger value, or a top-level
/// value past its singleton delta), with the definitions it uses: what a [`Value`] or
/// [`TypedValue`] embedded in a typed Rust value receives (the same value the dynamic
/// decoder gives for that position).
pub(crate) fn decode_here(c: &mut Cursor<'_, '_>, id: TypeId) -> Result<TypedValue> {
    let mut roots = vec![id];
    let value = decode(c, id, &mut roots)?;
    let types = closure(c, &roots);
    Ok(TypedValue {
        value,
        ty: id,
        types,
    })
}
