//! `gobrpc call`: one net/rpc call over TCP, a Unix socket, HTTP `CONNECT` or TLS; the reply
//! printed as `dump --json` prints a value.

use crate::exit::{Failure, Result};
use crate::{describe, jsonarg, output, typed};
use gobrpc::json as gojson;
use gobrpc::rpc::{Client, Error as RpcError};
use gobrpc::{Category, TypedValue};
use std::sync::Arc;
use std::time::Duration;

/// Where and how to connect.
pub struct Target {
    pub addr: String,
    pub unix: bool,
    /// `Some(path)`: HTTP `CONNECT` at that path.
    pub http: Option<String>,
    pub tls_ca: Option<String>,
    pub server_name: Option<String>,
    pub timeout: Option<Duration>,
}

pub struct CallArgs {
    pub target: Target,
    pub method: String,
    pub args: Option<String>,
    pub types: Option<String>,
    pub arg_type: Option<String>,
}

/// How long `call` waits by default (`--timeout 0`: no limit).
pub const DEFAULT_TIMEOUT: &str = "30s";

pub fn run(a: CallArgs) -> Result<()> {
    if !a.method.contains('.') || a.method.starts_with('.') || a.method.ends_with('.') {
        return Err(Failure::input(format!(
            "method {:?} is not of the form Service.Method",
            a.method
        )));
    }
    let arg_type = match (&a.types, &a.arg_type) {
        (Some(_), None) => Some(arg_type_from_debug_page(&a.target, &a.method)?),
        (_, t) => t.clone(),
    };
    let (arg, inferred) = argument(a.args.as_deref(), a.types.as_deref(), arg_type.as_deref())?;
    let rt = runtime()?;
    let reply = rt
        .block_on(call(&a.target, &a.method, &arg))
        .map_err(|f| inferred_hint(f, inferred.as_deref()))?;
    print_reply(&reply)
}

/// The call's argument from its JSON text (ARGS_JSON, `-` or stdin): of the type `arg_type`
/// declared in `types`, or inferred from the JSON (then also the Go type it was inferred as).
pub fn argument(
    args: Option<&str>,
    types: Option<&str>,
    arg_type: Option<&str>,
) -> Result<(TypedValue, Option<String>)> {
    let text = argument_text(args)?;
    let json =
        jsonarg::parse(&text).map_err(|e| Failure::input(format!("invalid JSON argument: {e}")))?;
    match (types, arg_type) {
        (Some(file), Some(name)) => Ok((
            typed::Schema::load(file, name)?.value(&json, "argument")?,
            None,
        )),
        (None, None) => {
            let (tv, go) =
                gojson::infer(&json).map_err(|e| Failure::input(format!("argument: {e}")))?;
            Ok((tv, Some(go)))
        }
        (Some(_), None) => Err(Failure::input("--types needs --arg-type NAME")),
        (None, Some(_)) => Err(Failure::input("--arg-type needs --types FILE.go")),
    }
}

/// A current-thread runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::connection(format!("starting the runtime: {e}")))
}

/// Prints a reply as `dump --json` prints a value.
pub fn print_reply(reply: &TypedValue) -> Result<()> {
    let line = gojson::to_json(reply)
        .map_err(|e| Failure::connection(format!("the reply cannot be printed: {e}")))?;
    let mut out = output::Out::new();
    out.line(&line)?;
    out.finish()
}

/// The argument's text: ARGS_JSON, or stdin for `-` or when stdin is not a terminal (no
/// argument at a terminal is a usage error, not a wait for typed input).
fn argument_text(args: Option<&str>) -> Result<String> {
    use std::io::{IsTerminal, Read};
    match args {
        Some("-") => {}
        Some(s) => return Ok(s.to_string()),
        None if std::io::stdin().is_terminal() => {
            return Err(Failure::input(
                "no argument: give it as JSON after Service.Method (for example '{\"A\":1}' \
                 or '\"text\"'), or pipe it on stdin",
            ))
        }
        None => {}
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| Failure::input(format!("reading the argument from stdin: {e}")))?;
    Ok(s)
}

/// With `--types` and `--http` but no `--arg-type`: the method's argument type from the
/// server's debug page (what `describe` reads), without its pointer (`*main.Args` is sent as
/// a `main.Args`).
fn arg_type_from_debug_page(t: &Target, method: &str) -> Result<String> {
    if t.http.is_none() {
        return Err(Failure::input(
            "--types needs --arg-type NAME (or --http, whose debug page names the type)",
        ));
    }
    let (service, name) = method.split_once('.').unwrap_or((method, ""));
    let wait = t.timeout.unwrap_or(Duration::from_secs(10));
    let services = describe::services(&t.addr, describe::DEBUG_PATH, wait).map_err(|f| {
        Failure::new(
            f.code,
            format!("{} (give the type with --arg-type NAME)", f.message),
        )
    })?;
    let m = services
        .iter()
        .filter(|s| s.name == service)
        .flat_map(|s| &s.methods)
        .find(|m| m.name == name)
        .ok_or_else(|| {
            Failure::input(format!(
                "{method}: not on the server's debug page; give the type with --arg-type NAME"
            ))
        })?;
    Ok(m.arg.trim_start_matches('*').to_string())
}

