//! `gobrpc`: read, write and call Go's gob and net/rpc from the command line.
//!
//! Exit codes: 0 success, 1 the server returned an error (Go's text on stderr), 2 usage or
//! input error, 3 connection or protocol error.

mod annotate;
mod call;
mod describe;
mod dump;
mod encode;
mod exit;
mod genrust;
mod jsonarg;
mod output;
mod plugin;
mod serve;
mod tap;
mod typed;

use clap::{Parser, Subcommand};
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "gobrpc",
    version,
    about = "Go's encoding/gob and net/rpc from the command line",
    after_help = "Exit codes: 0 success, 1 the server returned an error, \
                  2 usage or input error, 3 connection or protocol error."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Decode a gob stream: an annotated walk, or one JSON document per value (--json).
    Dump {
        /// One JSON line per top-level value, as Go's encoding/json prints the value.
        #[arg(long)]
        json: bool,
        /// The gob stream (default: stdin).
        #[arg(value_name = "FILE|-")]
        file: Option<String>,
    },
    /// Write a gob stream of a Go type from JSON values, one per line.
    Encode {
        /// Go source declaring the type (only the types it needs are resolved; not needed
        /// for builtin types such as int, []string or map[string]int).
        #[arg(long, value_name = "FILE.go")]
        types: Option<String>,
        /// The Go type of every value (a declared name or a type expression).
        #[arg(long = "type", value_name = "NAME")]
        type_name: String,
        /// Write the stream here instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<String>,
        /// JSON values, one per line (default: stdin).
        #[arg(value_name = "JSON|-", allow_hyphen_values = true)]
        json: Option<String>,
    },
    /// Call a method of a Go net/rpc server; print the reply as `dump --json` does.
    Call {
        /// Connect through HTTP CONNECT (Go's rpc.DialHTTP), at PATH (default /_goRPC_).
        #[arg(
            long,
            value_name = "PATH",
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = gobrpc::rpc::DEFAULT_RPC_PATH
        )]
        http: Option<String>,
        /// ADDR is a Unix socket path.
        #[arg(long)]
        unix: bool,
        /// Connect over TLS, trusting the CA certificate(s) in this PEM file.
        #[arg(long, value_name = "FILE")]
        tls_ca: Option<String>,
        /// The TLS server name to verify (default: the host part of ADDR).
        #[arg(long, value_name = "NAME")]
        server_name: Option<String>,
        /// Give up connecting, or waiting for the reply, after this long (Go syntax: 500ms,
        /// 2s, 1m; 0: never; raise it for long polls).
        #[arg(long, value_name = "DURATION", value_parser = call::parse_duration,
              default_value = call::DEFAULT_TIMEOUT)]
        timeout: Duration,
        /// Go source declaring the argument type (else it is inferred from the JSON). Only
        /// the types the argument needs are resolved.
        #[arg(long, value_name = "FILE.go")]
        types: Option<String>,
        /// The argument's Go type, declared in --types (with --http, default: the type the
        /// server's /debug/rpc page names for the method).
        #[arg(long, value_name = "NAME", requires = "types")]
        arg_type: Option<String>,
        /// host:port, or a socket path with --unix.
        #[arg(value_name = "ADDR")]
        addr: String,
        /// Service.Method
        #[arg(value_name = "Service.Method")]
        method: String,
        /// The argument as JSON (`-` or absent: stdin, unless stdin is a terminal).
        #[arg(value_name = "ARGS_JSON|-", allow_hyphen_values = true)]
        args: Option<String>,
    },
    /// Print Rust types for Go type declarations (serde + gobrpc, Go's names kept).
    #[command(after_help = "Every Go type becomes a Rust item with Go's names: \
        #[gob(name = \"main.T\")] and #[serde(rename = \"GoName\")] on snake_case fields. \
        Pointers are Option (boxed where a type contains itself), a map field is \
        Option<HashMap> (None is Go's nil map), time.Time, big.Int, complex and []byte are \
        gobrpc::types' GoTime, BigInt, Complex and Bytes, named non-struct types are newtypes, \
        types with GobEncode or MarshalBinary methods are go_marshaler! payloads. Interfaces \
        are #[gob(interface)] enums: Nil, Go's pre-registered builtins, and the types the files \
        register with gob.Register / gob.RegisterName (with no such call, only the builtins; \
        the header says so). Unexported, channel and function fields are left out.")]
    GenRust {
        /// Go source files of one package (repeat for several: declarations in one,
        /// gob.Register calls in another).
        #[arg(long = "types", value_name = "FILE.go", required = true)]
        types: Vec<String>,
        /// Only this declared type and the types it needs (repeatable; default: all
        /// declarations, leaving out and noting those that cannot be generated).
        #[arg(long = "type", value_name = "NAME")]
        type_names: Vec<String>,
        /// Write the code here instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<String>,
    },
    /// Forward net/rpc connections to a server unchanged, printing each call (args, reply or
    /// error, latency) as it passes.
    #[command(
        after_help = "LISTEN and UPSTREAM are host:port, or unix:PATH for a Unix \
        socket. Every byte is forwarded unchanged in both directions; a stream the tap cannot \
        decode is reported and still forwarded. With --json each line is one JSON object: \
        {\"time\",\"conn\",\"seq\",\"method\",\"args\", and \"reply\" with \"latency_ns\", \
        or \"error\" with \"latency_ns\", or \"unanswered\":true}, or a problem \
        {\"time\",\"conn\",\"stream\",\"problem\"}; values as `dump --json` prints them. \
        The listening address is printed on stderr."
    )]
    Tap {
        /// One JSON line per call (see below) instead of a line for people.
        #[arg(long)]
        json: bool,
        /// Clients connect with HTTP CONNECT (Go's rpc.DialHTTP): forward the exchange, then
        /// decode.
        #[arg(long)]
        http: bool,
        /// Where Go clients connect (host:port, :0 for any port, or unix:PATH).
        #[arg(value_name = "LISTEN")]
        listen: String,
        /// The server (host:port or unix:PATH).
        #[arg(value_name = "UPSTREAM")]
        upstream: String,
    },
    /// Serve net/rpc to Go clients with scripted replies, declared from Go types and a JSON
    /// replies file.
    #[command(
        after_help = "The replies file is one JSON object: each key a Service.Method, \
        each value {\"arg\": TYPE, \"reply\": TYPE, \"replies\": [RULE, ...]}, TYPE a Go type \
        declared in --types (or a builtin type expression such as int or []string). A RULE is \
        {\"args\": JSON (optional), \"reply\": JSON | \"error\": TEXT, \"delay_ms\": N \
        (optional)}. A call is answered by the first rule whose \"args\" match the call's \
        arguments as Go's encoding/json prints them (objects: every key given matches, others \
        are ignored; arrays: same length, elements match; numbers: equal as numbers), or that \
        has no \"args\"; after \"delay_ms\" milliseconds it sends \"reply\" (of the reply \
        type) or \"error\" (Go's client gets it as rpc.ServerError). A call no rule matches \
        gets an error. Example: {\"Arith.Add\": {\"arg\": \"Args\", \"reply\": \"Reply\", \
        \"replies\": [{\"args\": {\"A\": 1}, \"reply\": {\"C\": 2}}, {\"error\": \"boom\", \
        \"delay_ms\": 50}]}}. Services and methods the file does not name get Go's errors. \
        ADDR is host:port (port 0: any free port) or unix:PATH. The listening address is \
        printed on stderr: \"gobrpc serve: listening on ADDR\". With --record each call \
        of a method the file names is appended to FILE, before its reply is sent, as one JSON line: \
        {\"time\",\"conn\",\"peer\",\"seq\",\"method\",\"args\", and \"reply\" or \
        \"error\"}; values as `dump --json` prints them. It serves until killed."
    )]
    Serve {
        /// Go source files declaring the types (repeat for several files of one package).
        #[arg(long = "types", value_name = "FILE.go", required = true)]
        types: Vec<String>,
        /// The replies file (JSON; see below).
        #[arg(long, value_name = "FILE.json")]
        replies: String,
        /// Append every call answered to FILE as a JSON line (see below).
        #[arg(long, value_name = "FILE")]
        record: Option<String>,
        /// Serve HTTP: CONNECT on /_goRPC_ (Go's rpc.DialHTTP) and the debug page at
        /// /debug/rpc.
        #[arg(long)]
        http: bool,
        /// host:port, or unix:PATH.
        #[arg(value_name = "ADDR")]
        addr: String,
    },
    /// Launch a HashiCorp go-plugin netrpc plugin, dispense it, call one of its methods and
    /// print the reply as `call` does; then the plugin is told to quit (killed after 2 s).
    #[command(
        after_help = "Example: gobrpc plugin --cookie BASIC_PLUGIN=hello --version 1 \
        --dispense greeter --types types.go --arg-type Args -- ./plugin-binary Plugin.Greet \
        '{\"Name\":\"gopher\"}'. The argument's Go type is inferred from the JSON unless \
        --types and --arg-type declare it. Exit codes as call's: 1 the plugin returned an \
        error (Go's text on stderr), 2 usage or input error, 3 the plugin could not be \
        started, dispensed or reached."
    )]
    Plugin {
        /// The plugin's magic cookie (go-plugin's HandshakeConfig), as KEY=VALUE.
        #[arg(long, value_name = "KEY=VALUE")]
        cookie: String,
        /// The application protocol version of the handshake.
        #[arg(long, value_name = "N", default_value_t = 1)]
        version: u32,
        /// The name of the plugin to dispense (its key in the plugin's plugin set).
        #[arg(long, value_name = "NAME")]
        dispense: String,
        /// Go source declaring the argument type (else it is inferred from the JSON).
        #[arg(long, value_name = "FILE.go", requires = "arg_type")]
        types: Option<String>,
        /// The argument's Go type, declared in --types.
        #[arg(long, value_name = "NAME", requires = "types")]
        arg_type: Option<String>,
        /// Give up waiting for the reply after this long (0: never).
        #[arg(long, value_name = "DURATION", value_parser = call::parse_duration,
              default_value = call::DEFAULT_TIMEOUT)]
        timeout: Duration,
        /// -- then the plugin binary, Plugin.Method, and the argument as JSON (`-` or
        /// absent: stdin, unless stdin is a terminal).
        #[arg(last = true, value_name = "BINARY METHOD [ARGS_JSON]", required = true)]
        command: Vec<String>,
    },
    /// List the services and methods of a Go server from its HTTP debug page.
    Describe {
        /// host:port of the server's HTTP listener.
        #[arg(value_name = "ADDR")]
        addr: String,
        /// Path of the debug page.
        #[arg(long, default_value = "/debug/rpc")]
        path: String,
        /// Print one JSON document: services with their methods and types.
        #[arg(long)]
        json: bool,
        /// Give up after this long (Go syntax).
        #[arg(long, value_name = "DURATION", value_parser = call::parse_duration, default_value = "10s")]
        timeout: Duration,
    },
}

