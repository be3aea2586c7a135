//! The generated items as Rust source: `Box` where a type contains itself, `Eq + Hash`
//! where a type is (inside) a map key, derives and attributes.

use super::{Body, Item, RTy};
use std::collections::HashSet;
use std::fmt::Write;

/// The items an item holds by value (not behind a `Vec` or a map), per item.
fn by_value(items: &[Item], cut: &HashSet<(usize, usize)>) -> Vec<Vec<usize>> {
    fn walk(t: &RTy, out: &mut Vec<usize>) {
        match t {
            RTy::Item(j) => out.push(*j),
            RTy::Option(x) | RTy::Array(x, _) => walk(x, out),
            RTy::Prim(_) | RTy::Vec(_) | RTy::Map(..) => {}
        }
    }
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let mut out = Vec::new();
            for t in types_of(&it.body) {
                walk(t, &mut out);
            }
            out.retain(|j| !cut.contains(&(i, *j)));
            out
        })
        .collect()
}

/// The Rust types an item's body mentions.
fn types_of(b: &Body) -> Vec<&RTy> {
    match b {
        Body::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        Body::Newtype(t) => vec![t],
        Body::Enum(vs) => vs.iter().filter_map(|v| v.ty.as_ref()).collect(),
        _ => Vec::new(),
    }
}

/// `reach[i]`: the items `i` reaches by value (itself included only through a cycle).
fn reach(edges: &[Vec<usize>]) -> Vec<HashSet<usize>> {
    (0..edges.len())
        .map(|i| {
            let mut seen = HashSet::new();
            let mut stack = edges[i].clone();
            while let Some(j) = stack.pop() {
                if seen.insert(j) {
                    stack.extend(edges[j].iter().copied());
                }
            }
            seen
        })
        .collect()
}

