//! Go type declarations to a syntax tree: `package`, `import`, `type` (single, grouped,
//! aliases), integer `const`s; `func` and `var` declarations are skipped.

use super::lexer::{int_literal, tokenize, Pos, Tok, Token};
use super::scan::{self, Method, Registration};
use super::DeclError;
use std::collections::HashMap;

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `Name` or `pkg.Name`.
    Name {
        /// The package qualifier, if any.
        pkg: Option<String>,
        /// The name.
        name: String,
        /// Where the name starts.
        pos: Pos,
    },
    /// `*T`
    Pointer(Box<TypeExpr>),
    /// `[]T`
    Slice(Box<TypeExpr>),
    /// `[N]T`
    Array {
        /// The length as written.
        len: ArrayLen,
        /// The element type.
        elem: Box<TypeExpr>,
    },
    /// `map[K]V`
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// `struct { … }`
    Struct(Vec<FieldExpr>),
    /// `interface { … }`: its method set as Go prints it (`"interface { String() string }"`).
    Interface {
        /// Go's spelling of the type.
        text: String,
        /// True for `interface{}` (and `any`).
        empty: bool,
    },
    /// `chan T`, `<-chan T`, `chan<- T`: `prefix` is what precedes the element type.
    Chan {
        /// `"chan "`, `"<-chan "` or `"chan<- "`.
        prefix: &'static str,
        /// The element type.
        elem: Box<TypeExpr>,
    },
    /// `func(…) …`: Go's spelling of the type.
    Func(String),
}

/// An array length: a literal, or the name of an integer constant.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayLen {
    /// An integer literal's value.
    Lit(u64),
    /// A constant's name and where it is used.
    Const(String, Pos),
}

/// One struct field as declared.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldExpr {
    /// The field name (for an embedded field, the type's name).
    pub name: String,
    /// True for an embedded field.
    pub embedded: bool,
    /// The field's type.
    pub ty: TypeExpr,
    /// The tag, unquoted.
    pub tag: Option<String>,
    /// Where the field's declaration starts.
    pub pos: Pos,
}

/// One `type` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDecl {
    /// The declared name.
    pub name: String,
    /// Where the name is.
    pub pos: Pos,
    /// True for `type A = B`.
    pub alias: bool,
    /// The type on the right.
    pub ty: TypeExpr,
}

/// What a file declares.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// The `package` clause's name.
    pub package: Option<String>,
    /// Imported packages by the name the file uses for them, with their paths.
    pub imports: HashMap<String, String>,
    /// The type declarations in order.
    pub types: Vec<TypeDecl>,
    /// Constants declared with a single integer literal.
    pub consts: HashMap<String, u64>,
    /// `gob.Register` / `gob.RegisterName` calls anywhere in the file.
    pub registrations: Vec<Registration>,
    /// Methods declared in the file.
    pub methods: Vec<Method>,
}

/// Parses a Go source file's declarations.
pub fn parse_file(src: &str) -> Result<File, DeclError> {
    let toks = tokenize(src)?;
    let mut file = File {
        registrations: scan::registrations(&toks),
        ..File::default()
    };
    let mut p = Parser::new(toks);
    p.skip_semis();
    if p.peek().is_ident("package") {
        p.bump();
        file.package = Some(p.ident("package name")?.0);
        p.end_of_decl()?;
    }
    loop {
        p.skip_semis();
        let t = p.peek().clone();
        match &t {
            Tok::Eof => break,
            Tok::Ident(k) if k == "import" => {
                p.bump();
                p.group(|p| p.import_spec(&mut file.imports))?;
            }
            Tok::Ident(k) if k == "type" => {
                p.bump();
                p.group(|p| {
                    let d = p.type_spec()?;
                    file.types.push(d);
                    Ok(())
                })?;
            }
            Tok::Ident(k) if k == "const" => {
                p.bump();
                p.group(|p| p.const_spec(&mut file.consts))?;
            }
            Tok::Ident(k) if k == "func" => {
                p.bump();
                if let Some(m) = p.method_head() {
                    file.methods.push(m);
                }
                p.skip_statement();
            }
            Tok::Ident(k) if k == "var" => {
                p.bump();
                p.skip_statement();
            }
            _ => return Err(p.unexpected("declaration")),
        }
    }
    Ok(file)
}

/// Parses a whole string as one type expression.
pub fn parse_type_expr(src: &str) -> Result<TypeExpr, DeclError> {
    let mut toks = tokenize(src)?;
    // No line ends in an expression: drop the semicolon inserted at its end.
    if toks.len() >= 2 && toks[toks.len() - 2].tok.is(";") {
        toks.remove(toks.len() - 2);
    }
    let mut p = Parser::new(toks);
    let t = p.ty()?;
    p.skip_semis();
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.unexpected("end of type"));
    }
    Ok(t)
}

