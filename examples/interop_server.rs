//! The bundled Go server's services (`go-interop/services.go`), written in Rust with
//! `#[gobrpc::service]`: a Go service migrated to Rust behind Go clients that do not change.
//!
//! It takes `gointerop server`'s flags (`-tcp ADDR`, `-unix PATH`, `-http ADDR`,
//! `-http-path P`, `-lifetime SECONDS`) and prints the same one JSON line of addresses, so a
//! test can run any Go client against both and compare. It exits when stdin reaches end of
//! file. The tests' differential suite does exactly that.
//!
//! `cargo run --example interop_server -- -tcp 127.0.0.1:0 -http 127.0.0.1:0`

use gobrpc::rpc::server::{Context, HttpPaths, Server};
use gobrpc::types::{BigInt, GoTime};
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::io::AsyncReadExt;

type Result<T> = std::result::Result<T, String>;

/// Go: `type Args struct{ A, B int }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Args")]
pub struct Args {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: i64,
}

/// Go: `type Reply struct{ C int }`
#[derive(Serialize, Deserialize, GobType, Default)]
#[gob(name = "main.Reply")]
pub struct Reply {
    #[serde(rename = "C")]
    c: i64,
}

/// Go: `type KV struct{ Key, Value string }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.KV")]
pub struct Kv {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value")]
    value: String,
}

/// Go: `type Creds struct{ User, Password string }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Creds")]
pub struct Creds {
    #[serde(rename = "User")]
    user: String,
    #[serde(rename = "Password")]
    password: String,
}

/// Go: `type Point struct{ X, Y int }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Point")]
pub struct Point {
    #[serde(rename = "X")]
    x: i64,
    #[serde(rename = "Y")]
    y: i64,
}

#[gobrpc::service(name = "HelloService")]
pub trait Hello {
    async fn hello(&self, name: String) -> Result<String>;
}

struct HelloImpl;

impl Hello for HelloImpl {
    async fn hello(&self, name: String) -> Result<String> {
        Ok(format!("hello, {name}"))
    }
}

#[gobrpc::service]
pub trait Arith {
    async fn add(&self, args: Args) -> Result<Reply>;
    #[rpc(pointer_arg)] // Go: Mul(args *Args, …)
    async fn mul(&self, args: Args) -> Result<Reply>;
    async fn div(&self, args: Args) -> Result<Reply>;
    #[rpc(pointer_arg)] // Go: String(args *Args, …)
    async fn string(&self, args: Args) -> Result<String>;
    async fn scan(&self, args: String) -> Result<Reply>;
    #[rpc(pointer_arg)] // Go: Error(args *Args, …)
    async fn error(&self, args: Args) -> Result<Reply>;
    async fn sleep_milli(&self, args: Args) -> Result<Reply>;
}

struct ArithImpl;

impl Arith for ArithImpl {
    async fn add(&self, args: Args) -> Result<Reply> {
        Ok(Reply { c: args.a + args.b })
    }
    async fn mul(&self, args: Args) -> Result<Reply> {
        Ok(Reply { c: args.a * args.b })
    }
    async fn div(&self, args: Args) -> Result<Reply> {
        if args.b == 0 {
            return Err("divide by zero".into());
        }
        Ok(Reply { c: args.a / args.b })
    }
    async fn string(&self, args: Args) -> Result<String> {
        Ok(format!("{}+{}={}", args.a, args.b, args.a + args.b))
    }
    async fn scan(&self, args: String) -> Result<Reply> {
        let word = args.split_whitespace().next().ok_or("unexpected EOF")?;
        let c = word.parse().map_err(|_| "expected integer".to_string())?;
        Ok(Reply { c })
    }
    async fn error(&self, _: Args) -> Result<Reply> {
        Err("ERROR".into())
    }
    async fn sleep_milli(&self, args: Args) -> Result<Reply> {
        tokio::time::sleep(Duration::from_millis(args.a.max(0) as u64)).await;
        Ok(Reply { c: args.b })
    }
}

#[gobrpc::service]
pub trait BuiltinTypes {
    #[rpc(pointer_arg)]
    async fn map(&self, args: Args) -> Result<HashMap<i64, i64>>;
    #[rpc(pointer_arg)]
    async fn slice(&self, args: Args) -> Result<Vec<i64>>;
    #[rpc(pointer_arg)]
    async fn array(&self, args: Args) -> Result<[i64; 2]>;
}

