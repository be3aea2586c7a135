//! Types the bundled Go server declares (go-interop/services.go), shared by the examples.
#![allow(dead_code)]

use gobrpc::GobType;
use serde::{Deserialize, Serialize};

/// Go: `type Args struct{ A, B int }`
#[derive(Serialize, Deserialize, GobType, Debug, Clone, PartialEq)]
#[gob(name = "main.Args")]
pub struct Args {
    #[serde(rename = "A")]
    pub a: i64,
    #[serde(rename = "B")]
    pub b: i64,
}

/// Go: `type Reply struct{ C int }`
#[derive(Serialize, Deserialize, GobType, Debug, Clone, PartialEq)]
#[gob(name = "main.Reply")]
pub struct Reply {
    #[serde(rename = "C")]
    pub c: i64,
}

/// Go: `type KV struct{ Key, Value string }`
#[derive(Serialize, GobType, Debug)]
#[gob(name = "main.KV")]
pub struct KV<'a> {
    #[serde(rename = "Key")]
    pub key: &'a str,
    #[serde(rename = "Value")]
    pub value: &'a str,
}

/// Go: `type Creds struct{ User, Password string }`
#[derive(Serialize, GobType, Debug)]
#[gob(name = "main.Creds")]
pub struct Creds<'a> {
    #[serde(rename = "User")]
    pub user: &'a str,
    #[serde(rename = "Password")]
    pub password: &'a str,
}

/// The `n`th command-line argument, or a usage error naming it.
pub fn arg(n: usize, what: &str) -> anyhow::Result<String> {
    std::env::args()
        .nth(n)
        .ok_or_else(|| anyhow::anyhow!("usage: missing argument {n}: {what}"))
}