pub(super) struct Parser {
    toks: Vec<Token>,
    at: usize,
    /// How deeply the type being parsed nests.
    depth: usize,
}

impl Parser {
    pub(super) fn new(toks: Vec<Token>) -> Self {
        Parser {
            toks,
            at: 0,
            depth: 0,
        }
    }

    pub(super) fn peek(&self) -> &Tok {
        &self.toks[self.at].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        let i = (self.at + n).min(self.toks.len() - 1);
        &self.toks[i].tok
    }

    fn pos(&self) -> Pos {
        self.toks[self.at].pos
    }

    pub(super) fn bump(&mut self) -> Token {
        let t = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }

    fn unexpected(&self, what: &str) -> DeclError {
        DeclError::at(
            self.pos(),
            format!("expected {what}, found {}", self.peek().describe()),
        )
    }

    pub(super) fn expect(&mut self, p: &str, what: &str) -> Result<(), DeclError> {
        if self.peek().is(p) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, Pos), DeclError> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                let pos = self.pos();
                self.bump();
                Ok((s, pos))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn skip_semis(&mut self) {
        while self.peek().is(";") {
            self.bump();
        }
    }

    /// After a declaration: a `;` (or newline), or the end of the input or of a group.
    fn end_of_decl(&mut self) -> Result<(), DeclError> {
        match self.peek() {
            Tok::Punct(";") => {
                self.bump();
                Ok(())
            }
            Tok::Punct(")") | Tok::Eof => Ok(()),
            _ => Err(self.unexpected("newline or ';' after declaration")),
        }
    }

    /// `spec` or `( spec; spec; … )`.
    fn group(
        &mut self,
        mut spec: impl FnMut(&mut Parser) -> Result<(), DeclError>,
    ) -> Result<(), DeclError> {
        if !self.peek().is("(") {
            spec(self)?;
            return self.end_of_decl();
        }
        self.bump();
        loop {
            self.skip_semis();
            if self.peek().is(")") {
                self.bump();
                return self.end_of_decl();
            }
            spec(self)?;
            if !self.peek().is(")") {
                self.expect(";", "newline, ';' or ')'")?;
            }
        }
    }

    fn import_spec(&mut self, imports: &mut HashMap<String, String>) -> Result<(), DeclError> {
        let local = match self.peek().clone() {
            Tok::Ident(s) => {
                self.bump();
                Some(s)
            }
            Tok::Punct(".") => {
                self.bump();
                Some(".".to_string())
            }
            _ => None,
        };
        let Tok::Str(path) = self.peek().clone() else {
            return Err(self.unexpected("import path"));
        };
        self.bump();
        let name = local.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
        imports.insert(name, path);
        Ok(())
    }

    fn const_spec(&mut self, consts: &mut HashMap<String, u64>) -> Result<(), DeclError> {
        let start = self.at;
        self.skip_until_spec_end();
        let toks: Vec<&Tok> = self.toks[start..self.at].iter().map(|t| &t.tok).collect();
        // `N = 5` or `N int = 5` (anything else, such as iota, is not evaluated).
        let (name, value) = match toks.as_slice() {
            [Tok::Ident(n), Tok::Punct("="), Tok::Number(v)] => (n, v),
            [Tok::Ident(n), Tok::Ident(_), Tok::Punct("="), Tok::Number(v)] => (n, v),
            _ => return Ok(()),
        };
        if let Some(v) = int_literal(value) {
            consts.insert(name.clone(), v);
        }
        Ok(())
    }

