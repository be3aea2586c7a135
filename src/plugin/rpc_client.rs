//! The connection to a plugin (go-plugin's `RPCClient`): the yamux session, the control
//! stream, the stdout and stderr streams, and the broker.

use super::broker::MuxBroker;
use super::config::OutputSink;
use super::error::{Error, Result};
use super::mux::{MuxConfig, Session, Stream};
use crate::rpc::Client;
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};

/// A connection to a plugin: `Control.*`, `Dispenser.Dispense`, the broker (go-plugin's
/// `*RPCClient`). Cheap to clone.
#[derive(Debug, Clone)]
pub struct RpcClient {
    session: Session,
    control: Client,
    broker: MuxBroker,
    plugins: Arc<BTreeSet<String>>,
}

impl RpcClient {
    /// Starts yamux over `conn` and opens, in go-plugin's order, the control stream, the
    /// stdout stream and the stderr stream; copies those two to the sinks (or discards them).
    pub fn new<C>(
        conn: C,
        plugins: BTreeSet<String>,
        mux: MuxConfig,
        stdout: Option<OutputSink>,
        stderr: Option<OutputSink>,
    ) -> Result<RpcClient>
    where
        C: AsyncRead + AsyncWrite + Send + 'static,
    {
        let session = Session::client_with(conn, mux);
        let control = session.open()?;
        let out = session.open()?;
        let err = session.open()?;
        tokio::spawn(copy_stream(out, stdout));
        tokio::spawn(copy_stream(err, stderr));
        let broker = MuxBroker::new(session.clone());
        Ok(RpcClient {
            control: Client::new(control),
            broker,
            session,
            plugins: Arc::new(plugins),
        })
    }

    /// `Control.Ping`: whether the plugin still answers.
    pub async fn ping(&self) -> Result<()> {
        self.control
            .call::<bool, ()>("Control.Ping", &true)
            .await
            .map_err(Error::from)
    }

    /// Asks the plugin to exit (`Control.Quit`), then closes the session. The plugin's
    /// answer is returned: on an error, go-plugin kills the process.
    pub async fn close(&self) -> Result<()> {
        let quit = self.control.call::<bool, ()>("Control.Quit", &true).await;
        self.session.close();
        quit.map_err(Error::from)
    }

    /// A net/rpc client for the plugin `name` of the negotiated set: `Dispenser.Dispense`
    /// reserves a broker id, and the connection dialed to it serves `Plugin.*`.
    pub async fn dispense(&self, name: &str) -> Result<Client> {
        if !self.plugins.contains(name) {
            return Err(Error::UnknownPlugin(name.to_string()));
        }
        let id: u32 = self.control.call("Dispenser.Dispense", name).await?;
        let stream = self.broker.dial(id).await?;
        Ok(Client::new(stream))
    }

    /// The broker, for callbacks in either direction.
    pub fn broker(&self) -> &MuxBroker {
        &self.broker
    }

    /// The control connection's net/rpc client.
    pub fn control(&self) -> &Client {
        &self.control
    }

    /// The yamux session.
    pub fn session(&self) -> &Session {
        &self.session
    }
}

/// Copies a plugin output stream to its sink; always reads it to the end.
async fn copy_stream(mut stream: Stream, mut sink: Option<OutputSink>) {
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if let Some(s) = sink.as_mut() {
                    if s.write_all(&buf[..n]).and_then(|()| s.flush()).is_err() {
                        sink = None;
                    }
                }
            }
        }
    }
}
