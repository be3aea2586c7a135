//! Long-lived clients, live against Go servers: connection state and the "may it have run"
//! classification, `_goRPC_.Cancel`, the reconnecting client under a restart storm, pools over
//! replicas, and tower layers over a client.
//!
//! Every test starts its own Go servers (killed when dropped) and runs inside a deadline.

mod common;

#[path = "long_lived/cancel.rs"]
mod cancel;
#[path = "long_lived/reconnect.rs"]
mod reconnect;
#[path = "long_lived/replicas.rs"]
mod replicas;
#[path = "long_lived/state.rs"]
mod state;
#[path = "long_lived/storm.rs"]
mod storm;
#[cfg(feature = "tower")]
#[path = "long_lived/tower_layers.rs"]
mod tower_layers;
#[path = "long_lived/transports.rs"]
mod transports;
