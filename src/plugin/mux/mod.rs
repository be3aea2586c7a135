//! A focused yamux client session on tokio, compatible with hashicorp/yamux (Debian's 2019
//! build that go-plugin 1.0 uses, and current upstream).
//!
//! go-plugin multiplexes every connection to a netrpc plugin with yamux: the host is the
//! yamux client and opens, in this order, the control stream (net/rpc `Control.*` and
//! `Dispenser.Dispense`), the plugin's stdout stream and its stderr stream; the plugin's
//! yamux server takes the first stream it accepts as control. Later streams are broker
//! streams, opened by either side.
//!
//! # Why not the `yamux` crate
//!
//! The `yamux` crate opens streams lazily: a stream's SYN goes out with its first write, and
//! the SYN of a stream opened later but written to first overtakes it. go-plugin then
//! takes the wrong stream as control, and the host hangs (10 runs out of 10 in the issue's
//! trial). Here [`Session::open`] queues the SYN before it returns, on the one queue every
//! frame goes through, so streams reach the peer in the order they were opened, and the
//! first bytes of a stream always follow its SYN.
//!
//! What else it does as hashicorp/yamux does: 256 KiB stream windows granted back once half
//! is read (window updates), data never sent beyond the peer's window, keepalive pings every
//! 30 s (a ping unanswered for 10 s closes the session), pings answered, streams the peer
//! opens acknowledged as soon as their SYN arrives (upstream yamux resets a stream whose ACK
//! is late), go-away honoured (no new streams) and sent on close, frames for forgotten
//! streams discarded, a peer exceeding its window or sending a bad header answered with
//! go-away (protocol error).
//!
//! The frame codec (`frame.rs`) is separate from the session's state (`session.rs`) and the
//! streams (`stream.rs`).

pub(crate) mod frame;
mod session;
mod stream;

pub use session::{MuxConfig, Session};
pub use stream::Stream;

#[cfg(test)]
pub(crate) mod tests;
