//! Entry points for the fuzz targets (`fuzz/`): the handshake line and the yamux session's
//! frame reader, driven from bytes without a process or a socket. Not part of the API.

use super::handshake::{self, PROTOCOL_NETRPC};
use super::mux::{MuxConfig, Session};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Parses `data` as a plugin's first stdout line (as the host reads it: lossy UTF-8) with
/// versions 1 and 2 offered and netrpc allowed, and checks what a success promises: the
/// version is one offered, with its plugin set, and the protocol is netrpc. Returns whether
/// the line was accepted.
pub fn handshake_line(data: &[u8]) -> bool {
    let line = String::from_utf8_lossy(data);
    let versions = BTreeMap::from([
        (1, BTreeSet::from(["one".to_string()])),
        (2, BTreeSet::from(["two".to_string()])),
    ]);
    let Ok(h) = handshake::parse(&line, &versions, &[PROTOCOL_NETRPC.to_string()]) else {
        return false;
    };
    assert_eq!(versions.get(&h.version), Some(&h.plugins));
    assert_eq!(h.protocol, PROTOCOL_NETRPC);
    true
}

/// Plays `data` as everything a plugin's yamux server sends, in reads of `chunk` bytes,
/// then hangs up. The session must end (never panic, never hang): streams the peer opens
/// are accepted and read to their end, a stream this side opened writes and reads. Returns
/// how many streams the peer opened that were accepted.
pub fn mux_frames(data: &[u8], chunk: usize) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime");
    rt.block_on(async {
        let (ours, peer) = tokio::io::duplex(64 * 1024);
        let config = MuxConfig {
            keepalive_interval: None,
            ..MuxConfig::default()
        };
        let session = Session::client_with(ours, config);
        let (mut peer_read, mut peer_write) = tokio::io::split(peer);
        // What the session writes is read and dropped, so that it never waits for room.
        let sink = tokio::spawn(async move {
            let _ = tokio::io::copy(&mut peer_read, &mut tokio::io::sink()).await;
        });
        let mut opened = session.open().expect("a fresh session opens a stream");
        let own = tokio::spawn(async move {
            let _ = opened.write_all(b"hello").await;
            let mut buf = Vec::new();
            let _ = opened.read_to_end(&mut buf).await;
        });
        let accepting = tokio::spawn({
            let session = session.clone();
            async move {
                let mut n = 0;
                while let Some(mut s) = session.accept().await {
                    n += 1;
                    tokio::spawn(async move {
                        let mut buf = Vec::new();
                        let _ = s.read_to_end(&mut buf).await;
                    });
                }
                n
            }
        });
        for piece in data.chunks(chunk.max(1)) {
            if peer_write.write_all(piece).await.is_err() {
                break;
            }
        }
        let _ = peer_write.shutdown().await;
        // A hang guard: the end of input ends the session.
        tokio::time::timeout(Duration::from_secs(10), session.closed())
            .await
            .expect("the session ends at the end of its input");
        let n = tokio::time::timeout(Duration::from_secs(10), accepting)
            .await
            .expect("accept returns None once the session ended")
            .unwrap_or(0);
        tokio::time::timeout(Duration::from_secs(10), own)
            .await
            .expect("a stream ends with its session")
            .ok();
        drop(session);
        let _ = tokio::time::timeout(Duration::from_secs(10), sink).await;
        n
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::mux::frame::{FrameType, Header, ACK, FIN, SYN};

    #[test]
    fn handshake_lines() {
        assert!(handshake_line(b"1|2|unix|/tmp/p|netrpc|\n"));
        assert!(!handshake_line(b"1|3|unix|/tmp/p|netrpc|"));
        assert!(!handshake_line(b"\xff|1|tcp|:1"));
    }

    #[test]
    fn frames_of_a_peer_opening_streams() {
        let mut data = Vec::new();
        for id in [2u32, 4] {
            data.extend(Header::new(FrameType::WindowUpdate, SYN, id, 0).encode());
            data.extend(Header::new(FrameType::Data, FIN, id, 3).encode());
            data.extend(b"abc");
        }
        // An ACK for our stream, and a ping.
        data.extend(Header::new(FrameType::WindowUpdate, ACK, 1, 0).encode());
        data.extend(Header::new(FrameType::Ping, SYN, 0, 7).encode());
        assert_eq!(mux_frames(&data, usize::MAX), 2);
        assert_eq!(mux_frames(&data, 1), 2);
        // A bad header ends it early.
        assert_eq!(mux_frames(&[1; 12], 5), 0);
    }
}
