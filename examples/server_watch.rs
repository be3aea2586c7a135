//! A Rust `KVStoreService` whose `Watch` Go clients long-poll while other calls share their
//! connections: two Go connections each leave a `Watch` pending, go on calling `Watchers`
//! and `Get` on the same connections meanwhile, and a `Set` wakes both watches.
//!
//! `cargo run --example server_watch -- go-interop/bin/gointerop`

#[path = "server_shared/mod.rs"]
mod server_shared;

use gobrpc::rpc::server::Server;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// Go: `type KV struct{ Key, Value string }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.KV")]
pub struct Kv {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value")]
    value: String,
}

#[gobrpc::service(name = "KVStoreService")]
pub trait KvStore {
    async fn get(&self, key: String) -> Result<String, String>;
    async fn set(&self, kv: Kv) -> Result<(), String>;
    /// Waits up to `timeout_seconds` for the next `Set` and replies its key.
    async fn watch(&self, timeout_seconds: i64) -> Result<String, String>;
    /// How many watches are waiting (so a client knows its watch is in place).
    async fn watchers(&self, unused: i64) -> Result<i64, String>;
}

struct Store {
    map: Mutex<HashMap<String, String>>,
    /// The key of the latest `Set`; every `Set` wakes the watches.
    last_set: watch::Sender<String>,
    watchers: AtomicI64,
}

impl KvStore for Store {
    async fn get(&self, key: String) -> Result<String, String> {
        let map = self.map.lock().unwrap();
        map.get(&key)
            .cloned()
            .ok_or(format!("key not found: {key}"))
    }

    async fn set(&self, kv: Kv) -> Result<(), String> {
        self.map.lock().unwrap().insert(kv.key.clone(), kv.value);
        self.last_set.send_replace(kv.key);
        Ok(())
    }

    async fn watch(&self, timeout_seconds: i64) -> Result<String, String> {
        let mut changed = self.last_set.subscribe();
        changed.mark_unchanged();
        self.watchers.fetch_add(1, Ordering::SeqCst);
        let wait = Duration::from_secs(timeout_seconds.max(0) as u64);
        let woken = tokio::time::timeout(wait, changed.changed()).await;
        self.watchers.fetch_sub(1, Ordering::SeqCst);
        match woken {
            Ok(Ok(())) => Ok(changed.borrow().clone()),
            _ => Err("watch timeout".into()),
        }
    }

    async fn watchers(&self, _: i64) -> Result<i64, String> {
        Ok(self.watchers.load(Ordering::SeqCst))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let store = Store {
        map: Mutex::default(),
        last_set: watch::Sender::new(String::new()),
        watchers: AtomicI64::new(0),
    };
    let server = Server::builder().service(store.into_service()).build();
    let got = server_shared::run_go_client(server, "watch").await?;
    let woken = got.iter().filter(|l| l.ends_with("Watch returned color"));
    println!("watches woken by the Set: {}", woken.count());
    Ok(())
}
