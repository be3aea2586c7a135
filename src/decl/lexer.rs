//! Go tokens, with Go's automatic semicolons and 1-based line and byte-column positions.

use super::DeclError;

/// Where a token starts: 1-based line and byte column, as Go's scanner counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Byte column, from 1.
    pub column: usize,
}

/// A token's kind and text.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier or keyword.
    Ident(String),
    /// An integer, float or imaginary literal, as written.
    Number(String),
    /// A string literal, unquoted.
    Str(String),
    /// A rune literal, as written.
    Char(String),
    /// An operator or delimiter (`{`, `<-`, `...`, `;` …).
    Punct(&'static str),
    /// End of input.
    Eof,
}

impl Tok {
    /// The token as Go's parser shows it in "found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Number(s) | Tok::Char(s) => s.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Punct(";") => "newline or ';'".into(),
            Tok::Punct(p) => format!("'{p}'"),
            Tok::Eof => "end of input".into(),
        }
    }

    /// True if this is the identifier or keyword `s`.
    pub fn is_ident(&self, s: &str) -> bool {
        matches!(self, Tok::Ident(i) if i == s)
    }

    /// True if this is the punctuation `p`.
    pub fn is(&self, p: &str) -> bool {
        matches!(self, Tok::Punct(q) if *q == p)
    }
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its position.
    pub pos: Pos,
}

/// Operators Go has, longest first so that the lexer takes the longest match.
const PUNCT: &[&str] = &[
    "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^", "+", "-", "*", "/", "%", "&", "|",
    "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "~",
];

