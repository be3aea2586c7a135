//! The session's state machine against scripted frames: the test plays the yamux server
//! and checks each frame the session writes, byte by byte as the yamux spec lays them out.

use super::frame::{FrameType, Header, ACK, FIN, HEADER_LEN, RST, SYN};
use super::{MuxConfig, Session};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

const GUARD: Duration = Duration::from_secs(10);

pub(crate) fn config() -> MuxConfig {
    MuxConfig {
        keepalive_interval: None,
        ..MuxConfig::default()
    }
}

pub(crate) async fn read_frame(peer: &mut DuplexStream) -> (Header, Vec<u8>) {
    let mut hb = [0u8; HEADER_LEN];
    tokio::time::timeout(GUARD, peer.read_exact(&mut hb))
        .await
        .expect("a frame in time")
        .expect("a frame");
    let h = Header::decode(&hb).expect("a valid header");
    let mut body = vec![];
    if h.kind == FrameType::Data {
        body.resize(h.length as usize, 0);
        peer.read_exact(&mut body).await.unwrap();
    }
    (h, body)
}

pub(crate) async fn write_frame(peer: &mut DuplexStream, h: Header, body: &[u8]) {
    peer.write_all(&h.encode()).await.unwrap();
    peer.write_all(body).await.unwrap();
}

pub(crate) fn wu(flags: u16, id: u32, delta: u32) -> Header {
    Header::new(FrameType::WindowUpdate, flags, id, delta)
}

#[tokio::test]
async fn syns_go_out_at_open_in_order() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let _one = s.open().unwrap();
    let _three = s.open().unwrap();
    let mut five = s.open().unwrap();
    // The last stream is written first: its data must still follow all three SYNs.
    five.write_all(b"x").await.unwrap();
    for id in [1, 3, 5] {
        assert_eq!(read_frame(&mut peer).await, (wu(SYN, id, 0), vec![]));
    }
    let (h, body) = read_frame(&mut peer).await;
    assert_eq!(h, Header::new(FrameType::Data, 0, 5, 1));
    assert_eq!(body, b"x");
}

#[tokio::test]
async fn reads_data_and_grants_window_back_at_half() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let mut st = s.open().unwrap();
    read_frame(&mut peer).await; // SYN
    write_frame(&mut peer, wu(ACK, 1, 0), &[]).await;
    // 128 KiB - 1: less than half the window, no update yet.
    let chunk = vec![7u8; 128 * 1024 - 1];
    write_frame(
        &mut peer,
        Header::new(FrameType::Data, 0, 1, chunk.len() as u32),
        &chunk,
    )
    .await;
    let mut got = vec![0u8; chunk.len()];
    st.read_exact(&mut got).await.unwrap();
    assert_eq!(got, chunk);
    // One more byte makes 128 KiB read: the whole 128 KiB goes back to the peer.
    write_frame(&mut peer, Header::new(FrameType::Data, 0, 1, 1), b"z").await;
    let mut one = [0u8; 1];
    st.read_exact(&mut one).await.unwrap();
    assert_eq!(read_frame(&mut peer).await, (wu(0, 1, 128 * 1024), vec![]));
}

#[tokio::test]
async fn writes_stop_at_the_send_window() {
    let (a, mut peer) = tokio::io::duplex(4 << 20);
    let s = Session::client_with(a, config());
    let mut st = s.open().unwrap();
    read_frame(&mut peer).await; // SYN
    let writer = tokio::spawn(async move {
        st.write_all(&vec![1u8; 300 * 1024]).await.unwrap();
        st
    });
    let mut total = 0usize;
    while total < 256 * 1024 {
        let (h, body) = read_frame(&mut peer).await;
        assert_eq!((h.kind, h.stream_id), (FrameType::Data, 1));
        total += body.len();
    }
    assert_eq!(total, 256 * 1024, "exactly the initial window");
    assert!(!writer.is_finished());
    write_frame(&mut peer, wu(0, 1, 44 * 1024), &[]).await;
    while total < 300 * 1024 {
        total += read_frame(&mut peer).await.1.len();
    }
    assert_eq!(total, 300 * 1024);
    tokio::time::timeout(GUARD, writer).await.unwrap().unwrap();
}

#[tokio::test]
async fn answers_pings_with_the_same_value() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let _s = Session::client_with(a, config());
    write_frame(
        &mut peer,
        Header::new(FrameType::Ping, SYN, 0, 0xdead_beef),
        &[],
    )
    .await;
    assert_eq!(
        read_frame(&mut peer).await.0,
        Header::new(FrameType::Ping, ACK, 0, 0xdead_beef)
    );
}

#[tokio::test]
async fn own_ping_is_answered() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let ping = tokio::spawn({
        let s = s.clone();
        async move { s.ping().await }
    });
    let (h, _) = read_frame(&mut peer).await;
    assert_eq!((h.kind, h.flags, h.stream_id), (FrameType::Ping, SYN, 0));
    write_frame(
        &mut peer,
        Header::new(FrameType::Ping, ACK, 0, h.length),
        &[],
    )
    .await;
    ping.await.unwrap().unwrap();
}

#[tokio::test]
async fn peer_streams_are_acked_at_once_and_accepted() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    write_frame(&mut peer, wu(SYN, 2, 0), &[]).await;
    // The ACK comes before anyone calls accept.
    assert_eq!(read_frame(&mut peer).await.0, wu(ACK, 2, 0));
    write_frame(
        &mut peer,
        Header::new(FrameType::Data, 0, 2, 4),
        &7u32.to_le_bytes(),
    )
    .await;
    let mut st = tokio::time::timeout(GUARD, s.accept())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st.id(), 2);
    assert_eq!(st.read_u32_le().await.unwrap(), 7);
}

