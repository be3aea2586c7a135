//! The handshake line a plugin prints on stdout, and version negotiation.
//!
//! ```text
//! CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK-TYPE|NETWORK-ADDR|PROTOCOL|SERVER-CERT
//! 1|1|unix|/tmp/plugin123|netrpc|
//! ```
//! The host offers its versions in `PLUGIN_PROTOCOL_VERSIONS` (comma-separated); the plugin
//! answers with the version it chose. Errors are go-plugin's (`client.go`), word for word.

use super::error::{Error, Result};
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// go-plugin's core protocol version (`CoreProtocolVersion`).
pub const CORE_PROTOCOL_VERSION: i64 = 1;

/// The `netrpc` protocol name: the one this host speaks.
pub const PROTOCOL_NETRPC: &str = "netrpc";
/// The `grpc` protocol name (refused: this host speaks `netrpc` only).
pub const PROTOCOL_GRPC: &str = "grpc";

/// Where a plugin listens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PluginAddr {
    /// A TCP address as the plugin printed it (`127.0.0.1:10000`, or `:1234`).
    Tcp(String),
    /// A Unix socket path.
    Unix(std::path::PathBuf),
}

impl PluginAddr {
    /// Go's `Addr.Network()`: `"tcp"` or `"unix"`.
    pub fn network(&self) -> &'static str {
        match self {
            PluginAddr::Tcp(_) => "tcp",
            PluginAddr::Unix(_) => "unix",
        }
    }
}

impl std::fmt::Display for PluginAddr {
    /// Go's `Addr.String()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PluginAddr::Tcp(a) => f.write_str(a),
            PluginAddr::Unix(p) => write!(f, "{}", p.display()),
        }
    }
}

/// What a handshake line says, once checked against the host's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Handshake {
    /// The application protocol version both sides use.
    pub version: u32,
    /// The plugin set of that version (names `dispense` accepts).
    pub plugins: BTreeSet<String>,
    /// Where to connect.
    pub addr: PluginAddr,
    /// The protocol (`netrpc`).
    pub protocol: String,
    /// The plugin's AutoMTLS certificate (DER), when it sent one.
    pub server_cert: Option<Vec<u8>>,
}

/// The value of `PLUGIN_PROTOCOL_VERSIONS` for these plugin sets.
pub fn protocol_versions_env(versions: &BTreeMap<u32, BTreeSet<String>>) -> String {
    let v: Vec<String> = versions.keys().map(u32::to_string).collect();
    v.join(",")
}

/// Checks a handshake line as go-plugin's `Client.Start` does.
pub fn parse(
    line: &str,
    versions: &BTreeMap<u32, BTreeSet<String>>,
    allowed_protocols: &[String],
) -> Result<Handshake> {
    let line = line.trim();
    let parts: Vec<&str> = line.splitn(6, '|').collect();
    if parts.len() < 4 {
        return Err(Error::Handshake(format!(
            "Unrecognized remote plugin message: {line}\n\n\
             This usually means that the plugin is either invalid or simply\n\
             needs to be recompiled to support the latest protocol."
        )));
    }
    let core = go_parse_int("strconv.ParseInt", parts[0])
        .map_err(|e| Error::Handshake(format!("Error parsing core protocol version: {e}")))?;
    if core != CORE_PROTOCOL_VERSION {
        return Err(Error::Handshake(format!(
            "Incompatible core API version with plugin. Plugin version: {}, Core version: {}\n\n\
             To fix this, the plugin usually only needs to be recompiled.\n\
             Please report this to the plugin author.",
            parts[0], CORE_PROTOCOL_VERSION
        )));
    }
    let server_version = go_parse_int("strconv.Atoi", parts[1]).map_err(|e| {
        Error::Handshake(format!(
            "Error parsing protocol version {:?}: {e}",
            parts[1]
        ))
    })?;
    let (version, plugins) = versions
        .iter()
        .find(|(v, _)| i64::from(**v) == server_version)
        .map(|(v, p)| (*v, p.clone()))
        .ok_or_else(|| {
            let client: Vec<String> = versions.keys().map(u32::to_string).collect();
            Error::Handshake(format!(
                "Incompatible API version with plugin. Plugin version: {server_version}, \
                 Client versions: [{}]",
                client.join(" ")
            ))
        })?;
    let addr = match parts[2] {
        "tcp" => PluginAddr::Tcp(parts[3].to_string()),
        "unix" => PluginAddr::Unix(parts[3].into()),
        // go-plugin names the address here, not the type.
        _ => {
            return Err(Error::Handshake(format!(
                "Unknown address type: {}",
                parts[3]
            )))
        }
    };
    let protocol = parts.get(4).map_or(PROTOCOL_NETRPC, |p| *p).to_string();
    if !allowed_protocols.contains(&protocol) {
        return Err(Error::Handshake(format!(
            "Unsupported plugin protocol {protocol:?}. Supported: [{}]",
            allowed_protocols.join(" ")
        )));
    }
    // go-plugin ignores a sixth field of 50 bytes or less ("extra" data of older servers).
    let server_cert = match parts.get(5) {
        Some(cert) if cert.len() > 50 => Some(base64_raw_std(cert).ok_or_else(|| {
            Error::Handshake("error parsing server cert: illegal base64 data".into())
        })?),
        _ => None,
    };
    Ok(Handshake {
        version,
        plugins,
        addr,
        protocol,
        server_cert,
    })
}