/// A server's gob error about an inferred argument: say it was inferred, and how to declare it.
pub fn inferred_hint(f: Failure, inferred: Option<&str>) -> Failure {
    match inferred {
        Some(go) if f.code == crate::exit::SERVER && f.message.starts_with("gob:") => {
            Failure::server(format!(
                "{} (the argument's Go type was inferred from the JSON as {go}; if the method \
                 wants another type, declare it: --types FILE.go --arg-type TYPE)",
                f.message
            ))
        }
        _ => f,
    }
}

async fn call(t: &Target, method: &str, arg: &TypedValue) -> Result<TypedValue> {
    let client = connect(t).await?;
    client
        .call_value(method, arg)
        .await
        .map_err(|e| call_error(e, method, t.timeout))
}

/// The library's words for a transport mistake, in the CLI's (a flag, not a method).
fn cli_words(message: String) -> String {
    message
        .replace(": use `dial_http`", " (use --http)")
        .replace(": use `dial`", " (drop --http)")
}

pub fn call_error(e: RpcError, method: &str, timeout: Option<Duration>) -> Failure {
    match e {
        RpcError::Server(s) => Failure::server(s),
        RpcError::Timeout => Failure::connection(format!(
            "{method}: no reply within {:?}",
            timeout.unwrap_or_default()
        )),
        RpcError::Codec(ref c) if c.category() == Category::Encode => {
            Failure::input(format!("{method}: encoding the argument: {e}"))
        }
        e => Failure::connection(format!("{method}: {e}")),
    }
}

async fn connect(t: &Target) -> Result<Client> {
    let mut b = Client::builder();
    if let Some(d) = t.timeout {
        b = b.timeout(d).connect_timeout(d).handshake_timeout(d);
    }
    let addr = t.addr.as_str();
    // The library names the address of a failed connect; other dial failures get it here.
    let fail = |e: RpcError| {
        Failure::connection(cli_words(match e {
            RpcError::Connect { .. } => e.to_string(),
            e => format!("connecting to {addr}: {e}"),
        }))
    };
    if t.unix {
        if t.http.is_some() || t.tls_ca.is_some() {
            return Err(Failure::input(
                "--unix cannot be combined with --http or --tls-ca",
            ));
        }
        #[cfg(unix)]
        return b.dial_unix(addr).await.map_err(fail);
        #[cfg(not(unix))]
        return Err(Failure::input(
            "--unix: Unix sockets are not supported here",
        ));
    }
    if let Some(ca) = &t.tls_ca {
        if t.http.is_some() {
            return Err(Failure::input("--http cannot be combined with --tls-ca"));
        }
        let config = tls_config(ca)?;
        let name = match &t.server_name {
            Some(n) => n.clone(),
            None => host_of(addr).to_string(),
        };
        return b.dial_tls(addr, &name, config).await.map_err(fail);
    }
    match &t.http {
        Some(path) => b.dial_http_path(addr, path).await.map_err(fail),
        None => b.dial(addr).await.map_err(fail),
    }
}

/// The host part of `host:port` (`[::1]:80` gives `::1`).
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
}

fn tls_config(ca: &str) -> Result<Arc<tokio_rustls::rustls::ClientConfig>> {
    use tokio_rustls::rustls;
    let pem = std::fs::read(ca).map_err(|e| Failure::input(format!("--tls-ca {ca}: {e}")))?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        let cert = cert.map_err(|e| Failure::input(format!("--tls-ca {ca}: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| Failure::input(format!("--tls-ca {ca}: {e}")))?;
    }
    if roots.is_empty() {
        return Err(Failure::input(format!(
            "--tls-ca {ca}: no PEM certificate in the file"
        )));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Failure::input(format!("TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Parses a Go duration (`300ms`, `1.5s`, `2m30s`, `1h`).
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let bad = || format!("invalid duration {s:?} (Go syntax: 300ms, 1.5s, 2m30s)");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total = 0f64;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("300ms").unwrap(), Duration::from_millis(300));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m30s").unwrap(), Duration::from_secs(150));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("5x").is_err());
        assert_eq!(host_of("[::1]:80"), "::1");
        assert_eq!(host_of("localhost:80"), "localhost");
    }
}
