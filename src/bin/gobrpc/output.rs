//! Buffered stdout, one line at a time; a closed pipe (`| head`) ends the program quietly.

use crate::exit::{Failure, Result};
use std::io::{BufWriter, Stdout, Write};

pub struct Out {
    w: BufWriter<Stdout>,
}

impl Out {
    pub fn new() -> Self {
        Out {
            w: BufWriter::new(std::io::stdout()),
        }
    }

    /// Writes `s` and a newline.
    pub fn line(&mut self, s: &str) -> Result<()> {
        let r = self
            .w
            .write_all(s.as_bytes())
            .and_then(|()| self.w.write_all(b"\n"));
        r.map_err(write_error)
    }

    /// Writes raw bytes.
    pub fn bytes(&mut self, b: &[u8]) -> Result<()> {
        self.w.write_all(b).map_err(write_error)
    }

    /// Flushes everything written.
    pub fn finish(&mut self) -> Result<()> {
        self.w.flush().map_err(write_error)
    }
}

fn write_error(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    Failure::input(format!("writing stdout: {e}"))
}