/// Go's `strconv.ParseInt(s, 10, 0)` on 64 bits, with Go's error text.
fn go_parse_int(func: &str, s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{func}: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("{func}: parsing {s:?}: value out of range"))
}

/// Go's `base64.RawStdEncoding.DecodeString`: standard alphabet, no padding.
fn base64_raw_std(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let val = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
    let b = s.as_bytes();
    if b.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() * 3 / 4);
    for chunk in b.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1() -> BTreeMap<u32, BTreeSet<String>> {
        BTreeMap::from([(1, BTreeSet::from(["test".to_string()]))])
    }

    fn netrpc() -> Vec<String> {
        vec![PROTOCOL_NETRPC.to_string()]
    }

    #[test]
    fn netrpc_unix_line() {
        let h = parse("1|1|unix|/tmp/plugin42|netrpc|\n", &v1(), &netrpc()).unwrap();
        assert_eq!(h.version, 1);
        assert_eq!(h.addr, PluginAddr::Unix("/tmp/plugin42".into()));
        assert_eq!(h.protocol, "netrpc");
        assert_eq!(h.server_cert, None);
        assert!(h.plugins.contains("test"));
    }

    #[test]
    fn four_fields_default_to_netrpc() {
        // go-plugin's "mock" helper prints exactly this.
        let h = parse("1|1|tcp|:1234", &v1(), &netrpc()).unwrap();
        assert_eq!(h.addr, PluginAddr::Tcp(":1234".into()));
        assert_eq!(
            (h.addr.network(), h.addr.to_string()),
            ("tcp", ":1234".to_string())
        );
        assert_eq!(h.protocol, "netrpc");
    }

    #[test]
    fn unrecognized_message() {
        let e = parse("lolinvalid", &v1(), &netrpc())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("Unrecognized remote plugin message: lolinvalid\n\n"),
            "{e}"
        );
    }

    #[test]
    fn core_version() {
        let e = parse("x|1|tcp|:1", &v1(), &netrpc())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "Error parsing core protocol version: strconv.ParseInt: parsing \"x\": invalid syntax"
        );
        let e = parse("2|1|tcp|:1", &v1(), &netrpc())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "Incompatible core API version with plugin. Plugin version: 2, Core version: 1"
            ),
            "{e}"
        );
    }

    #[test]
    fn app_version_mismatch_lists_client_versions() {
        // go-plugin's "bad-version" helper prints "1|11|tcp|:1234".
        let mut versions = v1();
        versions.insert(3, BTreeSet::new());
        let e = parse("1|11|tcp|:1234", &versions, &netrpc())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "Incompatible API version with plugin. Plugin version: 11, Client versions: [1 3]"
        );
        let e = parse("1|v|tcp|:1234", &versions, &netrpc())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "Error parsing protocol version \"v\": strconv.Atoi: parsing \"v\": invalid syntax"
        );
    }

    #[test]
    fn negotiates_the_plugins_version() {
        let mut versions = v1();
        versions.insert(2, BTreeSet::from(["two".to_string()]));
        assert_eq!(protocol_versions_env(&versions), "1,2");
        let h = parse("1|2|tcp|127.0.0.1:1|netrpc|", &versions, &netrpc()).unwrap();
        assert_eq!(h.version, 2);
        assert!(h.plugins.contains("two"));
    }

    #[test]
    fn unknown_network_names_the_address() {
        let e = parse("1|1|udp|1.2.3.4:5", &v1(), &netrpc())
            .unwrap_err()
            .to_string();
        assert_eq!(e, "Unknown address type: 1.2.3.4:5");
    }

    #[test]
    fn grpc_is_refused() {
        let e = parse("1|1|unix|/tmp/p|grpc|", &v1(), &netrpc())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "Unsupported plugin protocol \"grpc\". Supported: [netrpc]"
        );
    }

    #[test]
    fn server_cert_is_raw_base64_der() {
        // 60 bytes 0..60 in RawStdEncoding (Go: base64.RawStdEncoding.EncodeToString).
        let der: Vec<u8> = (0u8..60).collect();
        let text =
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7";
        let h = parse(
            &format!("1|1|tcp|127.0.0.1:9|netrpc|{text}"),
            &v1(),
            &netrpc(),
        )
        .unwrap();
        assert_eq!(h.server_cert, Some(der));
        // 50 bytes or less: ignored, as go-plugin ignores it.
        let h = parse("1|1|tcp|127.0.0.1:9|netrpc|short!", &v1(), &netrpc()).unwrap();
        assert_eq!(h.server_cert, None);
        let bad = "!".repeat(60);
        let e = parse(&format!("1|1|tcp|:9|netrpc|{bad}"), &v1(), &netrpc()).unwrap_err();
        assert!(e.to_string().starts_with("error parsing server cert: "));
    }
}
