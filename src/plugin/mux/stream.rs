//! One yamux stream: its receive buffer and windows, read and written as a tokio stream.

use super::frame::{FrameType, Header, FIN};
use super::session::{Out, Shared};
use bytes::{Buf, Bytes, BytesMut};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The largest data frame this side sends (Go's yamux sends what the window allows; smaller
/// frames keep one stream from holding the connection long).
const MAX_FRAME: usize = 64 * 1024;

/// A stream's state, shared by the [`Stream`] handle and the session's reader.
#[derive(Debug)]
pub(crate) struct StreamState {
    /// Bytes received and not yet read.
    pub(crate) recv: BytesMut,
    /// Bytes the peer may still send before our next window update.
    pub(crate) recv_window: u32,
    /// Bytes we may still send before the peer's next window update.
    pub(crate) send_window: u32,
    /// The peer sent FIN: reads end once `recv` is empty.
    pub(crate) read_closed: bool,
    /// We sent FIN.
    pub(crate) write_closed: bool,
    /// The peer reset the stream, or the session ended: why.
    pub(crate) error: Option<io::ErrorKind>,
    /// The session ended (reads end once `recv` is empty, writes fail).
    pub(crate) session_closed: bool,
    /// The peer acknowledged the stream (its ACK arrived), or the peer opened it.
    pub(crate) established: bool,
    pub(crate) read_waker: Option<Waker>,
    pub(crate) write_waker: Option<Waker>,
}

impl StreamState {
    pub(crate) fn new(window: u32, established: bool) -> StreamState {
        StreamState {
            recv: BytesMut::new(),
            recv_window: window,
            send_window: window,
            read_closed: false,
            write_closed: false,
            error: None,
            session_closed: false,
            established,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Wakes whoever waits to read or write.
    pub(crate) fn wake_all(&mut self) {
        if let Some(w) = self.read_waker.take() {
            w.wake();
        }
        if let Some(w) = self.write_waker.take() {
            w.wake();
        }
    }
}

/// The part of a stream the session keeps in its table.
#[derive(Debug)]
pub(crate) struct StreamShared {
    pub(crate) id: u32,
    pub(crate) state: Mutex<StreamState>,
}

impl StreamShared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, StreamState> {
        // A panic while holding this lock leaves plain data behind: keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A yamux stream: a byte stream multiplexed over the plugin connection (Go's
/// `*yamux.Stream`, a `net.Conn`).
///
/// Reading frees receive window, which is granted back to the peer; writing waits while the
/// peer's window is used up. [`shutdown`](tokio::io::AsyncWriteExt::shutdown) half-closes
/// (FIN); dropping the stream closes it.
pub struct Stream {
    shared: Arc<StreamShared>,
    session: Arc<Shared>,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("id", &self.shared.id)
            .finish()
    }
}

impl Stream {
    pub(crate) fn new(shared: Arc<StreamShared>, session: Arc<Shared>) -> Stream {
        Stream { shared, session }
    }

    /// The stream's id (odd for streams this side opened, even for the peer's).
    pub fn id(&self) -> u32 {
        self.shared.id
    }

    /// Marks the stream reset, so that dropping it sends nothing.
    pub(crate) fn mark_reset(&self) {
        self.shared.lock().error = Some(io::ErrorKind::ConnectionReset);
    }

    fn send(&self, header: Header, body: Bytes) -> bool {
        self.session.send(Out::Frame(header, body))
    }
}

fn closed_error(kind: io::ErrorKind) -> io::Error {
    let text = match kind {
        io::ErrorKind::ConnectionReset => "connection reset",
        io::ErrorKind::BrokenPipe => "stream closed",
        _ => "session shutdown",
    };
    io::Error::new(kind, text)
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let mut st = this.shared.lock();
        if !st.recv.is_empty() {
            let n = st.recv.len().min(buf.remaining());
            buf.put_slice(&st.recv[..n]);
            st.recv.advance(n);
            // Grant the window back once half of it is used, as Go's sendWindowUpdate does.
            let max = this.session.config.max_stream_window;
            let buffered = u32::try_from(st.recv.len()).unwrap_or(u32::MAX);
            let delta = max.saturating_sub(buffered).saturating_sub(st.recv_window);
            if delta >= max / 2 && !st.read_closed && st.error.is_none() {
                st.recv_window += delta;
                drop(st);
                let h = Header::new(FrameType::WindowUpdate, 0, this.shared.id, delta);
                this.send(h, Bytes::new());
            }
            return Poll::Ready(Ok(()));
        }
        if let Some(kind) = st.error {
            if kind == io::ErrorKind::ConnectionReset {
                return Poll::Ready(Err(closed_error(kind)));
            }
            return Poll::Ready(Ok(()));
        }
        if st.read_closed || st.session_closed {
            return Poll::Ready(Ok(()));
        }
        st.read_waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut st = this.shared.lock();
        if let Some(kind) = st.error {
            return Poll::Ready(Err(closed_error(kind)));
        }
        if st.session_closed {
            return Poll::Ready(Err(closed_error(io::ErrorKind::NotConnected)));
        }
        if st.write_closed {
            return Poll::Ready(Err(closed_error(io::ErrorKind::BrokenPipe)));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if st.send_window == 0 {
            st.write_waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let n = buf.len().min(st.send_window as usize).min(MAX_FRAME);
        st.send_window -= n as u32;
        drop(st);
        let h = Header::new(FrameType::Data, 0, this.shared.id, n as u32);
        if !this.send(h, Bytes::copy_from_slice(&buf[..n])) {
            return Poll::Ready(Err(closed_error(io::ErrorKind::NotConnected)));
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The session's writer flushes whenever its queue runs empty.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.close_write();
        Poll::Ready(Ok(()))
    }
}

impl Stream {
    /// Sends FIN once; forgets the stream when both directions are closed.
    fn close_write(&self) {
        let mut st = self.shared.lock();
        if st.write_closed || st.error.is_some() || st.session_closed {
            return;
        }
        st.write_closed = true;
        let done = st.read_closed;
        drop(st);
        self.send(
            Header::new(FrameType::WindowUpdate, FIN, self.shared.id, 0),
            Bytes::new(),
        );
        if done {
            self.session.forget(self.shared.id);
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.close_write();
        // Nothing reads this stream any more: later frames for it are discarded.
        self.session.forget(self.shared.id);
    }
}
