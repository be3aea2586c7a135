//! The plugin's stderr: every line goes to the configured sink and becomes a `tracing`
//! event, as go-plugin's `logStderr` turns it into an hclog entry.
//!
//! - hclog JSON (`{"@level":"info","@message":"…", …}`): an event at that level whose
//!   message is the entry's message; its other keys go into the `fields` field
//!   (`key=value …`) and its timestamp into `timestamp`;
//! - a text line starting `[TRACE]`, `[DEBUG]`, `[INFO]`, `[WARN]` or `[ERROR]`: an event
//!   at that level, the line as its message;
//! - anything else (JSON without a known level included): a debug event with the line as
//!   it is.
//!
//! Events have target `gobrpc::plugin::stderr` and a `plugin` field (the binary's name).

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};

/// How much of the end of stderr is kept for an early-exit error.
const TAIL: usize = 16 * 1024;
/// go-plugin's `stdErrBufferSize`: longer lines come in pieces.
const LINE: usize = 64 * 1024;

/// A log level from a plugin's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// What one stderr line becomes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogLine {
    pub(crate) level: Level,
    pub(crate) message: String,
    /// `key=value` pairs of an hclog entry, sorted by key.
    pub(crate) fields: String,
    pub(crate) timestamp: Option<String>,
}

/// Classifies a complete line as go-plugin does.
pub(crate) fn classify(line: &str) -> LogLine {
    if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str::<serde_json::Value>(line)
    {
        let level = match map.get("@level").and_then(|v| v.as_str()) {
            Some("trace") => Some(Level::Trace),
            Some("debug") => Some(Level::Debug),
            Some("info") => Some(Level::Info),
            Some("warn") => Some(Level::Warn),
            Some("error") => Some(Level::Error),
            _ => None,
        };
        if let Some(level) = level {
            let message = match map.remove("@message") {
                Some(serde_json::Value::String(s)) => s,
                Some(v) => v.to_string(),
                None => String::new(),
            };
            map.remove("@level");
            let timestamp = match map.remove("@timestamp") {
                Some(serde_json::Value::String(s)) => Some(s),
                _ => None,
            };
            let mut kv: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            kv.sort_by(|a, b| a.0.cmp(&b.0));
            let fields = kv
                .iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}={s}"),
                    v => format!("{k}={v}"),
                })
                .collect::<Vec<_>>()
                .join(" ");
            return LogLine {
                level,
                message,
                fields,
                timestamp,
            };
        }
    }
    let level = [
        ("[TRACE]", Level::Trace),
        ("[DEBUG]", Level::Debug),
        ("[INFO]", Level::Info),
        ("[WARN]", Level::Warn),
        ("[ERROR]", Level::Error),
    ]
    .iter()
    .find(|(p, _)| line.starts_with(p))
    .map_or(Level::Debug, |(_, l)| *l);
    LogLine {
        level,
        message: line.to_string(),
        fields: String::new(),
        timestamp: None,
    }
}

fn emit(plugin: &str, l: &LogLine) {
    let ts = l.timestamp.as_deref().unwrap_or("");
    macro_rules! ev {
        ($lvl:ident) => {
            tracing::$lvl!(target: "gobrpc::plugin::stderr", plugin, fields = %l.fields, timestamp = ts, "{}", l.message)
        };
    }
    match l.level {
        Level::Trace => ev!(trace),
        Level::Debug => ev!(debug),
        Level::Info => ev!(info),
        Level::Warn => ev!(warn),
        Level::Error => ev!(error),
    }
}

/// The sink for the plugin's raw stderr (go-plugin's `ClientConfig.Stderr`).
pub(crate) type Sink = Box<dyn Write + Send>;

/// The last bytes of stderr, kept for the "exited before we could connect" error.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tail(Arc<Mutex<VecDeque<u8>>>);

impl Tail {
    fn push(&self, b: &[u8]) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        t.extend(b);
        let extra = t.len().saturating_sub(TAIL);
        t.drain(..extra);
    }

    pub(crate) fn text(&self) -> String {
        let t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&t.iter().copied().collect::<Vec<u8>>()).into_owned()
    }
}

/// Reads stderr to its end: every line to `sink`, to `tail` and to `tracing`.
pub(crate) async fn drain<R: AsyncRead + Unpin>(
    plugin: String,
    r: R,
    mut sink: Option<Sink>,
    tail: Tail,
) {
    let mut r = BufReader::with_capacity(LINE, r);
    let mut line = Vec::new();
    let mut continuation = false;
    loop {
        line.clear();
        let n = match (&mut r)
            .take(LINE as u64)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(target: "gobrpc::plugin::stderr", plugin, error = %e, "reading plugin stderr");
                return;
            }
        };
        if n == 0 {
            return;
        }
        let complete = line.last() == Some(&b'\n');
        if let Some(s) = sink.as_mut() {
            // A failing sink is dropped: stderr is still drained.
            if s.write_all(&line).is_err() {
                sink = None;
            }
        }
        tail.push(&line);
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if continuation || !complete {
            // Part of a line longer than the buffer: passed on as it is.
            emit(
                &plugin,
                &LogLine {
                    level: Level::Debug,
                    message: text.to_string(),
                    fields: String::new(),
                    timestamp: None,
                },
            );
            continuation = !complete;
            continue;
        }
        emit(&plugin, &classify(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hclog_json_entry() {
        // An hclog JSON line as go-plugin's test plugin writes it for PrintKV("foo", "bar").
        let l = classify(
            r#"{"@level":"info","@message":"PrintKV called","@timestamp":"2024-01-02T03:04:05.000000Z","foo":"bar","n":12}"#,
        );
        assert_eq!(l.level, Level::Info);
        assert_eq!(l.message, "PrintKV called");
        assert_eq!(l.fields, "foo=bar n=12");
        assert_eq!(l.timestamp.as_deref(), Some("2024-01-02T03:04:05.000000Z"));
    }

    #[test]
    fn text_prefixes_and_plain_lines() {
        assert_eq!(classify("[WARN] test line 98765").level, Level::Warn);
        assert_eq!(classify("[ERROR] x").level, Level::Error);
        // JSON that is not an hclog entry passes through verbatim at debug.
        for raw in ["[\"HELLO\"]", "12345", "{\"a\":1}", "HELLO"] {
            let l = classify(raw);
            assert_eq!((l.level, l.message.as_str()), (Level::Debug, raw));
        }
    }

    #[tokio::test]
    async fn long_lines_reach_the_sink_whole() {
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let long = "y".repeat(LINE * 2 + 5);
        let input = format!("short\n{long}\n{{\"@level\":\"debug\"}}\nend\n");
        let buf = Buf::default();
        let tail = Tail::default();
        drain(
            "p".into(),
            input.as_bytes(),
            Some(Box::new(buf.clone())),
            tail.clone(),
        )
        .await;
        assert_eq!(
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
            input
        );
        assert!(tail.text().ends_with("end\n"));
        assert_eq!(tail.text().len(), TAIL);
    }
}
