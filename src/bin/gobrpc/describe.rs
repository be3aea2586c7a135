//! `gobrpc describe`: the services and methods of a Go server, read from the HTML debug page
//! Go's `rpc.HandleHTTP` serves (`/debug/rpc`).

use crate::exit::{Failure, Result};
use crate::output;
use gobrpc::json as gojson;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Largest debug page accepted.
const MAX_PAGE: u64 = 16 << 20;

#[derive(Debug, PartialEq)]
pub struct Method {
    pub name: String,
    pub arg: String,
    pub reply: String,
    pub calls: Option<u64>,
}

#[derive(Debug, PartialEq)]
pub struct Service {
    pub name: String,
    pub methods: Vec<Method>,
}

/// Where Go's `rpc.HandleHTTP` serves the debug page.
pub const DEBUG_PATH: &str = "/debug/rpc";

/// The services on the debug page at `path` of the HTTP server `addr`.
pub fn services(addr: &str, path: &str, timeout: Duration) -> Result<Vec<Service>> {
    let addr = addr
        .strip_prefix("http://")
        .unwrap_or(addr)
        .trim_end_matches('/');
    let body = fetch(addr, path, timeout)?;
    parse(&body).map_err(|e| {
        Failure::connection(format!(
            "http://{addr}{path}: not Go's net/rpc debug page: {e}"
        ))
    })
}

pub fn run(addr: &str, path: &str, json: bool, timeout: Duration) -> Result<()> {
    let services = services(addr, path, timeout)?;
    let mut out = output::Out::new();
    if json {
        let mut s = String::from("[");
        for (i, svc) in services.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str("{\"service\":");
            gojson::write_string(svc.name.as_bytes(), &mut s);
            s.push_str(",\"methods\":[");
            for (j, m) in svc.methods.iter().enumerate() {
                if j > 0 {
                    s.push(',');
                }
                s.push_str("{\"name\":");
                gojson::write_string(m.name.as_bytes(), &mut s);
                s.push_str(",\"arg_type\":");
                gojson::write_string(m.arg.as_bytes(), &mut s);
                s.push_str(",\"reply_type\":");
                gojson::write_string(m.reply.as_bytes(), &mut s);
                if let Some(c) = m.calls {
                    s.push_str(&format!(",\"calls\":{c}"));
                }
                s.push('}');
            }
            s.push_str("]}");
        }
        s.push(']');
        out.line(&s)?;
    } else {
        for svc in &services {
            for m in &svc.methods {
                out.line(&format!(
                    "{}.{}({}, {}) error",
                    svc.name, m.name, m.arg, m.reply
                ))?;
            }
        }
    }
    out.finish()
}

/// `GET path` over HTTP/1.0; the body of a 200 response.
fn fetch(addr: &str, path: &str, timeout: Duration) -> Result<String> {
    let conn = |e: std::io::Error| Failure::connection(format!("connecting to {addr}: {e}"));
    let sock = addr
        .to_socket_addrs()
        .map_err(conn)?
        .next()
        .ok_or_else(|| Failure::connection(format!("{addr}: no address")))?;
    let mut s = TcpStream::connect_timeout(&sock, timeout).map_err(conn)?;
    let io = |e: std::io::Error| {
        if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            Failure::connection(format!(
                "http://{addr}{path}: no response within {timeout:?}"
            ))
        } else {
            Failure::connection(format!("http://{addr}{path}: {e}"))
        }
    };
    s.set_read_timeout(Some(timeout)).map_err(io)?;
    s.set_write_timeout(Some(timeout)).map_err(io)?;
    let host = addr;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: gobrpc\r\n\r\n"
    )
    .map_err(io)?;
    let mut raw = Vec::new();
    s.take(MAX_PAGE).read_to_end(&mut raw).map_err(io)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .ok_or_else(|| Failure::connection(format!("http://{addr}{path}: no HTTP response")))?;
    let status = head.lines().next().unwrap_or("");
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with("HTTP/") {
        return Err(Failure::connection(format!(
            "http://{addr}{path}: not an HTTP response: {:?}",
            status.chars().take(60).collect::<String>()
        )));
    }
    if code != "200" {
        return Err(Failure::connection(format!(
            "http://{addr}{path}: {}",
            status.split_once(' ').map_or(status, |x| x.1)
        )));
    }
    Ok(body.to_string())
}

/// Parses the page rendered by `net/rpc`'s `debugText` template.
pub fn parse(html: &str) -> std::result::Result<Vec<Service>, String> {
    if !html.contains("<title>Services</title>") {
        return Err("no <title>Services</title>".into());
    }
    let mut services: Vec<Service> = Vec::new();
    let mut lines = html.lines().map(str::trim).peekable();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("Service ") {
            services.push(Service {
                name: unescape(name),
                methods: Vec::new(),
            });
        } else if let Some(sig) = line
            .strip_prefix("<td align=left font=fixed>")
            .and_then(|l| l.strip_suffix("</td>"))
        {
            let svc = services
                .last_mut()
                .ok_or("a method row before any service")?;
            let mut m = signature(&unescape(sig))?;
            if let Some(n) = lines.peek().and_then(|l| {
                l.strip_prefix("<td align=center>")
                    .and_then(|l| l.strip_suffix("</td>"))
            }) {
                m.calls = n.parse().ok();
                lines.next();
            }
            svc.methods.push(m);
        }
    }
    Ok(services)
}

/// `Name(ArgType, ReplyType) error`.
fn signature(sig: &str) -> std::result::Result<Method, String> {
    let bad = || format!("unexpected method row {sig:?}");
    let (name, rest) = sig.split_once('(').ok_or_else(bad)?;
    let inner = rest.strip_suffix(") error").ok_or_else(bad)?;
    // The comma between the two types, outside any brackets or parentheses.
    let mut depth = 0i32;
    let mut split = None;
    for (i, c) in inner.char_indices() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth -= 1,
            ',' if depth == 0 && inner[i..].starts_with(", ") => split = Some(i),
            _ => {}
        }
    }
    let i = split.ok_or_else(bad)?;
    Ok(Method {
        name: name.to_string(),
        arg: inner[..i].to_string(),
        reply: inner[i + 2..].to_string(),
        calls: None,
    })
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#43;", "+")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_page() {
        let page = "<html>\n<title>Services</title>\n<hr>\n\tService Echo\n<hr>\n\
            <td align=left font=fixed>Nested(map[string]map[string][]int, *map[string]map[string][]int) error</td>\n\
            <td align=center>3</td>\n";
        let s = parse(page).unwrap();
        assert_eq!(s[0].name, "Echo");
        assert_eq!(
            s[0].methods[0],
            Method {
                name: "Nested".into(),
                arg: "map[string]map[string][]int".into(),
                reply: "*map[string]map[string][]int".into(),
                calls: Some(3)
            }
        );
    }
}
