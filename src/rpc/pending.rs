//! The calls waiting for replies, keyed by sequence number.

use super::error::{Error, Result};
use crate::{DecoderState, TypedValue};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, oneshot, Notify};

/// A call waiting for its reply, with the reply type erased so that the reader task can
/// decode any call's reply.
pub(crate) trait Waiting: Send {
    /// Decodes the reply body from the front of `body`; `None` if more bytes are needed.
    fn decode(&mut self, st: &mut DecoderState, body: Body<'_>) -> crate::Result<Option<usize>>;
    /// Hands the outcome to whoever waits: the decoded reply if `outcome` is `Ok`.
    fn complete(self: Box<Self>, outcome: Result<()>);
}

/// One finished call delivered through a [`DoneReceiver`](super::DoneReceiver).
#[derive(Debug)]
#[non_exhaustive]
pub struct Completed<R> {
    /// The call's sequence number (what [`Client::go_done`](super::Client::go_done) returned).
    pub seq: u64,
    /// `Service.Method` of the call.
    pub method: String,
    /// The reply or the error.
    pub result: Result<R>,
}

pub(crate) enum Sink<R> {
    Oneshot(oneshot::Sender<Result<R>>),
    Done {
        tx: mpsc::UnboundedSender<Completed<R>>,
        seq: u64,
        method: String,
    },
}

pub(crate) struct Typed<R> {
    reply: Option<R>,
    sink: Sink<R>,
}

impl<R> Sink<R> {
    /// Hands `result` to whoever waits (a caller that went away no longer wants it).
    pub(crate) fn send(self, result: Result<R>) {
        match self {
            Sink::Oneshot(tx) => {
                let _ = tx.send(result);
            }
            Sink::Done { tx, seq, method } => {
                let _ = tx.send(Completed {
                    seq,
                    method,
                    result,
                });
            }
        }
    }
}

impl<R> Typed<R> {
    pub(crate) fn new(sink: Sink<R>) -> Self {
        Typed { reply: None, sink }
    }
}

/// The bytes a reply body is decoded from.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    /// Borrowed from the read buffer: every value is copied out.
    Borrowed(&'a [u8]),
    /// The frozen read buffer itself: reply [`Bytes`](crate::types::Bytes) values may keep
    /// views into it.
    Shared(&'a bytes::Bytes),
}

impl Body<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Body::Borrowed(b) => b,
            Body::Shared(b) => b,
        }
    }
}

/// How a reply type is decoded: through serde, or as a dynamic [`TypedValue`].
pub(crate) trait Reply: Sized + Send + 'static {
    fn decode_reply(st: &mut DecoderState, body: Body<'_>) -> crate::Result<Option<(Self, usize)>>;
}

impl<R: DeserializeOwned + Send + 'static> Reply for R {
    fn decode_reply(st: &mut DecoderState, body: Body<'_>) -> crate::Result<Option<(Self, usize)>> {
        match body {
            Body::Borrowed(b) => st.decode::<R>(b),
            Body::Shared(b) => st.decode_shared::<R>(b),
        }
    }
}

/// A reply decoded without a Rust type, keeping its Go types.
pub(crate) struct DynamicReply(pub(crate) TypedValue);

impl Reply for DynamicReply {
    fn decode_reply(st: &mut DecoderState, body: Body<'_>) -> crate::Result<Option<(Self, usize)>> {
        Ok(st
            .decode_value(body.bytes())?
            .map(|(v, n)| (DynamicReply(v), n)))
    }
}

impl<R: Reply> Waiting for Typed<R> {
    fn decode(&mut self, st: &mut DecoderState, body: Body<'_>) -> crate::Result<Option<usize>> {
        Ok(R::decode_reply(st, body)?.map(|(r, n)| {
            self.reply = Some(r);
            n
        }))
    }

