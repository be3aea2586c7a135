//! Opt-in busy polling: a call alone in flight polls for its reply for a bounded time
//! before its task parks.
//!
//! Why: on virtual machines, waking a thread parked in `epoll_wait` on an idle CPU costs
//! tens of microseconds, as much as a whole loopback round trip. Go's scheduler spins
//! briefly before it parks, so Go's client often catches its reply awake; tokio parks at
//! once. While it spins, the call's task yields to the runtime with
//! [`tokio::task::yield_now`], whose wake tokio defers until it has polled its I/O driver
//! without blocking: each turn polls the socket for readiness, and a reply that arrives
//! is read by the client's reader task on the same thread, with no wake-up of a parked
//! one. Other tasks keep running between turns.
//!
//! The spin is bounded by [`ClientConfig::busy_poll`](super::ClientConfig::busy_poll)
//! and runs only while the call is the only one in flight on its client: with several
//! in flight, replies arrive often enough that the runtime is rarely idle, and spinning
//! would only burn CPU. It works best on the current-thread runtime, where the spinning
//! thread owns the I/O driver; on the multi-thread runtime, a turn polls the driver only
//! when no other worker is parked on it.

use std::future::Future;
use std::pin::pin;
use std::task::Context;
use std::time::{Duration, Instant};

/// The spin state of one call.
#[derive(Debug)]
pub(crate) struct BusyPoll {
    budget: Duration,
    /// When the spin started (its first turn).
    started: Option<Instant>,
}

impl BusyPoll {
    pub(crate) fn new(budget: Duration) -> Self {
        BusyPoll {
            budget,
            started: None,
        }
    }

    /// Called when the reply is not there yet: true if the task has arranged to be polled
    /// again after the runtime's next non-blocking poll of its I/O driver (the caller
    /// returns `Pending`), false once the budget is spent or `alone` is false (the caller
    /// then drops this state and parks as usual).
    pub(crate) fn spin(&mut self, cx: &mut Context<'_>, alone: impl FnOnce() -> bool) -> bool {
        let now = Instant::now();
        let started = *self.started.get_or_insert(now);
        if now.duration_since(started) >= self.budget || !alone() {
            return false;
        }
        // The first poll of `yield_now` hands the waker to the runtime to wake after it
        // has polled its driver; dropping the future after that poll keeps that wake.
        let _ = pin!(tokio::task::yield_now()).poll(cx);
        true
    }
}