struct BuiltinTypesImpl;

impl BuiltinTypes for BuiltinTypesImpl {
    async fn map(&self, args: Args) -> Result<HashMap<i64, i64>> {
        Ok(HashMap::from([(args.a, args.b)]))
    }
    async fn slice(&self, args: Args) -> Result<Vec<i64>> {
        Ok(vec![args.a, args.b])
    }
    async fn array(&self, args: Args) -> Result<[i64; 2]> {
        Ok([args.a, args.b])
    }
}

#[gobrpc::service(name = "KVStoreService")]
pub trait KvStore {
    async fn get(&self, key: String) -> Result<String>;
    async fn set(&self, kv: Kv) -> Result<()>;
    async fn watch(&self, timeout_seconds: i64) -> Result<String>;
}

/// One store per process; each `Set` ends a generation, waking the watches of it with its
/// key.
struct KvStoreImpl {
    map: Mutex<HashMap<String, String>>,
    generation: tokio::sync::watch::Sender<(u64, String)>,
}

impl KvStore for KvStoreImpl {
    async fn get(&self, key: String) -> Result<String> {
        let map = self.map.lock().unwrap();
        map.get(&key)
            .cloned()
            .ok_or_else(|| format!("key not found: {key}"))
    }
    async fn set(&self, kv: Kv) -> Result<()> {
        self.map.lock().unwrap().insert(kv.key.clone(), kv.value);
        self.generation.send_modify(|(n, key)| {
            *n += 1;
            *key = kv.key;
        });
        Ok(())
    }
    async fn watch(&self, timeout_seconds: i64) -> Result<String> {
        let mut rx = self.generation.subscribe();
        rx.mark_unchanged();
        let wait = Duration::from_secs(timeout_seconds.max(0) as u64);
        match tokio::time::timeout(wait, rx.changed()).await {
            Ok(Ok(())) => Ok(rx.borrow().1.clone()),
            _ => Err("watch timeout".into()),
        }
    }
}

#[gobrpc::service]
pub trait Auth {
    async fn login(&self, ctx: Context, creds: Creds) -> Result<String>;
    async fn whoami(&self, ctx: Context, unused: i64) -> Result<String>;
    async fn secret(&self, ctx: Context, unused: i64) -> Result<String>;
}

/// Who logged in on a connection (Go keeps one `Auth` per connection).
#[derive(Clone)]
struct User(String);

struct AuthImpl;

impl Auth for AuthImpl {
    async fn login(&self, ctx: Context, creds: Creds) -> Result<String> {
        if creds.user != "gopher" || creds.password != "secret" {
            return Err("invalid credentials".into());
        }
        ctx.connection().insert(User(creds.user.clone()));
        Ok(format!("welcome {}", creds.user))
    }
    async fn whoami(&self, ctx: Context, _: i64) -> Result<String> {
        let user = ctx.connection().get::<User>().ok_or("not logged in")?;
        Ok(user.0)
    }
    async fn secret(&self, ctx: Context, _: i64) -> Result<String> {
        ctx.connection().get::<User>().ok_or("not logged in")?;
        Ok("the cake is a lie".into())
    }
}

#[gobrpc::service]
pub trait Echo {
    async fn time(&self, t: GoTime) -> Result<GoTime>;
    async fn bytes(&self, b: serde_bytes::ByteBuf) -> Result<serde_bytes::ByteBuf>;
    async fn fill(&self, n: i64) -> Result<serde_bytes::ByteBuf>;
    async fn nested(
        &self,
        m: HashMap<String, HashMap<String, Vec<i64>>>,
    ) -> Result<HashMap<String, HashMap<String, Vec<i64>>>>;
    #[rpc(pointer_arg)] // Go: Big(n *big.Int, reply *big.Int)
    async fn big(&self, n: BigInt) -> Result<BigInt>;
    async fn point(&self, p: Point) -> Result<Point>;
}

struct EchoImpl;