fn run(cli: Cli) -> exit::Result<()> {
    match cli.cmd {
        Cmd::Dump { json, file } => dump::run(file.as_deref(), json),
        Cmd::Encode {
            types,
            type_name,
            output,
            json,
        } => encode::run(
            types.as_deref(),
            &type_name,
            json.as_deref(),
            output.as_deref(),
        ),
        Cmd::Call {
            http,
            unix,
            tls_ca,
            server_name,
            timeout,
            types,
            arg_type,
            addr,
            method,
            args,
        } => call::run(call::CallArgs {
            target: call::Target {
                addr,
                unix,
                http,
                tls_ca,
                server_name,
                timeout: (!timeout.is_zero()).then_some(timeout),
            },
            method,
            args,
            types,
            arg_type,
        }),
        Cmd::GenRust {
            types,
            type_names,
            output,
        } => genrust::run(&types, &type_names, output.as_deref()),
        Cmd::Plugin {
            cookie,
            version,
            dispense,
            types,
            arg_type,
            timeout,
            command,
        } => plugin::run(plugin::PluginArgs {
            cookie,
            version,
            dispense,
            types,
            arg_type,
            timeout: (!timeout.is_zero()).then_some(timeout),
            command,
        }),
        Cmd::Tap {
            json,
            http,
            listen,
            upstream,
        } => tap::run(&listen, &upstream, json, http),
        Cmd::Serve {
            types,
            replies,
            record,
            http,
            addr,
        } => serve::run(serve::ServeArgs {
            types,
            replies,
            record,
            http,
            addr,
        }),
        Cmd::Describe {
            addr,
            path,
            json,
            timeout,
        } => describe::run(&addr, &path, json, timeout),
    }
}

fn main() {
    let cli = Cli::parse();
    if let Err(f) = run(cli) {
        if f.code == exit::SERVER {
            // Go's error text, verbatim.
            eprintln!("{}", f.message);
        } else {
            eprintln!("gobrpc: {}", f.one_line());
        }
        std::process::exit(f.code);
    }
}
