//! The one error type of the gob codec.

use std::borrow::Cow;
use std::fmt;

/// A `Result` whose error is a gob [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong while encoding or decoding gob data.
///
/// Messages follow Go's `encoding/gob` wording where Go has one (so a log line from Rust reads
/// like the same failure in Go), and carry the byte offset in the stream where it is known.
/// Use [`Error::category`] to branch on the kind of failure.
pub struct Error(Box<ErrorImpl>);

struct ErrorImpl {
    category: Category,
    /// Static for fixed texts (no allocation beyond the box), owned for formatted ones.
    message: Cow<'static, str>,
    offset: Option<u64>,
    source: Option<std::io::Error>,
}

/// The coarse kind of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// The stream ended cleanly before any byte of a new value (Go's `io.EOF`).
    Eof,
    /// The stream ended in the middle of a value or of a message (Go's `io.ErrUnexpectedEOF`).
    UnexpectedEof,
    /// The bytes are not a valid gob stream.
    Corrupt,
    /// The stream is valid gob but does not fit the Rust type asked for.
    Type,
    /// A configured limit (message size, nesting depth, type definitions, …) was exceeded.
    Limit,
    /// The value cannot be encoded (for example a type Go refuses to send).
    Encode,
    /// Reading or writing the underlying stream failed.
    Io,
    /// A message produced by a `Serialize`/`Deserialize` implementation.
    Custom,
}

impl Error {
    pub(crate) fn new(category: Category, message: impl Into<Cow<'static, str>>) -> Self {
        Error(Box::new(ErrorImpl {
            category,
            message: message.into(),
            offset: None,
            source: None,
        }))
    }

    pub(crate) fn corrupt(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Category::Corrupt, message)
    }

    pub(crate) fn type_mismatch(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Category::Type, message)
    }

    pub(crate) fn limit(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Category::Limit, message)
    }

    pub(crate) fn encode(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Category::Encode, message)
    }

    pub(crate) fn eof() -> Self {
        Self::new(Category::Eof, "EOF")
    }

    pub(crate) fn unexpected_eof() -> Self {
        Self::new(Category::UnexpectedEof, "unexpected EOF")
    }

    pub(crate) fn io(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::UnexpectedEof {
            return Self::unexpected_eof();
        }
        Error(Box::new(ErrorImpl {
            category: Category::Io,
            message: err.to_string().into(),
            offset: None,
            source: Some(err),
        }))
    }

    /// Attaches a byte offset unless one is already known (the innermost position wins).
    pub(crate) fn at(mut self, offset: u64) -> Self {
        if self.0.offset.is_none() && !matches!(self.0.category, Category::Io | Category::Eof) {
            self.0.offset = Some(offset);
        }
        self
    }

    /// The kind of failure.
    pub fn category(&self) -> Category {
        self.0.category
    }

    /// The byte offset in the stream at which the failure was detected, when known.
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// The message without the offset suffix (Go's text where Go has one).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// True for a clean end of stream before any byte of a new value.
    pub fn is_eof(&self) -> bool {
        self.0.category == Category::Eof
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        if let Some(offset) = self.0.offset {
            write!(f, " at byte offset {offset}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?}", self.0.category, self.0.message)?;
        if let Some(offset) = self.0.offset {
            write!(f, ", offset {offset}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::io(err)
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(Category::Custom, msg.to_string())
    }

    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        crate::de::invalid_type(unexp, exp)
    }
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(Category::Custom, msg.to_string())
    }
}
