//! `gobrpc dump` without `--json`: the stream walked byte by byte for a human, every
//! message, type definition, field and value with the byte offset it starts at.

use gobrpc::json as gojson;
use gobrpc::wire::{Builtin, Input, MarshalerKind, TypeId, WireType};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Deepest nesting walked (as the library's default limit).
const MAX_DEPTH: usize = 500;
/// Longest message accepted (as the library's default limit).
const MAX_MESSAGE: usize = 64 << 20;
/// Strings and byte strings longer than this are shown cut.
const SHOW: usize = 96;

/// Walks `data`, calling `line` with each finished line of the dump. Returns the number of
/// top-level values, or the first error (with its byte offset).
pub fn annotate(data: &[u8], line: &mut dyn FnMut(&str)) -> Result<usize, String> {
    let mut a = Annotator {
        input: Input::new(data, 0, MAX_MESSAGE),
        types: HashMap::new(),
        depth: 0,
        field_at: None,
        line,
    };
    let mut values = 0;
    while a.input.has_more_data() {
        let id = a.top_type_sequence()?;
        a.depth += 1;
        if !a.is_struct(id) {
            a.singleton_delta()?;
        }
        a.value(id, Some(&format!("value #{values}")))?;
        a.depth -= 1;
        if !a.input.message_done() {
            let at = a.input.offset();
            let n = a.input.remaining();
            a.emit(at, &format!("({n} trailing bytes in the message, ignored)"));
            a.input.finish_message();
        }
        values += 1;
    }
    Ok(values)
}

struct Annotator<'a, 'l> {
    input: Input<'a>,
    types: HashMap<i32, WireType>,
    depth: usize,
    /// Where the struct field about to be walked starts (its delta), if it is one.
    field_at: Option<u64>,
    line: &'l mut dyn FnMut(&str),
}

impl Annotator<'_, '_> {
    fn emit(&mut self, at: u64, text: &str) {
        let mut s = format!("{at:>8}  ");
        for _ in 0..self.depth {
            s.push_str("  ");
        }
        s.push_str(text);
        (self.line)(&s);
    }

    fn err(&self, e: gobrpc::Error) -> String {
        self.input.error(e).to_string()
    }

    fn fail(&self, msg: &str) -> String {
        format!("{msg} at byte offset {}", self.input.offset())
    }

    fn next_message(&mut self) -> Result<(), String> {
        let at = self.input.offset();
        match self.input.next_message() {
            Ok(()) => {
                let n = self.input.remaining();
                self.emit(at, &format!("message: {n} bytes"));
                Ok(())
            }
            Err(e) if e.category() == gobrpc::Category::UnexpectedEof => Err(format!(
                "truncated stream: the message at byte offset {at} is incomplete"
            )),
            Err(e) => Err(e.to_string()),
        }
    }

    fn read_uint(&mut self) -> Result<u64, String> {
        self.input.read_uint().map_err(|e| e.to_string())
    }

    fn read_int(&mut self) -> Result<i64, String> {
        self.input.read_int().map_err(|e| e.to_string())
    }

    fn top_type_sequence(&mut self) -> Result<TypeId, String> {
        loop {
            if self.input.message_done() {
                self.next_message()?;
                if self.input.message_done() {
                    return Err(self.fail("gob: empty message"));
                }
            }
            let id = self.read_int()?;
            if id >= 0 {
                return self.value_id(id);
            }
            self.definition(id)?;
            if !self.input.message_done() {
                return Err(self.fail("extra data in buffer"));
            }
        }
    }

    fn interface_type_sequence(&mut self) -> Result<TypeId, String> {
        loop {
            if self.input.message_done() {
                self.next_message()?;
                continue;
            }
            let at = self.input.offset();
            let id = self.read_int()?;
            if id >= 0 {
                let id = self.value_id(id)?;
                self.emit(at, &format!("concrete type: {}", self.type_name(id)));
                return Ok(id);
            }
            self.definition(id)?;
            if !self.input.message_done() {
                let at = self.input.offset();
                let n = self.read_uint()?;
                self.emit(at, &format!("segment length {n} (ignored)"));
            }
        }
    }

    fn value_id(&self, id: i64) -> Result<TypeId, String> {
        let ok = i32::try_from(id)
            .ok()
            .map(TypeId)
            .filter(|t| t.builtin().is_some() || self.types.contains_key(&t.0));
        ok.ok_or_else(|| self.fail(&format!("gob: unknown type id {id} or corrupted data")))
    }

    fn definition(&mut self, neg: i64) -> Result<(), String> {
        let id = neg.saturating_neg();
        let at = self.input.offset();
        if id < TypeId::FIRST_USER.0 as i64 || id > i32::MAX as i64 {
            return Err(self.fail("gob: duplicate type received"));
        }
        if self.types.contains_key(&(id as i32)) {
            return Err(self.fail("gob: duplicate type received"));
        }
        if self.types.len() >= 10_000 {
            return Err(self.fail("gob: too many type definitions"));
        }
        let wt = WireType::decode(&mut self.input).map_err(|e| e.to_string())?;
        self.types.insert(id as i32, wt);
        let text = format!("type {id} = {}", self.describe_def(TypeId(id as i32)));
        self.emit(at, &text);
        Ok(())
    }

    fn is_struct(&self, id: TypeId) -> bool {
        matches!(self.types.get(&id.0), Some(WireType::Struct { .. }))
    }

    fn singleton_delta(&mut self) -> Result<(), String> {
        if self.read_uint()? != 0 {
            return Err(self.fail("gob: decode: corrupted data: non-zero delta for singleton"));
        }
        Ok(())
    }

    /// A short Go-like name for a type id.
    fn type_name(&self, id: TypeId) -> String {
        self.name_at(id, 3)
    }

    fn name_at(&self, id: TypeId, depth: usize) -> String {
        if let Some(b) = id.builtin() {
            return Builtin::go_name(b).to_string();
        }
        let Some(wt) = self.types.get(&id.0) else {
            return format!("#{id}");
        };
        if !wt.name().is_empty() {
            return format!("{} (#{id})", wt.name());
        }
        if depth == 0 {
            return format!("#{id}");
        }
        let d = depth - 1;
        match wt {
            WireType::Array { elem, len, .. } => format!("[{len}]{}", self.name_at(*elem, d)),
            WireType::Slice { elem, .. } => format!("[]{}", self.name_at(*elem, d)),
            WireType::Map { key, elem, .. } => {
                format!("map[{}]{}", self.name_at(*key, d), self.name_at(*elem, d))
            }
            WireType::Struct { .. } => format!("struct (#{id})"),
            WireType::Marshaler { .. } => format!("marshaler (#{id})"),
        }
    }

    /// A definition in full: `struct Point { X int; Y int }`.
    fn describe_def(&self, id: TypeId) -> String {
        let Some(wt) = self.types.get(&id.0) else {
            return format!("#{id}");
        };
        let name = |t: TypeId| self.name_at(t, 2);
        let own = if wt.name().is_empty() {
            String::new()
        } else {
            format!("{:?} ", wt.name())
        };
        match wt {
            WireType::Array { elem, len, .. } => format!("{own}array [{len}]{}", name(*elem)),
            WireType::Slice { elem, .. } => format!("{own}slice []{}", name(*elem)),
            WireType::Map { key, elem, .. } => {
                format!("{own}map[{}]{}", name(*key), name(*elem))
            }
            WireType::Struct { fields, .. } => {
                let fs: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{} {}", f.name, name(f.id)))
                    .collect();
                format!("{own}struct {{ {} }}", fs.join("; "))
            }
            WireType::Marshaler { kind, .. } => format!("{own}{}", kind_name(*kind)),
        }
    }

    fn label(label: Option<&str>, text: &str) -> String {
        match label {
            Some(l) => format!("{l}: {text}"),
            None => text.to_string(),
        }
    }

    fn value(&mut self, id: TypeId, label: Option<&str>) -> Result<(), String> {
        if self.depth > MAX_DEPTH {
            return Err(self.fail(&format!("gob: nesting deeper than {MAX_DEPTH}")));
        }
        let at = self.field_at.take().unwrap_or(self.input.offset());
        if let Some(b) = id.builtin() {
            let text = match b {
                Builtin::Bool => format!("bool = {}", self.read_uint()? != 0),
                Builtin::Int => format!("int = {}", self.read_int()?),
                Builtin::Uint => format!("uint = {}", self.read_uint()?),
                Builtin::Float => {
                    let f = self.input.read_float().map_err(|e| e.to_string())?;
                    format!("float = {}", show_float(f))
                }
                Builtin::Complex => {
                    let re = self.input.read_float().map_err(|e| e.to_string())?;
                    let im = self.input.read_float().map_err(|e| e.to_string())?;
                    format!("complex = ({}, {})", show_float(re), show_float(im))
                }
                Builtin::String => {
                    let b = self.input.read_bytes().map_err(|e| self.err(e))?;
                    format!("string ({} bytes) = {}", b.len(), show_string(b))
                }
                Builtin::Bytes => {
                    let b = self.input.read_bytes().map_err(|e| self.err(e))?;
                    format!("[]byte ({} bytes) = {}", b.len(), show_hex(b))
                }
                Builtin::Interface => return self.interface(at, label),
            };
            self.emit(at, &Self::label(label, &text));
            return Ok(());
        }
        let wt = self
            .types
            .get(&id.0)
            .cloned()
            .ok_or_else(|| self.fail(&format!("gob: unknown type id {id}")))?;
        let name = self.type_name(id);
        match &wt {
            WireType::Array { elem, len, .. } => {
                let n = self.input.read_count().map_err(|e| e.to_string())?;
                if n as i64 != *len {
                    return Err(format!(
                        "gob: length mismatch in decodeArray at byte offset {at}"
                    ));
                }
                self.emit(at, &Self::label(label, &format!("{name}, {n} elements")));
                self.elements(*elem, n)?;
            }
            WireType::Slice { elem, .. } => {
                let n = self.input.read_count().map_err(|e| e.to_string())?;
                self.emit(at, &Self::label(label, &format!("{name}, {n} elements")));
                self.elements(*elem, n)?;
            }
            WireType::Map { key, elem, .. } => {
                let n = self.input.read_count().map_err(|e| e.to_string())?;
                self.emit(at, &Self::label(label, &format!("{name}, {n} entries")));
                self.depth += 1;
                for i in 0..n {
                    self.input.element(n).map_err(|e| e.to_string())?;
                    self.value(*key, Some(&format!("key {i}")))?;
                    self.value(*elem, Some(&format!("value {i}")))?;
                }
                self.depth -= 1;
            }
            WireType::Struct { fields, .. } => {
                self.emit(at, &Self::label(label, &format!("{name} {{")));
                self.depth += 1;
                let mut field = -1i64;
                let mut end = None;
                while !self.input.message_done() {
                    let fat = self.input.offset();
                    let delta = self.read_uint()?;
                    if delta == 0 {
                        end = Some(fat);
                        break;
                    }
                    field = field.saturating_add(delta.min(u32::MAX as u64) as i64);
                    let Some(f) = fields.get(field as usize) else {
                        return Err(format!(
                            "gob: bad data: field numbers out of bounds at byte offset {fat}"
                        ));
                    };
                    let l = format!("{} (field {field}, delta {delta})", f.name);
                    self.field_at = Some(fat);
                    self.value(f.id, Some(&l))?;
                }
                self.depth -= 1;
                match end {
                    Some(at) => self.emit(at, "}"),
                    None => self.emit(self.input.offset(), "} (the message ends here)"),
                }
            }
            WireType::Marshaler { common, kind } => {
                let b = self.input.read_bytes().map_err(|e| self.err(e))?;
                let mut shown = String::new();
                gojson::write_marshaler_text(&common.name, *kind, b, &mut shown);
                let text = format!("{name} {} ({} bytes) = {shown}", kind_name(*kind), b.len());
                self.emit(at, &Self::label(label, &text));
            }
        }
        Ok(())
    }

    fn elements(&mut self, elem: TypeId, n: u64) -> Result<(), String> {
        self.depth += 1;
        for i in 0..n {
            // Every element takes a byte; a lying count ends here (as in Go's decoder).
            self.input.element(n).map_err(|e| e.to_string())?;
            self.value(elem, Some(&format!("[{i}]")))?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn interface(&mut self, at: u64, label: Option<&str>) -> Result<(), String> {
        let n = self.read_uint()?;
        if n == 0 {
            self.emit(at, &Self::label(label, "interface = nil"));
            return Ok(());
        }
        if n > 1024 || n > self.input.remaining() as u64 {
            return Err(format!(
                "gob: invalid interface type name length {n} at byte offset {at}"
            ));
        }
        let name = self
            .input
            .read_slice(n as usize)
            .map_err(|e| e.to_string())?;
        let text = format!("interface holding {}", show_string(name));
        self.emit(at, &Self::label(label, &text));
        self.depth += 1;
        let concrete = self.interface_type_sequence()?;
        let cat = self.input.offset();
        let count = self.read_uint()?;
        self.emit(cat, &format!("byte count {count}"));
        if !self.is_struct(concrete) {
            self.singleton_delta()?;
        }
        self.value(concrete, Some("value"))?;
        self.depth -= 1;
        Ok(())
    }
}

fn kind_name(k: MarshalerKind) -> &'static str {
    match k {
        MarshalerKind::Gob => "GobEncoder",
        MarshalerKind::Binary => "BinaryMarshaler",
        MarshalerKind::Text => "TextMarshaler",
    }
}

fn show_float(f: f64) -> String {
    let mut s = String::new();
    gojson::write_float(f, &mut s);
    s.trim_matches('"').to_string()
}

fn show_string(b: &[u8]) -> String {
    let cut = b.len() > SHOW;
    let shown = &b[..b.len().min(SHOW)];
    let mut s = format!("{:?}", String::from_utf8_lossy(shown));
    if cut {
        s.push('…');
    }
    if std::str::from_utf8(b).is_err() && !cut {
        s.push_str(" (not UTF-8)");
    }
    s
}

fn show_hex(b: &[u8]) -> String {
    let mut s = String::new();
    for (i, x) in b.iter().take(SHOW / 2).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        write!(s, "{x:02x}").expect("write to a String");
    }
    if b.len() > SHOW / 2 {
        s.push_str(" …");
    }
    s
}
