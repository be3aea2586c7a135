//! Large `[]byte` replies (`Echo.Fill`) into `gobrpc::types::Bytes`: correct bytes, shared
//! with the read buffer instead of copied, on a connection that other calls share.

use super::*;
use common::mem::{mib, peak_rss_bytes};
use gobrpc::rpc::ClientBuilder;
use gobrpc::types::Bytes;

/// What `Echo.Fill(n)` sends (go-interop/SERVER.md): `b[i] = byte(uint32(i)*2654435761>>24)`.
fn fill_pattern(n: usize) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

fn big_client() -> ClientBuilder {
    Client::builder().limits(gobrpc::Limits::default().max_message(80 << 20))
}

#[tokio::test]
async fn fill_sizes() {
    with_client(30, |client| async move {
        for n in [0usize, 1, 1023, 1024, 300 << 10, 3 << 20] {
            let b: Bytes = call_ok(&client, "Echo.Fill", &(n as i64)).await;
            assert_eq!(b.len(), n, "Echo.Fill({n})");
            assert!(b[..] == fill_pattern(n)[..], "Echo.Fill({n}) bytes");
        }
        call_fails::<_, Bytes>(&client, "Echo.Fill", &-1i64, "Echo.Fill: size out of range").await;
        add(&client, 2, 3).await;
    })
    .await
}

#[tokio::test]
async fn fill_concurrent_with_small_calls() {
    with_client(60, |client| async move {
        let sizes = [2 << 20, 700 << 10, 5 << 20, 1 << 20];
        let mut large = Vec::new();
        for &n in &sizes {
            large.push(client.go::<_, Bytes>("Echo.Fill", &(n as i64)));
        }
        let mut small = Vec::new();
        for i in 0..64 {
            small.push(client.go::<_, Reply>("Arith.Add", &args(i, 1)));
        }
        for (call, &n) in large.into_iter().zip(&sizes) {
            let b = call.await.unwrap();
            assert!(b[..] == fill_pattern(n)[..], "Echo.Fill({n})");
        }
        for (i, call) in small.into_iter().enumerate() {
            assert_eq!(call.await.unwrap().c, i as i64 + 1);
        }
        // The stream is still in sync, for large and small calls.
        let b: Bytes = call_ok(&client, "Echo.Fill", &(1i64 << 20)).await;
        assert!(b[..] == fill_pattern(1 << 20)[..]);
        add(&client, 40, 2).await;
    })
    .await
}

/// The client holds a 64 MiB reply in about 64 MiB: the `Bytes` is a view of the frame it
/// arrived in, not a second copy. (nextest runs each test in its own process, so the
/// process's peak RSS is this test's.)
#[tokio::test]
async fn fill_64mib_is_not_copied() {
    timed(60, async {
        let srv = GoServer::tcp();
        let client = big_client().dial(srv.tcp_addr()).await.unwrap();
        add(&client, 1, 1).await;
        let n = 64usize << 20;
        let want = fill_pattern(n);
        let before = peak_rss_bytes().max(common::mem::rss_bytes());
        let b: Bytes = client.call("Echo.Fill", &(n as i64)).await.unwrap();
        let grew = peak_rss_bytes().saturating_sub(before);
        assert!(b[..] == want[..], "Echo.Fill(64 MiB) bytes");
        // A copy would need 128 MiB at its peak.
        assert!(
            grew < 96 << 20,
            "peak RSS grew by {:.1} MiB for a 64 MiB reply",
            mib(grew)
        );
        drop(b);
        add(&client, 2, 2).await;
    })
    .await
}