#[tokio::test]
async fn fin_ends_reads_and_shutdown_sends_fin() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let mut st = s.open().unwrap();
    read_frame(&mut peer).await;
    write_frame(
        &mut peer,
        Header::new(FrameType::Data, ACK | FIN, 1, 2),
        b"hi",
    )
    .await;
    let mut all = vec![];
    st.read_to_end(&mut all).await.unwrap();
    assert_eq!(all, b"hi");
    st.shutdown().await.unwrap();
    assert_eq!(read_frame(&mut peer).await.0, wu(FIN, 1, 0));
}

#[tokio::test]
async fn reset_fails_reads_and_writes() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let mut st = s.open().unwrap();
    read_frame(&mut peer).await;
    write_frame(&mut peer, wu(RST, 1, 0), &[]).await;
    let mut b = [0u8; 1];
    let e = st.read(&mut b).await.unwrap_err();
    assert_eq!(e.to_string(), "connection reset");
    assert!(st.write_all(b"x").await.is_err());
}

#[tokio::test]
async fn window_exceeded_is_a_protocol_error() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let _st = s.open().unwrap();
    read_frame(&mut peer).await;
    let too_much = 256 * 1024 + 1;
    peer.write_all(&Header::new(FrameType::Data, 0, 1, too_much).encode())
        .await
        .unwrap();
    // go-away with code 1 (protocol error), then the session is over.
    assert_eq!(
        read_frame(&mut peer).await.0,
        Header::new(FrameType::GoAway, 0, 0, 1)
    );
    tokio::time::timeout(GUARD, s.closed()).await.unwrap();
    assert!(s.open().is_err());
}

#[tokio::test]
async fn bad_version_is_a_protocol_error_and_streams_end() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let mut st = s.open().unwrap();
    read_frame(&mut peer).await;
    peer.write_all(&[1u8; HEADER_LEN]).await.unwrap();
    assert_eq!(
        read_frame(&mut peer).await.0,
        Header::new(FrameType::GoAway, 0, 0, 1)
    );
    let mut rest = vec![];
    // The stream ends: reads see the end, writes fail.
    tokio::time::timeout(GUARD, st.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap();
    assert!(st.write_all(b"x").await.is_err());
}

#[tokio::test]
async fn go_away_refuses_new_streams() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let mut st = s.open().unwrap();
    read_frame(&mut peer).await;
    write_frame(&mut peer, Header::new(FrameType::GoAway, 0, 0, 0), &[]).await;
    // Existing streams go on.
    write_frame(&mut peer, Header::new(FrameType::Data, 0, 1, 1), b"k").await;
    assert_eq!(st.read_u8().await.unwrap(), b'k');
    let e = s.open().unwrap_err();
    assert_eq!(e.to_string(), "remote end is not accepting connections");
}

#[tokio::test]
async fn data_for_a_dropped_stream_is_discarded() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let dropped = s.open().unwrap();
    let mut kept = s.open().unwrap();
    read_frame(&mut peer).await;
    read_frame(&mut peer).await;
    drop(dropped);
    assert_eq!(read_frame(&mut peer).await.0, wu(FIN, 1, 0));
    write_frame(&mut peer, Header::new(FrameType::Data, 0, 1, 3), b"old").await;
    write_frame(&mut peer, Header::new(FrameType::Data, 0, 3, 3), b"new").await;
    let mut b = [0u8; 3];
    kept.read_exact(&mut b).await.unwrap();
    assert_eq!(&b, b"new");
}

#[tokio::test]
async fn close_sends_go_away_and_ends_the_connection() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    s.close();
    assert_eq!(
        read_frame(&mut peer).await.0,
        Header::new(FrameType::GoAway, 0, 0, 0)
    );
    let mut rest = vec![];
    tokio::time::timeout(GUARD, peer.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap();
    assert!(rest.is_empty());
}

#[tokio::test]
async fn unanswered_keepalive_closes_the_session() {
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(
        a,
        MuxConfig {
            keepalive_interval: Some(Duration::from_millis(20)),
            keepalive_timeout: Duration::from_millis(50),
            ..MuxConfig::default()
        },
    );
    let (h, _) = read_frame(&mut peer).await;
    assert_eq!((h.kind, h.flags), (FrameType::Ping, SYN));
    tokio::time::timeout(GUARD, s.closed()).await.unwrap();
}

#[tokio::test]
async fn a_peer_hanging_up_releases_the_connection() {
    // The plugin exits first: the session sees the end of input, and must let go of the
    // connection (its writer too), though a handle on the session lives on.
    let (a, mut peer) = tokio::io::duplex(1 << 20);
    let s = Session::client_with(a, config());
    let _one = s.open().unwrap();
    assert_eq!(read_frame(&mut peer).await.0, wu(SYN, 1, 0));
    peer.shutdown().await.unwrap();
    tokio::time::timeout(GUARD, s.closed())
        .await
        .expect("the session ends");
    // Our side of the connection is dropped: the peer reads its end.
    let mut rest = Vec::new();
    tokio::time::timeout(GUARD, peer.read_to_end(&mut rest))
        .await
        .expect("the connection is released")
        .unwrap();
    assert!(s.is_closed());
}
