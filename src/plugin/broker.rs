//! go-plugin's `MuxBroker`: more connections over the plugin's yamux session, by id.
//!
//! Either side reserves an id ([`MuxBroker::next_id`]), tells the other side about it in an
//! RPC, and accepts on it; the other side dials the id. On the wire a dialer opens a stream
//! and writes the id as 4 bytes little-endian; the acceptor writes the same 4 bytes back.

use super::error::{Error, Result};
use super::mux::{Session, Stream};
use crate::rpc::server::{Server, Service};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// How long a stream waits to be accepted, and `accept` waits for a stream: 5 s, as in
/// go-plugin.
pub const ACCEPT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Slot {
    tx: Option<oneshot::Sender<Stream>>,
    rx: Option<oneshot::Receiver<Stream>>,
}

type Slots = Arc<Mutex<HashMap<u32, Slot>>>;

fn slot(slots: &Slots, id: u32) -> std::sync::MutexGuard<'_, HashMap<u32, Slot>> {
    let mut map = slots.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(id).or_insert_with(|| {
        let (tx, rx) = oneshot::channel();
        Slot {
            tx: Some(tx),
            rx: Some(rx),
        }
    });
    map
}

/// Brokers connections by id over the plugin's session (go-plugin's `*MuxBroker`). Cheap to
/// clone.
#[derive(Clone)]
pub struct MuxBroker {
    session: Session,
    next_id: Arc<AtomicU32>,
    slots: Slots,
}

impl std::fmt::Debug for MuxBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MuxBroker")
            .field("next_id", &self.next_id.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl MuxBroker {
    /// A broker over `session`; starts the task that takes the streams the plugin dials
    /// (go-plugin's `Run`).
    pub fn new(session: Session) -> MuxBroker {
        let broker = MuxBroker {
            session,
            next_id: Arc::new(AtomicU32::new(0)),
            slots: Slots::default(),
        };
        tokio::spawn(run(broker.session.clone(), broker.slots.clone()));
        broker
    }

    /// A fresh id to accept on (1, 2, 3, …).
    pub fn next_id(&self) -> u32 {
        self.next_id.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
    }

    /// Opens a stream to the plugin's `Accept(id)` (go-plugin's `Dial`).
    pub async fn dial(&self, id: u32) -> Result<Stream> {
        let mut stream = self.session.open()?;
        stream.write_all(&id.to_le_bytes()).await?;
        let ack = stream.read_u32_le().await?;
        if ack != id {
            return Err(Error::Broker(format!("bad ack: {ack} (expected {id})")));
        }
        Ok(stream)
    }

    /// Waits up to [`ACCEPT_TIMEOUT`] for the plugin to dial `id`, and acknowledges it
    /// (go-plugin's `Accept`).
    pub async fn accept(&self, id: u32) -> Result<Stream> {
        let rx = slot(&self.slots, id)
            .get_mut(&id)
            .and_then(|s| s.rx.take())
            .ok_or_else(|| Error::Broker(format!("already accepting id {id}")))?;
        let stream = tokio::time::timeout(ACCEPT_TIMEOUT, rx).await;
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        let mut stream = match stream {
            Ok(Ok(s)) => s,
            Ok(Err(_)) | Err(_) => return Err(Error::Broker("timeout waiting for accept".into())),
        };
        stream.write_all(&id.to_le_bytes()).await?;
        Ok(stream)
    }

    /// Accepts `id` and serves `service` on it as `Plugin`, until the plugin hangs up
    /// (go-plugin's `AcceptAndServe`): the plugin calls back into the host.
    pub async fn accept_and_serve(&self, id: u32, service: Service) -> Result<()> {
        let stream = self.accept(id).await?;
        let server = Server::builder().register("Plugin", service).build();
        server.serve_conn(stream).await;
        Ok(())
    }

    /// Closes the session and every stream on it.
    pub fn close(&self) {
        self.session.close();
    }
}

async fn run(session: Session, slots: Slots) {
    while let Some(mut stream) = session.accept().await {
        let slots = slots.clone();
        tokio::spawn(async move {
            let Ok(Ok(id)) = tokio::time::timeout(ACCEPT_TIMEOUT, stream.read_u32_le()).await
            else {
                return;
            };
            let tx = slot(&slots, id).get_mut(&id).and_then(|s| s.tx.take());
            if let Some(tx) = tx {
                let _ = tx.send(stream);
            }
            // Not accepted within the timeout: drop it (the receiver holds it).
            tokio::time::sleep(ACCEPT_TIMEOUT).await;
            let mut map = slots.lock().unwrap_or_else(|e| e.into_inner());
            if map
                .get(&id)
                .is_some_and(|s| s.tx.is_none() && s.rx.is_some())
            {
                map.remove(&id);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::mux::frame::{FrameType, Header, ACK, SYN};
    use crate::plugin::mux::tests::{config, read_frame, write_frame, wu};

    #[tokio::test]
    async fn dial_writes_the_id_and_checks_the_ack() {
        let (a, mut peer) = tokio::io::duplex(1 << 20);
        let broker = MuxBroker::new(Session::client_with(a, config()));
        let dial = tokio::spawn({
            let b = broker.clone();
            async move { b.dial(7).await }
        });
        assert_eq!(read_frame(&mut peer).await.0, wu(SYN, 1, 0));
        // The id, 4 bytes little-endian (Go's binary.Write(stream, LittleEndian, id)).
        let (h, body) = read_frame(&mut peer).await;
        assert_eq!((h.stream_id, body), (1, vec![7, 0, 0, 0]));
        let ack = Header::new(FrameType::Data, ACK, 1, 4);
        write_frame(&mut peer, ack, &[7, 0, 0, 0]).await;
        dial.await.unwrap().unwrap();

        let dial = tokio::spawn({
            let b = broker.clone();
            async move { b.dial(8).await }
        });
        read_frame(&mut peer).await;
        read_frame(&mut peer).await;
        write_frame(
            &mut peer,
            Header::new(FrameType::Data, ACK, 3, 4),
            &[9, 0, 0, 0],
        )
        .await;
        let e = dial.await.unwrap().unwrap_err();
        assert_eq!(e.to_string(), "bad ack: 9 (expected 8)");
    }

    #[tokio::test]
    async fn accept_takes_the_stream_dialed_to_its_id_and_acks() {
        let (a, mut peer) = tokio::io::duplex(1 << 20);
        let broker = MuxBroker::new(Session::client_with(a, config()));
        let id = broker.next_id();
        assert_eq!((id, broker.next_id()), (1, 2));
        let accept = tokio::spawn({
            let b = broker.clone();
            async move { b.accept(id).await.map(|s| s.id()) }
        });
        // The plugin dials: SYN on stream 2, then the id.
        write_frame(&mut peer, wu(SYN, 2, 0), &[]).await;
        write_frame(
            &mut peer,
            Header::new(FrameType::Data, 0, 2, 4),
            &id.to_le_bytes(),
        )
        .await;
        assert_eq!(read_frame(&mut peer).await.0, wu(ACK, 2, 0));
        let (h, body) = read_frame(&mut peer).await;
        assert_eq!((h.stream_id, body), (2, id.to_le_bytes().to_vec()));
        assert_eq!(accept.await.unwrap().unwrap(), 2);
    }

    #[tokio::test]
    async fn accept_times_out_after_five_seconds() {
        let (a, _peer) = tokio::io::duplex(1 << 20);
        let broker = MuxBroker::new(Session::client_with(a, config()));
        let e = broker.accept(3).await.unwrap_err();
        assert_eq!(e.to_string(), "timeout waiting for accept");
    }
}