impl Echo for EchoImpl {
    async fn time(&self, t: GoTime) -> Result<GoTime> {
        Ok(t)
    }
    async fn bytes(&self, b: serde_bytes::ByteBuf) -> Result<serde_bytes::ByteBuf> {
        Ok(b)
    }
    async fn fill(&self, n: i64) -> Result<serde_bytes::ByteBuf> {
        if !(0..=1 << 30).contains(&n) {
            return Err("Echo.Fill: size out of range".into());
        }
        // The pattern of go-interop's benchPayload: b[i] = byte(uint32(i)*2654435761>>24).
        let fill = (0..n as u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8);
        Ok(serde_bytes::ByteBuf::from(fill.collect::<Vec<u8>>()))
    }
    async fn nested(
        &self,
        m: HashMap<String, HashMap<String, Vec<i64>>>,
    ) -> Result<HashMap<String, HashMap<String, Vec<i64>>>> {
        Ok(m)
    }
    async fn big(&self, n: BigInt) -> Result<BigInt> {
        Ok(n)
    }
    async fn point(&self, p: Point) -> Result<Point> {
        Ok(p)
    }
}

/// `gointerop server`'s flags (the subset this server has).
struct Flags {
    tcp: Option<String>,
    unix: Option<String>,
    http: Option<String>,
    http_path: String,
    lifetime: Duration,
}

fn flags() -> anyhow::Result<Flags> {
    let mut f = Flags {
        tcp: Some("127.0.0.1:0".into()),
        unix: None,
        http: None,
        http_path: "/custom_rpc".into(),
        lifetime: Duration::from_secs(600),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))
        };
        let some = |v: String| (!v.is_empty()).then_some(v);
        match flag.as_str() {
            "-tcp" => f.tcp = some(value()?),
            "-unix" => f.unix = some(value()?),
            "-http" => f.http = some(value()?),
            "-http-path" => f.http_path = value()?,
            "-lifetime" => {
                let v = value()?;
                let secs = v.trim_end_matches('m').parse::<u64>()?;
                f.lifetime = Duration::from_secs(if v.ends_with('m') { secs * 60 } else { secs });
            }
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(f)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = flags()?;
    let kv = KvStoreImpl {
        map: Mutex::default(),
        generation: tokio::sync::watch::Sender::new((0, String::new())),
    };
    let echo = EchoImpl.into_service().dynamic_method(
        "Any",
        "main.AnyHolder",
        "*main.AnyHolder",
        // AnyHolder{V interface{}} comes back as it came, Go types and all.
        |_: Context, v: gobrpc::TypedValue| async move { Result::Ok(v) },
    );
    let server = Server::builder()
        .service(HelloImpl.into_service())
        .service(ArithImpl.into_service())
        .service(BuiltinTypesImpl.into_service())
        .service(kv.into_service())
        .service(AuthImpl.into_service())
        .service(echo)
        .build();

    let mut line = serde_json::Map::new();
    let mut serving = tokio::task::JoinSet::new();
    if let Some(addr) = &flags.tcp {
        let l = tokio::net::TcpListener::bind(addr).await?;
        line.insert("tcp".into(), l.local_addr()?.to_string().into());
        let s = server.clone();
        serving.spawn(async move { s.serve(l).await });
    }
    if let Some(path) = &flags.unix {
        let _ = std::fs::remove_file(path);
        let l = tokio::net::UnixListener::bind(path)?;
        line.insert("unix".into(), path.clone().into());
        let s = server.clone();
        serving.spawn(async move { s.serve_unix(l).await });
    }
    if let Some(addr) = &flags.http {
        let l = tokio::net::TcpListener::bind(addr).await?;
        line.insert("http".into(), l.local_addr()?.to_string().into());
        line.insert("http_path".into(), flags.http_path.clone().into());
        let s = server.clone();
        let paths = HttpPaths::default().rpc(&flags.http_path);
        serving.spawn(async move { s.serve_http(l, paths).await });
    }
    println!("{}", serde_json::Value::Object(line));

    let stdin = async {
        let mut sink = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    };
    tokio::select! {
        Some(r) = serving.join_next() => { r??; }
        _ = stdin => {}
        _ = tokio::time::sleep(flags.lifetime) => {}
    }
    server.shutdown(Duration::from_secs(2)).await;
    if let Some(path) = &flags.unix {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}