    fn complete(self: Box<Self>, outcome: Result<()>) {
        let Typed { reply, sink } = *self;
        sink.send(outcome.and_then(|()| reply.ok_or(Error::Shutdown)));
    }
}

#[derive(Default)]
struct State {
    /// Keyed by our own sequence numbers (a peer only looks keys up), so the fast hasher
    /// is safe here.
    calls: crate::fxhash::FxHashMap<u64, Box<dyn Waiting>>,
    /// Set once the connection is dead: the error later calls get.
    dead: Option<Error>,
    /// The error that ended the connection ([`Client::closed`](super::Client::closed)).
    cause: Option<Error>,
}

/// The in-flight map. The lock is a std mutex: it is never held across an `.await`, only for
/// a map operation.
#[derive(Default)]
pub(crate) struct Pending {
    state: Mutex<State>,
    /// Signalled whenever the map becomes empty (graceful close waits for it).
    drained: Notify,
    /// Signalled when the connection dies.
    died: Notify,
    /// Busy-poll turns taken by this connection's calls (a diagnostic).
    spin_turns: std::sync::atomic::AtomicU64,
}

impl Pending {
    /// Counts one busy-poll turn.
    pub(crate) fn count_spin(&self) {
        self.spin_turns
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Busy-poll turns taken so far.
    pub(crate) fn spin_turns(&self) -> u64 {
        self.spin_turns.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a call; fails if the connection is already dead. Returns how many calls
    /// are now waiting.
    pub(crate) fn insert(&self, seq: u64, call: Box<dyn Waiting>) -> Result<usize> {
        let mut st = self.lock();
        if let Some(e) = &st.dead {
            return Err(e.clone());
        }
        st.calls.insert(seq, call);
        Ok(st.calls.len())
    }

    /// Removes and returns the call waiting for `seq`.
    pub(crate) fn take(&self, seq: u64) -> Option<Box<dyn Waiting>> {
        let mut st = self.lock();
        let call = st.calls.remove(&seq);
        if call.is_some() && st.calls.is_empty() {
            self.drained.notify_waiters();
        }
        call
    }

    /// Forgets a call whose caller went away (its reply will be read and discarded).
    /// Returns whether it was still waiting.
    pub(crate) fn cancel(&self, seq: u64) -> bool {
        // Drop the call outside the lock.
        self.take(seq).is_some()
    }

    /// Marks the connection dead and completes every waiting call with `err`.
    pub(crate) fn fail_all(&self, err: Error) {
        self.fail_from(err, u64::MAX);
    }

    /// Marks the connection dead and completes every waiting call with `err`; the calls
    /// numbered `unsent_from` and later were never written, and get [`Error::NotSent`].
    pub(crate) fn fail_from(&self, err: Error, unsent_from: u64) {
        let calls: Vec<_> = {
            let mut st = self.lock();
            // Calls made later see "connection is shut down", as in Go, whatever the cause.
            st.dead = Some(Error::Shutdown);
            st.cause.get_or_insert_with(|| err.clone());
            st.calls.drain().collect()
        };
        let not_sent = std::sync::Arc::new(err.clone());
        for (seq, c) in calls {
            c.complete(Err(if seq >= unsent_from {
                Error::NotSent(not_sent.clone())
            } else {
                err.clone()
            }));
        }
        self.drained.notify_waiters();
        self.died.notify_waiters();
    }

    /// Waits until the connection dies; returns the error that ended it.
    pub(crate) async fn closed(&self) -> Error {
        loop {
            let notified = self.died.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(e) = &self.lock().cause {
                return e.clone();
            }
            notified.await;
        }
    }

    /// The number of calls waiting.
    pub(crate) fn len(&self) -> usize {
        self.lock().calls.len()
    }

    /// Waits until no call is waiting.
    pub(crate) async fn wait_drained(&self) {
        loop {
            let notified = self.drained.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.len() == 0 {
                return;
            }
            notified.await;
        }
    }
}

pub(crate) type SharedPending = Arc<Pending>;
