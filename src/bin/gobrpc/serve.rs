//! `gobrpc serve`: the library's stub (`gobrpc::stub`) served over TCP, a Unix socket or
//! HTTP `CONNECT`, each call appended to `--record` as a JSON line.

use crate::exit::{Failure, Result};
use gobrpc::decl::Decls;
use gobrpc::rpc::server::HttpPaths;
use gobrpc::stub::Stub;
use std::io::Write;
use std::sync::Mutex;

pub struct ServeArgs {
    pub types: Vec<String>,
    pub replies: String,
    pub record: Option<String>,
    pub http: bool,
    pub addr: String,
}

pub fn run(a: ServeArgs) -> Result<()> {
    let srcs = a
        .types
        .iter()
        .map(|f| std::fs::read_to_string(f).map_err(|e| Failure::input(format!("{f}: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    let srcs: Vec<&str> = srcs.iter().map(String::as_str).collect();
    let decls = Decls::parse_files(&srcs)
        .map_err(|e| Failure::input(format!("{}: {e}", a.types.join(", "))))?;
    let file = &a.replies;
    let text = std::fs::read_to_string(file).map_err(|e| Failure::input(format!("{file}: {e}")))?;
    let replies: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure::input(format!("{file}: {e}")))?;
    let mut stub =
        Stub::new(&decls, &replies).map_err(|e| Failure::input(format!("{file}: {e}")))?;
    if let Some(path) = &a.record {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Failure::input(format!("--record {path}: {e}")))?;
        let out = Mutex::new(out);
        stub = stub.on_call(move |call| {
            let mut line = call.to_json_line();
            line.push('\n');
            // One write per line: lines of concurrent calls never mix.
            let mut f = out.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = f.write_all(line.as_bytes()) {
                eprintln!("gobrpc serve: --record: {e}");
            }
        });
    }
    let server = stub.server();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::connection(format!("starting the runtime: {e}")))?;
    let addr = a.addr.as_str();
    let listen = |e: std::io::Error| Failure::connection(format!("listen {addr}: {e}"));
    let accept = |e: std::io::Error| Failure::connection(format!("accept: {e}"));
    rt.block_on(async {
        if let Some(path) = addr.strip_prefix("unix:") {
            if a.http {
                return Err(Failure::input("--http serves TCP only (not unix:PATH)"));
            }
            #[cfg(unix)]
            {
                let l = tokio::net::UnixListener::bind(path).map_err(listen)?;
                eprintln!("gobrpc serve: listening on unix:{path}");
                return server.serve_unix(l).await.map_err(accept);
            }
            #[cfg(not(unix))]
            return Err(Failure::input(
                "unix:PATH: Unix sockets are not supported here",
            ));
        }
        let l = tokio::net::TcpListener::bind(addr).await.map_err(listen)?;
        let bound = l.local_addr().map_err(listen)?;
        eprintln!("gobrpc serve: listening on {bound}");
        if a.http {
            server.serve_http(l, HttpPaths::default()).await
        } else {
            server.serve(l).await
        }
        .map_err(accept)
    })
}
