//! A client stream that takes few bytes per write and is often not ready (a congested
//! socket, a TLS layer, a slow pipe). Requests written by the caller itself (a lone call)
//! and by the writer task must still reach the server whole and in sequence order, and
//! every call must get its own reply.

use super::*;
use common::peer::Peer;
use common::rpc::timed;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Passes reads through; every third write and every other flush is "not ready" (waking
/// at once), and a write takes at most 7 bytes. (So over successive calls, a caller's own
/// write is refused at once, after part of its request, or not at all.)
struct Stingy {
    inner: TcpStream,
    /// Write attempts so far (shared with the test).
    writes: Arc<AtomicU64>,
    flushes: u64,
}

impl AsyncRead for Stingy {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stingy {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let attempt = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if attempt % 3 == 1 {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let n = buf.len().min(7);
        Pin::new(&mut self.inner).poll_write(cx, &buf[..n])
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.flushes += 1;
        if self.flushes % 2 == 1 {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn stingy_pair() -> (Client, Peer, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (stream, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
    let writes = Arc::new(AtomicU64::new(0));
    let client = Client::new(Stingy {
        inner: stream.expect("connect"),
        writes: writes.clone(),
        flushes: 0,
    });
    (client, Peer::new(accepted.expect("accept").0), writes)
}

/// One call at a time (each request written by its caller as far as the stream lets it, the
/// rest by the writer task), then bursts of concurrent calls answered in reverse order.
#[tokio::test]
async fn requests_stay_whole_and_ordered_on_a_stingy_stream() {
    timed(30, async {
        let (client, mut peer, writes) = stingy_pair().await;
        for i in 0..20u64 {
            let name = format!("caller {i} {}", "x".repeat(i as usize * 5));
            let before = writes.load(Ordering::SeqCst);
            let call = client.go::<_, String>("HelloService.Hello", &name);
            // A lone call tries the stream itself before `go` returns (as Go's client
            // writes in the caller), whatever the stream then takes.
            assert!(
                writes.load(Ordering::SeqCst) > before,
                "call {i}: go() returned without trying to write"
            );
            let req = peer.read_request::<String>().await.expect("a request");
            assert_eq!(
                (req.method.as_str(), req.seq, req.args.as_str()),
                ("HelloService.Hello", i, name.as_str())
            );
            peer.reply("HelloService.Hello", req.seq, &format!("hello, {name}"))
                .await;
            assert_eq!(call.await.unwrap(), format!("hello, {name}"));
        }
        for round in 0..3u64 {
            let calls: Vec<_> = (0..30u64)
                .map(|i| client.go::<_, String>("HelloService.Hello", &format!("{round}.{i}")))
                .collect();
            let reqs = peer.read_requests::<String>(30).await;
            for (i, req) in reqs.iter().enumerate() {
                assert_eq!(
                    req.seq,
                    calls[i].seq().unwrap(),
                    "requests arrive in seq order"
                );
                assert_eq!(req.args, format!("{round}.{i}"));
            }
            for req in reqs.iter().rev() {
                peer.reply(
                    "HelloService.Hello",
                    req.seq,
                    &format!("hello, {}", req.args),
                )
                .await;
            }
            for (i, call) in calls.into_iter().enumerate() {
                assert_eq!(call.await.unwrap(), format!("hello, {round}.{i}"));
            }
        }
        assert_eq!(client.pending(), 0);
        // close() still half-closes after the last write.
        client.close().await;
        peer.expect_eof().await;
    })
    .await
}
