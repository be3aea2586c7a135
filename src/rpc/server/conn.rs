//! Serving one connection: one reader decodes requests in order and starts each call; each
//! call encodes its reply when it completes, under the connection's one encoder, so replies
//! go out whole and in completion order (Go's `ServeCodec`).
//!
//! The reader polls each call once itself. A call that completes then (most do: a handler
//! with nothing to wait for) costs no task and no wake-up, and its reply is held until the
//! reader has nothing left to decode: the replies to one read's requests go out in one
//! write, as a pipelining client's requests came in. A call that waits becomes its own task
//! and sends its reply when it completes.

use super::codec::{Request, RequestDecoder};
use super::context::{ConnInfo, Context, Peer};
use super::header::ResponseHeader;
use super::invalid::InvalidRequest;
use super::panic::CatchUnwind;
use super::service::{EncodeReply, Outcome};
use super::Inner;
use crate::rpc::writer::{no_wake, Queue, Requests};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use tracing::Instrument;

/// The reply half of a connection, shared by its calls.
struct Replies {
    out: Requests,
    /// Calls started and not yet answered.
    in_flight: AtomicUsize,
}

impl Replies {
    /// Waits while `max_write_buffer` bytes of replies wait for a client that does not
    /// read: the waiting calls hold their permits, so the connection stops being read and
    /// memory stays bounded. False once the connection is gone (nobody to answer).
    async fn room(&self) -> bool {
        self.out.wait_for_room(None).await.is_ok()
    }

    /// Encodes one reply (`reply`, or an error reply with Go's `struct{}` body) and sends
    /// it; with `hold`, leaves it queued for [`flush`](Self::flush), so that the replies of
    /// the calls answered in one pass of the reader go out in one write.
    fn send(
        &self,
        seq: u64,
        service_method: &str,
        reply: Result<&dyn EncodeReply, &str>,
        hold: bool,
    ) {
        let mut q = self.out.lock();
        if q.closed {
            return; // the connection is gone: nobody to answer
        }
        let was_empty = q.out.is_empty();
        let Queue { enc, out, .. } = &mut *q;
        let encoded = match reply {
            Ok(reply) => {
                let header = ResponseHeader {
                    service_method,
                    seq,
                    error: "",
                };
                reply.encode(enc, &header, out).map_err(|e| {
                    // Go's server closes the connection here ("gob error encoding body");
                    // answering with the error keeps the connection and tells the caller.
                    tracing::error!(method = service_method, seq, error = %e, "rpc: gob error encoding body");
                    e.to_string()
                })
            }
            Err(text) => Err(text.to_string()),
        };
        if let Err(text) = encoded {
            let header = ResponseHeader {
                service_method,
                seq,
                error: &text,
            };
            if let Err(e) = enc.encode_pair(&header, &(), out) {
                tracing::error!(error = %e, "rpc: gob error encoding response");
                return;
            }
        }
        if hold {
            return;
        }
        let alone = self.in_flight.load(Ordering::Relaxed) <= 1;
        if let Err(e) = self.out.submit(q, was_empty, alone) {
            tracing::debug!(error = %e, "rpc: writing response");
            self.out.close();
        }
    }

    /// Sends the replies held by [`send`](Self::send): written now if the stream is idle
    /// (what it does not take at once goes to the writer task), else left to the writer
    /// task, which is writing and sends them next.
    fn flush(&self) {
        let q = self.out.lock();
        if q.out.is_empty() || q.closed {
            return; // nothing held, or the writer task sends what is left before it closes
        }
        if let Err(e) = self.out.submit(q, true, true) {
            tracing::debug!(error = %e, "rpc: writing response");
            self.out.close();
        }
    }

    /// Waits for room for a reply, held replies flushed first: false once the connection
    /// is gone, None if `abort` fires first.
    async fn room_flushed(&self, abort: Pin<&mut impl Future<Output = ()>>) -> Option<bool> {
        match self.out.has_room() {
            Ok(true) => Some(true),
            Ok(false) => {
                self.flush();
                tokio::select! {
                    room = self.room() => Some(room),
                    _ = abort => None,
                }
            }
            Err(_) => Some(false),
        }
    }
}

/// What a call ended with, logged, and answered.
fn answer(
    replies: &Replies,
    seq: u64,
    service_method: &str,
    outcome: &Result<Outcome, String>,
    started: Option<std::time::Instant>,
    hold: bool,
) {
    let result = match outcome {
        Ok(Ok(reply)) => Ok(&**reply),
        Ok(Err(text)) => Err(text.as_str()),
        Err(panic) => {
            tracing::error!(panic = %panic, "rpc: handler panicked");
            Err(panic.as_str())
        }
    };
    if let Some(started) = started {
        let outcome = match outcome {
            Ok(Ok(_)) => "ok",
            Ok(Err(_)) => "error",
            Err(_) => "panicked",
        };
        tracing::debug!(
            duration_us = started.elapsed().as_micros() as u64,
            outcome,
            error = result.err(),
            "rpc: call done"
        );
    }
    replies.send(seq, service_method, result, hold);
}

