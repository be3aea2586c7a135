//! The request half of a connection: the queue callers encode requests into, and who
//! writes it to the stream.
//!
//! Requests are encoded under one lock, in sequence order, into one buffer. A writer task
//! sends everything queued since its last write in one write, so concurrent callers share
//! writes. A caller whose call is the only one in flight writes its request itself, as Go's
//! client does for every call: nothing could join its write, and the hand-over to the
//! writer task is a large part of what a sequential call costs on the client.

use super::error::{Error, Result};
use crate::EncoderState;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use tokio::io::AsyncWrite;
use tokio::sync::Notify;

/// What callers and the writer share, under one lock.
pub(crate) struct Queue {
    pub(crate) enc: EncoderState,
    /// Encoded requests not yet handed to the stream.
    pub(crate) out: Vec<u8>,
    pub(crate) next_seq: u64,
    /// No new calls: closed by the user, or the connection died.
    pub(crate) closed: bool,
    /// Someone (the writer task or a caller) is writing to the stream: requests queued now
    /// must wait for it, to keep their order.
    writing: bool,
    /// A caller's write went out but its flush did not finish: the writer task flushes.
    unflushed: bool,
    /// The calls numbered below this were handed to the stream (all or part of their
    /// bytes); the later ones are still in `out` (what [`Requests::abandon`] tells).
    taken_upto: u64,
}

/// The request queue and the stream's write half.
pub(crate) struct Requests {
    queue: Mutex<Queue>,
    /// Wakes the writer task: requests were queued, or the client closed.
    wake: Notify,
    /// Signalled when the writer task has drained the queue (room for callers in `call`).
    room: Notify,
    /// Locked only inside one poll of the stream, never across an await. Ownership of the
    /// stream passes through [`Queue::writing`]; this lock only makes it shareable.
    stream: Mutex<Pin<Box<dyn AsyncWrite + Send>>>,
    max_buffer: usize,
}

/// A waker that does nothing: a caller's write never waits (when the stream is not ready,
/// the writer task takes over, and its own poll registers its real waker).
struct NoWake;

impl Wake for NoWake {
    fn wake(self: Arc<Self>) {}
}

/// A waker that does nothing, for a poll whose wake-up nobody waits for.
pub(crate) fn no_wake() -> &'static Waker {
    static NO_WAKE: OnceLock<Waker> = OnceLock::new();
    NO_WAKE.get_or_init(|| Waker::from(Arc::new(NoWake)))
}

