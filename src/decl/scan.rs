//! What a Go file says about gob besides its type declarations: the `gob.Register` and
//! `gob.RegisterName` calls (wherever they are, usually in `init` functions) and the methods
//! declared on its types (which show `GobEncode` and `MarshalBinary`).

use super::lexer::{Pos, Tok, Token};
use super::parser::{Parser, TypeExpr};

/// One `gob.Register(value)` or `gob.RegisterName(name, value)` call.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    /// The name given to `RegisterName`; `None` for `Register`, which derives it.
    pub name: Option<String>,
    /// The registered value's type, read from a composite literal (`T{}`, `&T{}`), a
    /// conversion (`T(0)`) or `new(T)`; otherwise the value's text (a variable's type is not
    /// known without Go's type checker).
    pub ty: Result<TypeExpr, String>,
    /// Where the call is.
    pub pos: Pos,
    /// The index of the file it is in (set by `Decls::parse_files`).
    pub file: usize,
}

/// A method declared on a type: `func (r *T) Name(…)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The receiver's type name.
    pub receiver: String,
    /// True for a pointer receiver.
    pub pointer: bool,
    /// The method's name.
    pub name: String,
}

/// The registration calls in a file's tokens, in source order.
pub fn registrations(toks: &[Token]) -> Vec<Registration> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let register_name = match &toks[i..] {
            [Token {
                tok: Tok::Ident(g), ..
            }, dot, Token {
                tok: Tok::Ident(f), ..
            }, open, ..]
                if g == "gob" && dot.tok.is(".") && open.tok.is("(") =>
            {
                match f.as_str() {
                    "Register" => false,
                    "RegisterName" => true,
                    _ => continue,
                }
            }
            _ => continue,
        };
        let Some(args) = call_arguments(&toks[i + 3..]) else {
            continue;
        };
        out.push(registration(args, register_name, toks[i].pos));
    }
    out
}

/// The tokens between the `(` that starts `toks` and its matching `)`.
fn call_arguments(toks: &[Token]) -> Option<&[Token]> {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => {
                depth -= 1;
                if depth == 0 {
                    return Some(&toks[1..i]);
                }
            }
            Tok::Eof => return None,
            _ => {}
        }
    }
    None
}

fn registration(args: &[Token], register_name: bool, pos: Pos) -> Registration {
    let mut value = args;
    let mut name = None;
    if register_name {
        if let [Token {
            tok: Tok::Str(s), ..
        }, comma, rest @ ..] = args
        {
            if comma.tok.is(",") {
                name = Some(s.clone());
                value = rest;
            }
        }
    }
    let text = value
        .iter()
        .map(|t| match &t.tok {
            Tok::Ident(s) | Tok::Number(s) | Tok::Char(s) => s.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Punct(p) => p.to_string(),
            Tok::Eof => String::new(),
        })
        .collect::<String>();
    let mut toks: Vec<Token> = value.to_vec();
    toks.push(Token { tok: Tok::Eof, pos });
    Registration {
        name,
        ty: value_type(Parser::new(toks)).ok_or(text),
        pos,
        file: 0,
    }
}

/// The type of `T{…}`, `&T{…}`, `T(…)` or `new(T)`.
fn value_type(mut p: Parser) -> Option<TypeExpr> {
    if p.peek().is("&") {
        p.bump();
        return value_type(p).map(|t| TypeExpr::Pointer(Box::new(t)));
    }
    if p.peek().is_ident("new") {
        p.bump();
        p.expect("(", "'('").ok()?;
        let t = p.ty().ok()?;
        p.expect(")", "')'").ok()?;
        return Some(TypeExpr::Pointer(Box::new(t)));
    }
    let t = p.ty().ok()?;
    (p.peek().is("{") || p.peek().is("(")).then_some(t)
}
