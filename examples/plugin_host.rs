//! Host a HashiCorp go-plugin `netrpc` plugin from Rust: launch it, dispense it, call it,
//! serve a callback it makes into the host through the broker, and kill it.
//!
//! The plugin is the bundled Go one (`go-interop/goplugin/`):
//!
//! ```text
//! cargo run --features plugin --example plugin_host -- "$(bash go-interop/build-go-plugin.sh own)"
//! ```

use gobrpc::plugin::{Client, ClientConfig, HandshakeConfig};
use gobrpc::rpc::server::{Context, Service};
use gobrpc::GobType;
use serde::{Deserialize, Serialize};

/// Go: `type CallbackArgs struct { ID uint32; A, B int }`: a broker id the host serves.
#[gobrpc::go_names]
#[derive(Serialize, GobType)]
#[gob(name = "main.CallbackArgs")]
struct CallbackArgs {
    id: u32,
    a: i64,
    b: i64,
}

/// Go: `type AddArgs struct { A, B int }`, what the plugin sends the host.
#[gobrpc::go_names]
#[derive(Deserialize, GobType)]
#[gob(name = "main.AddArgs")]
struct AddArgs {
    a: i64,
    b: i64,
}

/// Go: `type AddReply struct { Sum int }`.
#[gobrpc::go_names]
#[derive(Serialize, GobType)]
#[gob(name = "main.AddReply")]
struct AddReply {
    sum: i64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: plugin_host PLUGIN-BINARY")?;

    // Launch: the handshake must match the plugin's (go-plugin's HandshakeConfig).
    let config = ClientConfig::command(path)
        .handshake(HandshakeConfig {
            protocol_version: 1,
            magic_cookie_key: "GOBRPC_TEST_PLUGIN".into(),
            magic_cookie_value: "gobrpc".into(),
        })
        .plugins(["test"]);
    let plugin = Client::start(config).await?;

    // Dispense: a net/rpc client for the plugin's "Plugin.*" methods.
    let test = plugin.dispense("test").await?;
    let doubled: i64 = test.call("Plugin.Double", &21i64).await?;
    println!("Plugin.Double(21) = {doubled}");

    // A callback: serve "Plugin.Add" on a broker id, hand the id to the plugin, and the
    // plugin calls the host in the middle of its own call.
    let broker = plugin.rpc_client().await?.broker().clone();
    let id = broker.next_id();
    let adder = Service::new().method("Add", |_: Context, args: AddArgs| async move {
        println!(
            "host: Plugin.Add({}, {}) called by the plugin",
            args.a, args.b
        );
        Ok::<_, String>(AddReply {
            sum: args.a + args.b,
        })
    });
    let serving = tokio::spawn(async move { broker.accept_and_serve(id, adder).await });
    let r: i64 = test
        .call("Plugin.Callback", &CallbackArgs { id, a: 2, b: 3 })
        .await?;
    println!("Plugin.Callback(2, 3) = {r}");
    serving.await??;

    // Kill: Control.Quit, then a kill if the plugin does not exit within 2 s.
    let how = plugin.kill().await;
    println!("plugin ended: {how:?}");
    Ok(())
}
