//! The tool's errors: one line of text and the exit code of its class.

use std::fmt;

/// Exit code: the server answered the call with an error.
pub const SERVER: i32 = 1;
/// Exit code: bad usage or bad input (JSON, declarations, gob bytes, values).
pub const INPUT: i32 = 2;
/// Exit code: the connection failed, or the peer broke the protocol.
pub const CONNECTION: i32 = 3;

/// A failure with its exit code. The message is printed as one line.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A usage or input error (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(INPUT, message)
    }

    /// A connection or protocol error (exit code 3).
    pub fn connection(message: impl Into<String>) -> Self {
        Self::new(CONNECTION, message)
    }

    /// The server's error text (exit code 1).
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(SERVER, message)
    }

    /// The message on one line (newlines and other control characters become spaces).
    pub fn one_line(&self) -> String {
        let s: String = self
            .message
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        s.trim().to_string()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::input(e.to_string())
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;