    /// Skips to the `;` or `)` that ends a spec inside a group (or a top-level declaration).
    fn skip_until_spec_end(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::Eof => return,
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") if depth == 0 => return,
                Tok::Punct(")" | "]" | "}") => depth -= 1,
                Tok::Punct(";") if depth == 0 => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips a `func` or `var` declaration (to the `;` at nesting depth 0).
    fn skip_statement(&mut self) {
        loop {
            self.skip_until_spec_end();
            match self.peek() {
                Tok::Punct(")" | "]" | "}") => {
                    self.bump();
                }
                _ => return,
            }
        }
    }

    /// After `func`: the receiver and name of a method (`(r *T) Name`); `None` for a
    /// function. Leaves the parser at the parameters.
    fn method_head(&mut self) -> Option<Method> {
        if !self.peek().is("(") {
            return None;
        }
        self.bump();
        let inner = self.balanced_until(")").ok()?;
        let pointer = inner.iter().any(|t| t.is("*"));
        let receiver = inner.iter().rev().find_map(|t| match t {
            Tok::Ident(s) => Some(s.clone()),
            _ => None,
        })?;
        let Tok::Ident(name) = self.peek().clone() else {
            return None;
        };
        self.bump();
        Some(Method {
            receiver,
            pointer,
            name,
        })
    }

    fn type_spec(&mut self) -> Result<TypeDecl, DeclError> {
        let (name, pos) = self.ident("type name")?;
        if self.peek().is("[")
            && matches!(self.peek_at(1), Tok::Ident(_))
            && !self.peek_at(2).is("]")
        {
            return Err(DeclError::at(
                self.pos(),
                format!("generic type {name} is not supported (declare a concrete type)"),
            ));
        }
        let alias = self.peek().is("=");
        if alias {
            self.bump();
        }
        let ty = self.ty()?;
        Ok(TypeDecl {
            name,
            pos,
            alias,
            ty,
        })
    }

    /// A type.
    pub(super) fn ty(&mut self) -> Result<TypeExpr, DeclError> {
        if self.depth >= super::MAX_NEST {
            return Err(DeclError::at(self.pos(), "type nested too deeply"));
        }
        self.depth += 1;
        let t = self.ty_inner();
        self.depth -= 1;
        t
    }

    fn ty_inner(&mut self) -> Result<TypeExpr, DeclError> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Ident(k) if k == "struct" => {
                self.bump();
                self.struct_body()
            }
            Tok::Ident(k) if k == "interface" => {
                self.bump();
                self.interface_body()
            }
            Tok::Ident(k) if k == "map" => {
                self.bump();
                self.expect("[", "'[' after map")?;
                let key = self.ty()?;
                self.expect("]", "']' after map key type")?;
                let elem = self.ty()?;
                Ok(TypeExpr::Map(Box::new(key), Box::new(elem)))
            }
            Tok::Ident(k) if k == "chan" => {
                self.bump();
                let prefix = if self.peek().is("<-") {
                    self.bump();
                    "chan<- "
                } else {
                    "chan "
                };
                let elem = Box::new(self.ty()?);
                Ok(TypeExpr::Chan { prefix, elem })
            }
            Tok::Punct("<-") => {
                self.bump();
                if !self.peek().is_ident("chan") {
                    return Err(self.unexpected("'chan'"));
                }
                self.bump();
                let elem = Box::new(self.ty()?);
                Ok(TypeExpr::Chan {
                    prefix: "<-chan ",
                    elem,
                })
            }
            Tok::Ident(k) if k == "func" => {
                self.bump();
                self.func_sig()
            }
            Tok::Ident(_) => self.type_name(),
            Tok::Punct("*") => {
                self.bump();
                Ok(TypeExpr::Pointer(Box::new(self.ty()?)))
            }
            Tok::Punct("(") => {
                self.bump();
                let t = self.ty()?;
                self.expect(")", "')'")?;
                Ok(t)
            }
            Tok::Punct("[") => {
                self.bump();
                let len = match self.peek().clone() {
                    Tok::Punct("]") => None,
                    Tok::Number(n) => {
                        let v = int_literal(&n).ok_or_else(|| {
                            DeclError::at(self.pos(), format!("invalid array length {n}"))
                        })?;
                        self.bump();
                        Some(ArrayLen::Lit(v))
                    }
                    Tok::Ident(c) => {
                        let at = self.pos();
                        self.bump();
                        Some(ArrayLen::Const(c, at))
                    }
                    Tok::Punct("...") => {
                        return Err(DeclError::at(
                            self.pos(),
                            "array length [...] is only allowed in composite literals",
                        ))
                    }
                    _ => return Err(self.unexpected("array length or ']'")),
                };
                self.expect("]", "']'")?;
                let elem = Box::new(self.ty()?);
                Ok(match len {
                    None => TypeExpr::Slice(elem),
                    Some(len) => TypeExpr::Array { len, elem },
                })
            }
            _ => Err(DeclError::at(
                pos,
                format!("expected type, found {}", self.peek().describe()),
            )),
        }
    }

    /// `Name` or `pkg.Name`.
    fn type_name(&mut self) -> Result<TypeExpr, DeclError> {
        let (first, pos) = self.ident("type name")?;
        if self.peek().is(".") {
            self.bump();
            let (name, _) = self.ident("type name after '.'")?;
            return Ok(TypeExpr::Name {
                pkg: Some(first),
                name,
                pos,
            });
        }
        if self.peek().is("[") && matches!(self.peek_at(1), Tok::Ident(_) | Tok::Punct("*")) {
            // `List[int]` would be an instantiation; `[N]T` cannot follow a type name.
            return Err(DeclError::at(
                self.pos(),
                format!("generic type instantiation {first}[…] is not supported"),
            ));
        }
        Ok(TypeExpr::Name {
            pkg: None,
            name: first,
            pos,
        })
    }

    fn struct_body(&mut self) -> Result<TypeExpr, DeclError> {
        self.expect("{", "'{' after struct")?;
        let mut fields = Vec::new();
        loop {
            self.skip_semis();
            if self.peek().is("}") {
                self.bump();
                return Ok(TypeExpr::Struct(fields));
            }
            self.field_decl(&mut fields)?;
            if !self.peek().is("}") {
                self.expect(";", "newline, ';' or '}' after field")?;
            }
        }
    }

    fn field_decl(&mut self, fields: &mut Vec<FieldExpr>) -> Result<(), DeclError> {
        let pos = self.pos();
        let embedded_end = |t: &Tok| matches!(t, Tok::Punct(";" | "}") | Tok::Str(_));
        let (names, ty, embedded) = if self.peek().is("*") {
            self.bump();
            let t = self.type_name()?;
            (
                vec![embedded_name(&t)],
                TypeExpr::Pointer(Box::new(t)),
                true,
            )
        } else {
            let Tok::Ident(first) = self.peek().clone() else {
                return Err(self.unexpected("field name or embedded type"));
            };
            let next = self.peek_at(1).clone();
            if next.is(".") || embedded_end(&next) {
                let t = self.type_name()?;
                (vec![embedded_name(&t)], t, true)
            } else {
                self.bump();
                let mut names = vec![first];
                while self.peek().is(",") {
                    self.bump();
                    names.push(self.ident("field name")?.0);
                }
                (names, self.ty()?, false)
            }
        };
        let tag = match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                Some(s)
            }
            _ => None,
        };
        for name in names {
            fields.push(FieldExpr {
                name,
                embedded,
                ty: ty.clone(),
                tag: tag.clone(),
                pos,
            });
        }
        Ok(())
    }

    fn interface_body(&mut self) -> Result<TypeExpr, DeclError> {
        self.expect("{", "'{' after interface")?;
        let inner = self.balanced_until("}")?;
        let items: Vec<String> = inner
            .split(|t| t.is(";"))
            .filter(|s| !s.is_empty())
            .map(render)
            .collect();
        Ok(if items.is_empty() {
            TypeExpr::Interface {
                text: "interface {}".into(),
                empty: true,
            }
        } else {
            TypeExpr::Interface {
                text: format!("interface {{ {} }}", items.join("; ")),
                empty: false,
            }
        })
    }

    /// The tokens up to the matching `close` (consumed), which must balance.
    fn balanced_until(&mut self, close: &str) -> Result<Vec<Tok>, DeclError> {
        let mut depth = 0usize;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof => return Err(self.unexpected(&format!("'{close}'"))),
                Tok::Punct(c) if depth == 0 && *c == close => {
                    self.bump();
                    return Ok(out);
                }
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") if depth == 0 => {
                    return Err(self.unexpected(&format!("'{close}'")))
                }
                Tok::Punct(")" | "]" | "}") => depth -= 1,
                _ => {}
            }
            out.push(self.bump().tok);
        }
    }

    /// After `func`: parameters and results; kept as text.
    fn func_sig(&mut self) -> Result<TypeExpr, DeclError> {
        self.expect("(", "'(' after func")?;
        let params = self.balanced_until(")")?;
        let mut text = format!("func({})", render(&params));
        let starts_type = match self.peek() {
            Tok::Ident(_) => true,
            Tok::Punct(p) => matches!(*p, "*" | "[" | "<-"),
            _ => false,
        };
        if self.peek().is("(") {
            self.bump();
            let results = self.balanced_until(")")?;
            text.push_str(&format!(" ({})", render(&results)));
        } else if starts_type {
            let start = self.at;
            self.ty()?;
            let toks: Vec<Tok> = self.toks[start..self.at]
                .iter()
                .map(|t| t.tok.clone())
                .collect();
            text.push(' ');
            text.push_str(&render(&toks));
        }
        Ok(TypeExpr::Func(text))
    }
}

/// The name an embedded field gets: its type's name.
fn embedded_name(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Name { name, .. } => name.clone(),
        _ => String::new(),
    }
}

/// Tokens back to text, spaced the way Go prints types.
fn render(toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Tok> = None;
    for t in toks {
        let text = match t {
            Tok::Ident(s) | Tok::Number(s) | Tok::Char(s) => s.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Punct(p) => p.to_string(),
            Tok::Eof => String::new(),
        };
        let word = |t: &Tok| matches!(t, Tok::Ident(_) | Tok::Number(_) | Tok::Str(_));
        let space = match prev {
            None => false,
            Some(Tok::Punct(",")) => true,
            Some(Tok::Punct(")")) => word(t) || t.is("("),
            Some(p) if word(p) => word(t) || t.is("<-") || t.is("..."),
            _ => false,
        };
        if space {
            out.push(' ');
        }
        out.push_str(&text);
        prev = Some(t);
    }
    out
}
