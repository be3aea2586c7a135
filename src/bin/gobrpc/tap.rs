//! `gobrpc tap`: the library's tap (`gobrpc::tap`) between Go clients and a Go server, one
//! line per call on stdout (for people, or JSON with `--json`).

use crate::exit::{Failure, Result};
use gobrpc::tap::{Addr, Event, Listener, Tap};
use std::io::Write;

pub fn run(listen: &str, upstream: &str, json: bool, http: bool) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::connection(format!("starting the runtime: {e}")))?;
    rt.block_on(async {
        let listen = Addr::parse(listen);
        let listener = Listener::bind(&listen)
            .await
            .map_err(|e| Failure::connection(format!("listen {listen}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Failure::connection(format!("listen {listen}: {e}")))?;
        let upstream = Addr::parse(upstream);
        eprintln!("gobrpc tap: listening on {bound}, forwarding to {upstream}");
        let tap = Tap::new(upstream, move |event| print(&event, json)).http(http);
        tap.serve(listener)
            .await
            .map_err(|e| Failure::connection(format!("accept: {e}")))
    })
}

/// One line per event, written whole and flushed (lines from many connections never mix).
fn print(event: &Event, json: bool) {
    let line = if json {
        event.to_json_line()
    } else {
        event.to_string()
    };
    let mut out = std::io::stdout().lock();
    let r = writeln!(out, "{line}").and_then(|()| out.flush());
    if let Err(e) = r {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}
