//! `gobrpc tap`: the library's tap (`gobrpc::tap`) between Go clients and a Go server, one
//! line per call on stdout (for people, or JSON with `--json`).

use crate::exit::{Failure, Result};
use gobrpc::tap::{Addr, Event, Listener, Tap};
use std::io::Write;

pub fn run(listen: &str, upstream: &str, json: bool, http: bool) -> Result<()> {
    let rt = current_thread()?;
    // A current-thread runtime per core, each on its own thread, serving connections in
    // turn: a connection's two directions and their wake-ups stay on one thread.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut shards = Vec::with_capacity(cores);
    for i in 0..cores {
        let shard = current_thread()?;
        shards.push(shard.handle().clone());
        std::thread::Builder::new()
            .name(format!("tap-{i}"))
            .spawn(move || shard.block_on(std::future::pending::<()>()))
            .map_err(|e| Failure::connection(format!("starting a thread: {e}")))?;
    }
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
        let tap = Tap::new(upstream, move |event| print(&event, json))
            .flush(flush)
            .http(http)
            .runtimes(shards);
        tap.serve(listener)
            .await
            .map_err(|e| Failure::connection(format!("accept: {e}")))
    })
}

fn current_thread() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::connection(format!("starting the runtime: {e}")))
}

thread_local! {
    /// This thread's lines not yet written: a burst of events, written at its end.
    static PENDING: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One line per event, kept until the end of its burst (the events of one read).
fn print(event: &Event, json: bool) {
    let line = if json {
        event.to_json_line()
    } else {
        event.to_string()
    };
    PENDING.with_borrow_mut(|p| {
        p.extend_from_slice(line.as_bytes());
        p.push(b'\n');
    });
}

/// Writes the burst's lines whole and flushed, in one write (lines from many connections
/// never mix).
fn flush() {
    PENDING.with_borrow_mut(|p| {
        if p.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        let r = out.write_all(p).and_then(|()| out.flush());
        p.clear();
        if p.capacity() > 1 << 20 {
            // A burst of large values: do not keep their room for good.
            *p = Vec::new();
        }
        if let Err(e) = r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    });
}