/// Splits Go source into tokens, inserting semicolons at line ends as Go does.
pub fn tokenize(src: &str) -> Result<Vec<Token>, DeclError> {
    let mut lx = Lexer {
        src,
        at: 0,
        line: 1,
        line_start: 0,
        out: Vec::new(),
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    src: &'a str,
    at: usize,
    line: usize,
    line_start: usize,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.at - self.line_start + 1,
        }
    }

    fn rest(&self) -> &str {
        &self.src[self.at..]
    }

    fn newline(&mut self) {
        self.line += 1;
        self.line_start = self.at;
    }

    /// Go inserts a semicolon at a line end after these tokens.
    fn wants_semicolon(&self) -> bool {
        match self.out.last().map(|t| &t.tok) {
            Some(Tok::Ident(_) | Tok::Number(_) | Tok::Str(_) | Tok::Char(_)) => true,
            Some(Tok::Punct(p)) => matches!(*p, ")" | "]" | "}" | "++" | "--"),
            _ => false,
        }
    }

    fn semicolon(&mut self, pos: Pos) {
        if self.wants_semicolon() {
            self.out.push(Token {
                tok: Tok::Punct(";"),
                pos,
            });
        }
    }

    fn run(&mut self) -> Result<(), DeclError> {
        while let Some(c) = self.rest().chars().next() {
            let pos = self.pos();
            match c {
                '\n' => {
                    self.semicolon(pos);
                    self.at += 1;
                    self.newline();
                }
                ' ' | '\t' | '\r' | '\u{feff}' => self.at += c.len_utf8(),
                '/' if self.rest().starts_with("//") => {
                    let end = self.rest().find('\n').unwrap_or(self.rest().len());
                    self.at += end;
                }
                '/' if self.rest().starts_with("/*") => self.block_comment(pos)?,
                '"' => self.interpreted_string(pos)?,
                '`' => self.raw_string(pos)?,
                '\'' => self.rune(pos)?,
                c if c.is_ascii_digit() => self.number(pos),
                '.' if self.rest()[1..].starts_with(|d: char| d.is_ascii_digit()) => {
                    self.number(pos)
                }
                c if c == '_' || c.is_alphabetic() => {
                    let len = self
                        .rest()
                        .find(|d: char| !(d == '_' || d.is_alphanumeric()))
                        .unwrap_or(self.rest().len());
                    let word = self.rest()[..len].to_string();
                    self.at += len;
                    self.push(Tok::Ident(word), pos);
                }
                _ => match PUNCT.iter().find(|p| self.rest().starts_with(**p)) {
                    Some(p) => {
                        self.at += p.len();
                        self.push(Tok::Punct(p), pos);
                    }
                    None => return Err(DeclError::at(pos, format!("invalid character {c:?}"))),
                },
            }
        }
        let pos = self.pos();
        self.semicolon(pos);
        self.push(Tok::Eof, pos);
        Ok(())
    }

    fn push(&mut self, tok: Tok, pos: Pos) {
        self.out.push(Token { tok, pos });
    }

    fn block_comment(&mut self, pos: Pos) -> Result<(), DeclError> {
        let Some(end) = self.rest()[2..].find("*/") else {
            return Err(DeclError::at(pos, "comment not terminated"));
        };
        let body_end = self.at + 2 + end;
        let mut had_newline = false;
        while self.at < body_end {
            if self.src.as_bytes()[self.at] == b'\n' {
                if !had_newline {
                    // A comment spanning lines acts like a newline.
                    self.semicolon(pos);
                    had_newline = true;
                }
                self.at += 1;
                self.newline();
            } else {
                self.at += 1;
            }
        }
        self.at += 2;
        Ok(())
    }

    fn raw_string(&mut self, pos: Pos) -> Result<(), DeclError> {
        let Some(end) = self.rest()[1..].find('`') else {
            return Err(DeclError::at(pos, "raw string literal not terminated"));
        };
        let body = self.rest()[1..1 + end].replace('\r', "");
        let stop = self.at + end + 2;
        while self.at < stop {
            let b = self.src.as_bytes()[self.at];
            self.at += 1;
            if b == b'\n' {
                self.newline();
            }
        }
        self.push(Tok::Str(body), pos);
        Ok(())
    }

    /// A `"…"` or `'…'` literal's raw body (escapes kept), from after the opening quote.
    fn quoted(&mut self, pos: Pos, quote: char, what: &str) -> Result<String, DeclError> {
        self.at += 1;
        let mut body = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\n' => break,
                '\\' => {
                    body.push(c);
                    if let Some((_, e)) = chars.next() {
                        if e == '\n' {
                            break;
                        }
                        body.push(e);
                    }
                }
                c if c == quote => {
                    self.at += i + 1;
                    return Ok(body);
                }
                c => body.push(c),
            }
        }
        Err(DeclError::at(pos, format!("{what} literal not terminated")))
    }

    fn interpreted_string(&mut self, pos: Pos) -> Result<(), DeclError> {
        let raw = self.quoted(pos, '"', "string")?;
        self.push(Tok::Str(unescape(&raw)), pos);
        Ok(())
    }

    fn rune(&mut self, pos: Pos) -> Result<(), DeclError> {
        let raw = self.quoted(pos, '\'', "rune")?;
        self.push(Tok::Char(format!("'{raw}'")), pos);
        Ok(())
    }

    fn number(&mut self, pos: Pos) {
        let bytes = self.rest().as_bytes();
        let hex = self.rest().starts_with("0x") || self.rest().starts_with("0X");
        let mut len = 0;
        while len < bytes.len() {
            let b = bytes[len];
            let exp_sign = (b == b'+' || b == b'-')
                && len > 0
                && if hex {
                    matches!(bytes[len - 1], b'p' | b'P')
                } else {
                    matches!(bytes[len - 1], b'e' | b'E')
                };
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exp_sign {
                len += 1;
            } else {
                break;
            }
        }
        let text = self.rest()[..len].to_string();
        self.at += len;
        self.push(Tok::Number(text), pos);
    }
}

/// Resolves the escapes of an interpreted string literal (invalid escapes are kept as written).
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        let simple = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            '\\' | '"' | '\'' => Some(e),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            continue;
        }
        let digits = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            '0'..='7' => 2,
            _ => 0,
        };
        let mut hex = String::new();
        for _ in 0..digits {
            if let Some(d) = chars.next() {
                hex.push(d);
            }
        }
        let code = if e.is_ascii_digit() {
            u32::from_str_radix(&format!("{e}{hex}"), 8).ok()
        } else {
            u32::from_str_radix(&hex, 16).ok()
        };
        match code.and_then(char::from_u32) {
            Some(c) => out.push(c),
            None => {
                out.push('\\');
                out.push(e);
                out.push_str(&hex);
            }
        }
    }
    out
}

/// The value of a Go integer literal (decimal, `0x`, `0o`, `0b`, legacy octal, `_` separators).
pub fn int_literal(text: &str) -> Option<u64> {
    let t = text.replace('_', "");
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or(t.strip_prefix("0X")) {
        (h.to_string(), 16)
    } else if let Some(o) = t.strip_prefix("0o").or(t.strip_prefix("0O")) {
        (o.to_string(), 8)
    } else if let Some(b) = t.strip_prefix("0b").or(t.strip_prefix("0B")) {
        (b.to_string(), 2)
    } else if t.len() > 1 && t.starts_with('0') {
        (t[1..].to_string(), 8)
    } else {
        (t, 10)
    };
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}