impl Requests {
    pub(crate) fn new(stream: Pin<Box<dyn AsyncWrite + Send>>, max_buffer: usize) -> Self {
        Requests {
            queue: Mutex::new(Queue {
                enc: EncoderState::new(),
                out: Vec::new(),
                next_seq: 0,
                closed: false,
                writing: false,
                unflushed: false,
                taken_upto: 0,
            }),
            wake: Notify::new(),
            room: Notify::new(),
            stream: Mutex::new(stream),
            max_buffer,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn stream(&self) -> MutexGuard<'_, Pin<Box<dyn AsyncWrite + Send>>> {
        self.stream.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes no more calls; the writer task sends what is queued, then half-closes.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_one();
        self.room.notify_waiters();
    }

    /// The connection is dead: takes no more calls and drops the requests not yet handed
    /// to the stream. Returns the first call number whose request was dropped unsent (every
    /// later call's too: requests are queued in call order).
    pub(crate) fn abandon(&self) -> u64 {
        let mut q = self.lock();
        q.closed = true;
        q.out.clear();
        let unsent_from = q.taken_upto;
        drop(q);
        self.wake.notify_one();
        self.room.notify_waiters();
        unsent_from
    }

    /// True if the queue has room for another call.
    pub(crate) fn has_room(&self) -> Result<bool> {
        let q = self.lock();
        if q.closed {
            return Err(Error::Shutdown);
        }
        Ok(q.out.len() < self.max_buffer)
    }

    /// Waits until the queue has room (or the deadline passes, or the client shuts).
    /// Checks first without registering for a wake-up: the common case, and registering
    /// costs two trips through the `Notify`'s lock.
    pub(crate) async fn wait_for_room(&self, deadline: Option<tokio::time::Instant>) -> Result<()> {
        if self.has_room()? {
            return Ok(());
        }
        loop {
            let notified = self.room.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.has_room()? {
                return Ok(());
            }
            match deadline {
                Some(d) => {
                    if tokio::time::timeout_at(d, notified).await.is_err() {
                        return Err(Error::Timeout);
                    }
                }
                None => notified.await,
            }
        }
    }

    /// Sends a request a caller has just appended to `q.out`. `was_empty`: nothing was
    /// queued before it; `alone`: its call is the only one in flight. A lone request on an
    /// idle stream is written by the caller now; any other waits for the writer task.
    /// Returns the error of a failed write (the connection is then done).
    pub(crate) fn submit(
        &self,
        mut q: MutexGuard<'_, Queue>,
        was_empty: bool,
        alone: bool,
    ) -> io::Result<()> {
        if !(alone && was_empty && !q.writing) {
            drop(q);
            if was_empty {
                self.wake.notify_one();
            }
            return Ok(());
        }
        q.writing = true;
        q.taken_upto = q.next_seq;
        let mut buf = std::mem::take(&mut q.out);
        drop(q);
        let result = self.write_now(&buf);
        let mut q = self.lock();
        q.writing = false;
        let (written, flushed) = match result {
            Ok(w) => w,
            Err(e) => {
                drop(q);
                self.wake.notify_one();
                return Err(e);
            }
        };
        if written < buf.len() || !flushed {
            // The stream was not ready for all of it: the rest goes first, by the writer task.
            buf.drain(..written);
            buf.extend_from_slice(&q.out);
            q.out = buf;
            q.unflushed |= !flushed;
        } else if q.out.is_empty() {
            buf.clear();
            q.out = buf; // keeps its capacity
        }
        // Whatever was queued meanwhile, and a close, are the writer task's (it may have
        // looked while this write was going on).
        let wake = !q.out.is_empty() || q.unflushed || q.closed;
        drop(q);
        if wake {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// Writes as much of `buf` as the stream takes without waiting, then flushes if all of
    /// it went. Returns the bytes written and whether the flush finished.
    fn write_now(&self, buf: &[u8]) -> io::Result<(usize, bool)> {
        let mut written = 0;
        match self.poll_write_all(&mut Context::from_waker(no_wake()), buf, &mut written) {
            Poll::Ready(Ok(())) => Ok((written, true)),
            Poll::Ready(Err(e)) => Err(e),
            Poll::Pending => Ok((written, false)),
        }
    }

    /// Writes all of `buf` and flushes, waiting for the stream as needed.
    async fn write_all(&self, buf: &[u8]) -> io::Result<()> {
        let mut written = 0;
        std::future::poll_fn(|cx| self.poll_write_all(cx, buf, &mut written)).await
    }

    /// Writes `buf[*written..]` and flushes; `*written` counts the bytes taken so far.
    fn poll_write_all(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        written: &mut usize,
    ) -> Poll<io::Result<()>> {
        let mut stream = self.stream();
        while *written < buf.len() {
            match stream.as_mut().poll_write(cx, &buf[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        stream.as_mut().poll_flush(cx)
    }

    /// The writer task: sends what callers queue, one write per batch, until the client
    /// closes (then half-closes the stream: the server still answers the calls it has, and
    /// drops its write half) or a write fails (returned).
    pub(crate) async fn run(&self) -> io::Result<()> {
        let mut buf = Vec::new();
        loop {
            let (closed, flush) = {
                let mut q = self.lock();
                if q.writing {
                    // A caller is writing; it wakes this task if it leaves anything.
                    (false, false)
                } else {
                    std::mem::swap(&mut q.out, &mut buf);
                    if !buf.is_empty() {
                        q.taken_upto = q.next_seq;
                    }
                    let flush = std::mem::take(&mut q.unflushed);
                    q.writing = !buf.is_empty() || flush;
                    (q.closed, flush)
                }
            };
            if buf.is_empty() && !flush {
                if closed {
                    let _ =
                        std::future::poll_fn(|cx| self.stream().as_mut().poll_shutdown(cx)).await;
                    // Let go of the write half: the connection closes once the reader lets
                    // go of the read half too.
                    *self.stream() = Box::pin(tokio::io::sink());
                    return Ok(());
                }
                self.wake.notified().await;
                continue;
            }
            let result = self.write_all(&buf).await;
            self.lock().writing = false;
            result?;
            buf.clear();
            if buf.capacity() > 1 << 20 {
                buf = Vec::new();
            }
            self.room.notify_waiters();
        }
    }
}