/// Marks the items inside map keys `Eq + Hash`; fails for keys Rust cannot hash.
fn mark_keys(items: &mut [Item]) -> Result<(), String> {
    fn all_items(t: &RTy, out: &mut Vec<usize>, prims: &mut Vec<&'static str>) {
        match t {
            RTy::Item(j) => out.push(*j),
            RTy::Prim(p) => prims.push(p),
            RTy::Option(x) | RTy::Vec(x) | RTy::Array(x, _) => all_items(x, out, prims),
            RTy::Map(k, v) => {
                all_items(k, out, prims);
                all_items(v, out, prims);
            }
        }
    }
    fn keys<'a>(t: &'a RTy, out: &mut Vec<&'a RTy>) {
        match t {
            RTy::Map(k, v) => {
                out.push(k);
                keys(k, out);
                keys(v, out);
            }
            RTy::Option(x) | RTy::Vec(x) | RTy::Array(x, _) => keys(x, out),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    let mut prims = Vec::new();
    for it in items.iter() {
        for t in types_of(&it.body) {
            let mut ks = Vec::new();
            keys(t, &mut ks);
            for k in ks {
                all_items(k, &mut todo, &mut prims);
            }
        }
    }
    let unhashable = |p: &str| matches!(p, "f32" | "f64" | "gobrpc::types::Complex");
    while let Some(i) = todo.pop() {
        if items[i].eq_hash {
            continue;
        }
        items[i].eq_hash = true;
        if matches!(items[i].body, Body::Enum(_)) {
            return Err(format!(
                "{}: an interface as a map key has no Rust HashMap key type",
                items[i].rust
            ));
        }
        for t in types_of(&items[i].body) {
            all_items(t, &mut todo, &mut prims);
        }
        if let Some(p) = prims.iter().find(|p| unhashable(p)) {
            return Err(format!(
                "{} is (inside) a map key but holds {p}, which Rust cannot hash",
                items[i].rust
            ));
        }
    }
    if let Some(p) = prims.iter().find(|p| unhashable(p)) {
        return Err(format!("a map key of type {p}: Rust cannot hash it"));
    }
    Ok(())
}

/// The source text of the items, after a header giving `command` and `notes`.
pub(super) fn render(items: &[Item], notes: &[String], command: &str) -> Result<String, String> {
    let mut items: Vec<Item> = items
        .iter()
        .map(|it| Item {
            rust: it.rust.clone(),
            go: it.go.clone(),
            body: clone_body(&it.body),
            eq_hash: it.eq_hash,
        })
        .collect();
    mark_keys(&mut items)?;
    // Enum variants holding something that holds the enum are boxed first; with those
    // edges cut, struct fields are boxed where their type still leads back to them.
    let full = reach(&by_value(&items, &HashSet::new()));
    let mut cut = HashSet::new();
    for (i, it) in items.iter().enumerate() {
        if let Body::Enum(vs) = &it.body {
            for v in vs {
                if let Some(RTy::Item(j)) = &v.ty {
                    if *j == i || full[*j].contains(&i) {
                        cut.insert((i, *j));
                    }
                }
            }
        }
    }
    let after = reach(&by_value(&items, &cut));
    let r = Renderer {
        items: &items,
        reach: &after,
        cut: &cut,
    };
    let mut out = String::new();
    let _ = writeln!(out, "// Code generated by `{command}`. DO NOT EDIT.");
    out.push_str(
        "//\n// Go's names are kept exactly: `#[gob(name)]` is each type's Go name, \
         `#[serde(rename)]`\n// each field's. Pointers are `Option`; a `None` map is Go's \
         nil map; interfaces are\n// `#[gob(interface)]` enums of the registered types.\n",
    );
    for n in notes {
        let _ = writeln!(out, "//\n// Note: {n}");
    }
    out.push_str("\nuse gobrpc::GobType;\nuse serde::{Deserialize, Serialize};\n");
    if items
        .iter()
        .any(|it| types_of(&it.body).iter().any(|t| has_map(t)))
    {
        out.push_str("use std::collections::HashMap;\n");
    }
    for i in 0..items.len() {
        out.push('\n');
        r.item(i, &mut out);
    }
    Ok(out)
}

fn has_map(t: &RTy) -> bool {
    match t {
        RTy::Map(..) => true,
        RTy::Option(x) | RTy::Vec(x) | RTy::Array(x, _) => has_map(x),
        _ => false,
    }
}

fn clone_body(b: &Body) -> Body {
    match b {
        Body::Pending => Body::Pending,
        Body::Struct { fields, unsent } => Body::Struct {
            fields: fields
                .iter()
                .map(|f| super::FieldOut {
                    rust: f.rust.clone(),
                    go: f.go.clone(),
                    ty: f.ty.clone(),
                })
                .collect(),
            unsent: unsent.clone(),
        },
        Body::Newtype(t) => Body::Newtype(t.clone()),
        Body::Enum(vs) => Body::Enum(vs.clone()),
        Body::Marshaler(k) => Body::Marshaler(k),
        Body::Wrapper(a, b, c) => Body::Wrapper(a, b, c),
    }
}

struct Renderer<'a> {
    items: &'a [Item],
    reach: &'a [HashSet<usize>],
    cut: &'a HashSet<(usize, usize)>,
}

