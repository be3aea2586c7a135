//! `gobrpc plugin`: launch a HashiCorp go-plugin `netrpc` plugin, dispense it, make one
//! call, print the reply as `call` does, and kill the plugin.

use crate::call;
use crate::exit::{Failure, Result};
use gobrpc::plugin::{Client, ClientConfig, HandshakeConfig};
use std::time::Duration;

pub struct PluginArgs {
    /// `KEY=VALUE`: the magic cookie of the plugin's handshake.
    pub cookie: String,
    pub version: u32,
    pub dispense: String,
    pub types: Option<String>,
    pub arg_type: Option<String>,
    pub timeout: Option<Duration>,
    /// The plugin binary, then `Service.Method`, then the argument.
    pub command: Vec<String>,
}

pub fn run(a: PluginArgs) -> Result<()> {
    let (key, value) = a
        .cookie
        .split_once('=')
        .ok_or_else(|| Failure::input("--cookie takes KEY=VALUE (the plugin's magic cookie)"))?;
    let [binary, method, rest @ ..] = a.command.as_slice() else {
        return Err(Failure::input(
            "after --: the plugin binary, then Plugin.Method, then the argument as JSON",
        ));
    };
    let args = match rest {
        [] => None,
        [one] => Some(one.as_str()),
        _ => return Err(Failure::input("one argument after Plugin.Method (as JSON)")),
    };
    let (arg, inferred) = call::argument(args, a.types.as_deref(), a.arg_type.as_deref())?;
    let config = ClientConfig::command(binary)
        .handshake(HandshakeConfig {
            protocol_version: a.version,
            magic_cookie_key: key.to_string(),
            magic_cookie_value: value.to_string(),
        })
        .plugins([a.dispense.clone()]);
    let rt = call::runtime()?;
    let reply = rt.block_on(async {
        let plugin = Client::start(config)
            .await
            .map_err(|e| Failure::connection(format!("starting the plugin {binary}: {e}")))?;
        let result = async {
            let client = plugin
                .dispense(&a.dispense)
                .await
                .map_err(|e| Failure::connection(format!("dispensing {:?}: {e}", a.dispense)))?;
            let call = client.call_value(method, &arg);
            let reply = match a.timeout {
                Some(d) => tokio::time::timeout(d, call)
                    .await
                    .unwrap_or(Err(gobrpc::rpc::Error::Timeout)),
                None => call.await,
            };
            reply.map_err(|e| {
                call::inferred_hint(call::call_error(e, method, a.timeout), inferred.as_deref())
            })
        }
        .await;
        plugin.kill().await;
        result
    })?;
    call::print_reply(&reply)
}