/// Serves `stream` until the peer stops sending requests (or the server shuts down), then
/// finishes the calls in flight, sends their replies and closes.
pub(crate) async fn serve<S>(inner: Arc<Inner>, stream: S, peer: Peer)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    use futures_core::Stream;
    let (read, write) = tokio::io::split(stream);
    let config = &inner.config;
    let replies = Arc::new(Replies {
        out: Requests::new(Box::pin(write), config.max_write_buffer),
        in_flight: AtomicUsize::new(0),
    });
    let writer = {
        let replies = replies.clone();
        tokio::spawn(async move {
            if let Err(e) = replies.out.run().await {
                tracing::debug!(error = %e, "rpc: writing response");
                replies.out.close();
            }
        })
    };
    let conn = Arc::new(ConnInfo {
        peer,
        connection: Default::default(),
    });
    let max_calls = config.max_calls_per_connection;
    let calls = Arc::new(Semaphore::new(max_calls));
    let decoder = RequestDecoder::new(inner.registry.clone(), config.limits, conn.clone())
        .keep_invalid_args(inner.on_invalid.is_some());
    let mut frames = tokio_util::codec::FramedRead::new(read, decoder);
    // Created once, polled only when the reader has to wait.
    let stop_reading = inner.stop_reading.cancelled();
    let abort = inner.abort.cancelled();
    tokio::pin!(stop_reading, abort);
    loop {
        if inner.stop_reading.is_cancelled() {
            break; // checked first: a client that never stops sending is still stopped
        }
        // Back-pressure: with `max_calls` calls running as tasks, the next request is not
        // read. Only this reader takes permits (for a call that becomes a task), so once one
        // is free it stays free until then: a call answered here takes none.
        if calls.available_permits() == 0 {
            replies.flush();
            tokio::select! {
                p = calls.acquire() => drop(p.expect("never closed")),
                _ = &mut stop_reading => break,
            }
        }
        // The replies of the calls answered since the last read go out in one write, just
        // before the reader waits for more requests.
        let next = std::future::poll_fn(|cx| {
            if let Poll::Ready(next) = Pin::new(&mut frames).poll_next(cx) {
                return Poll::Ready(Some(next));
            }
            replies.flush();
            match stop_reading.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        let Some(next) = next else { break };
        match next {
            Some(Ok(Request::Call {
                seq,
                service_method,
                run,
            })) => {
                let span = tracing::debug_span!(
                    "rpc.serve",
                    method = &*service_method,
                    seq,
                    peer = %conn.peer,
                );
                let started = (!span.is_disabled()).then(std::time::Instant::now);
                let mut fut = CatchUnwind::new(run);
                // Polled once here: a handler that completes at once is answered without a
                // task of its own, its reply held for the write of this pass. One that waits
                // runs on as its own task (polled again there, with that task's waker).
                let first = span.in_scope(|| {
                    Pin::new(&mut fut).poll(&mut std::task::Context::from_waker(no_wake()))
                });
                if let Poll::Ready(outcome) = first {
                    let Some(room) = replies.room_flushed(abort.as_mut()).await else {
                        break;
                    };
                    if room {
                        span.in_scope(|| {
                            answer(&replies, seq, &service_method, &outcome, started, true)
                        });
                    }
                    continue;
                }
                // Free since before the read (only this reader takes permits).
                let permit = match calls.clone().try_acquire_owned() {
                    Ok(p) => p,
                    Err(_) => calls.clone().acquire_owned().await.expect("never closed"),
                };
                replies.in_flight.fetch_add(1, Ordering::Relaxed);
                let replies = replies.clone();
                let abort = inner.abort.clone();
                tokio::spawn(
                    async move {
                        let outcome = tokio::select! {
                            outcome = fut => outcome,
                            _ = abort.cancelled() => return,
                        };
                        if replies.room().await {
                            answer(&replies, seq, &service_method, &outcome, started, false);
                        }
                        replies.in_flight.fetch_sub(1, Ordering::Relaxed);
                        drop(permit);
                    }
                    .instrument(span),
                );
            }
            Some(Ok(Request::Invalid {
                seq,
                service_method,
                error,
                args,
            })) => {
                tracing::debug!(
                    method = &*service_method,
                    seq,
                    error,
                    "rpc: invalid request"
                );
                let (service_method, error) = match &inner.on_invalid {
                    Some(hook) => {
                        let context = Context {
                            inner: conn.clone(),
                            seq,
                            service_method,
                        };
                        let request = InvalidRequest {
                            context,
                            args,
                            error,
                        };
                        hook(&request);
                        (request.context.service_method, request.error)
                    }
                    None => (service_method, error),
                };
                let Some(room) = replies.room_flushed(abort.as_mut()).await else {
                    break;
                };
                if room {
                    replies.send(seq, &service_method, Err(&error), true);
                }
            }
            Some(Err(e)) => {
                tracing::debug!(peer = %conn.peer, error = e.0, "rpc: connection ends");
                break;
            }
            None => break,
        }
    }
    // No more requests: the calls in flight finish and are answered before the close,
    // unless the server's drain deadline passes first (then what is left is dropped).
    drop(frames);
    let mut writer = writer;
    tokio::select! {
        _ = calls.acquire_many(max_calls as u32) => {
            replies.out.close();
            tokio::select! {
                _ = &mut writer => return,
                _ = inner.abort.cancelled() => {}
            }
        }
        _ = inner.abort.cancelled() => {}
    }
    replies.out.close();
    writer.abort();
}