impl Renderer<'_> {
    /// `t` as written inside item `owner`; `value` is false behind a `Vec` or a map.
    fn ty(&self, t: &RTy, owner: usize, value: bool) -> String {
        match t {
            RTy::Prim(p) => p.to_string(),
            RTy::Item(j) => {
                let name = &self.items[*j].rust;
                let boxed = value
                    && (self.cut.contains(&(owner, *j))
                        || *j == owner
                        || self.reach[*j].contains(&owner));
                if boxed {
                    format!("Box<{name}>")
                } else {
                    name.clone()
                }
            }
            RTy::Option(x) => format!("Option<{}>", self.ty(x, owner, value)),
            RTy::Vec(x) => format!("Vec<{}>", self.ty(x, owner, false)),
            RTy::Array(x, n) => format!("[{}; {n}]", self.ty(x, owner, value)),
            RTy::Map(k, v) => format!(
                "HashMap<{}, {}>",
                self.ty(k, owner, false),
                self.ty(v, owner, false)
            ),
        }
    }

    fn derives(&self, it: &Item, extra: &str) -> String {
        let eq = if it.eq_hash { "Eq, Hash, " } else { "" };
        format!("#[derive(Debug, Clone, PartialEq, {eq}{extra}Serialize, Deserialize, GobType)]\n")
    }

    fn acronym_allow(name: &str) -> &'static str {
        if name.len() > 1 && name.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) {
            "#[allow(clippy::upper_case_acronyms)]\n"
        } else {
            ""
        }
    }

    fn item(&self, i: usize, out: &mut String) {
        let it = &self.items[i];
        let name = &it.rust;
        let gob_name = format!("#[gob(name = {:?})]\n", it.go);
        match &it.body {
            Body::Pending => {}
            Body::Struct { fields, unsent } => {
                if it.go.is_empty() {
                    out.push_str("/// An anonymous Go struct.\n");
                } else {
                    let _ = writeln!(out, "/// Go's `{}`.", it.go);
                }
                if !unsent.is_empty() {
                    let _ = writeln!(
                        out,
                        "///\n/// Not sent by gob (unexported, channel or function): {}.",
                        unsent.join(", ")
                    );
                }
                if fields.is_empty() && !unsent.is_empty() {
                    out.push_str("/// Go cannot encode it: it has no exported fields.\n");
                }
                out.push_str(&self.derives(it, ""));
                out.push_str(&gob_name);
                out.push_str(Self::acronym_allow(name));
                let _ = write!(out, "pub struct {name} {{");
                if !fields.is_empty() {
                    out.push('\n');
                }
                for f in fields {
                    let _ = writeln!(
                        out,
                        "    #[serde(rename = {:?})]\n    pub {}: {},",
                        f.go,
                        f.rust,
                        self.ty(&f.ty, i, true)
                    );
                }
                out.push_str("}\n");
            }
            Body::Newtype(t) => {
                let _ = writeln!(out, "/// Go's `{}`.", it.go);
                out.push_str(&self.derives(it, ""));
                out.push_str(&gob_name);
                out.push_str(Self::acronym_allow(name));
                let _ = writeln!(out, "pub struct {name}(pub {});", self.ty(t, i, true));
            }
            Body::Enum(vs) => {
                if it.go.is_empty() {
                    out.push_str("/// Go's unnamed interface types (`interface{}`, `any`).\n");
                } else {
                    let _ = writeln!(out, "/// Go's interface type `{}`.", it.go);
                }
                out.push_str(
                    "///\n/// A variant per concrete type, named as Go registers it; `Nil` is the \
                     nil interface.\n",
                );
                out.push_str(&self.derives(it, "Default, "));
                out.push_str("#[gob(interface)]\n");
                out.push_str(Self::acronym_allow(name));
                let _ = writeln!(out, "pub enum {name} {{");
                for v in vs {
                    match &v.ty {
                        None => {
                            let _ = writeln!(out, "    #[default]\n    {},", v.rust);
                        }
                        Some(t) => {
                            let _ = writeln!(
                                out,
                                "    #[serde(rename = {:?})]\n    {}({}),",
                                v.go,
                                v.rust,
                                self.ty(t, i, true)
                            );
                        }
                    }
                }
                out.push_str("}\n");
            }
            Body::Marshaler(kind) => {
                let method = if *kind == "gob" {
                    "GobEncode"
                } else {
                    "MarshalBinary"
                };
                let _ = writeln!(
                    out,
                    "gobrpc::go_marshaler! {{\n    /// Go's `{}`, sent by its `{method}` method: the payload, as bytes.\n    pub struct {name} = {:?}, {kind};\n}}",
                    it.go, it.go
                );
            }
            Body::Wrapper(inner, ctor, go) => {
                let eq = if *inner == "gobrpc::types::Complex" {
                    ""
                } else {
                    "Eq, Hash, "
                };
                let _ = writeln!(
                    out,
                    "/// Go's `{go}` where its name shows in a composite type's name (`[]{go}`).\n\
                     #[derive(Debug, Clone, Copy, PartialEq, {eq}Default, Serialize, Deserialize)]\n\
                     #[serde(transparent)]\n\
                     pub struct {name}(pub {inner});\n\n\
                     impl GobType for {name} {{\n    \
                         fn build(b: &mut gobrpc::TypeBuilder) -> gobrpc::schema::TypeRef {{\n        \
                             b.{ctor}({go:?})\n    \
                         }}\n\
                     }}"
                );
            }
        }
    }
}
