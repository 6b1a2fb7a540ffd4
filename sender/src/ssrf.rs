//! The SSRF guard (SPEC §10): webhook URLs must be `https://` and resolve only to public
//! addresses, checked at registration **and at connect time**. The HTTP client resolves
//! names through [`GuardedResolver`], which refuses the whole name when any address it
//! resolves to is not allowed and hands the client only the addresses it checked, so a DNS
//! answer that changes between the check and the connection cannot slip through.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use reqwest::Url;

/// A CIDR range, `10.0.0.0/8` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `addr/prefix` (a bare address is a single-address range).
    ///
    /// # Errors
    /// A message when the text is not a CIDR.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (a, p) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let addr: IpAddr = a.parse().map_err(|_| format!("`{text}` is not a CIDR (address/prefix)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("bad prefix in `{text}`"))?,
        };
        Ok(Self { addr, prefix })
    }

    /// Whether `ip` is inside the range (IPv4 ranges never contain IPv6 addresses).
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(u128::from(net.to_bits()), u128::from(ip.to_bits()), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(net.to_bits(), ip.to_bits(), 128, self.prefix),
            _ => false,
        }
    }
}

impl core::fmt::Display for Cidr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn prefix_eq(a: u128, b: u128, bits: u8, prefix: u8) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = u32::from(bits - prefix.min(bits));
    (a >> shift) == (b >> shift)
}

fn v4_in(ip: Ipv4Addr, net: [u8; 4], prefix: u8) -> bool {
    prefix_eq(u128::from(ip.to_bits()), u128::from(Ipv4Addr::from(net).to_bits()), 32, prefix)
}

fn v6_in(ip: Ipv6Addr, net: Ipv6Addr, prefix: u8) -> bool {
    prefix_eq(ip.to_bits(), net.to_bits(), 128, prefix)
}

/// Why an address is not public, or `None` for a public address.
///
/// The classes are stable strings used in error messages: `unspecified`, `loopback`,
/// `private`, `cgnat`, `link_local`, `reserved`, `documentation`, `benchmarking`,
/// `multicast`, `broadcast`, `unique_local`, `site_local`, `ipv4_mapped`, `ipv4_compatible`,
/// `nat64`, `6to4`, `teredo`, `discard`.
#[must_use]
pub fn classify(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const TABLE: &[([u8; 4], u8, &str)] = &[
        ([0, 0, 0, 0], 32, "unspecified"),
        ([255, 255, 255, 255], 32, "broadcast"),
        ([0, 0, 0, 0], 8, "reserved"),
        ([10, 0, 0, 0], 8, "private"),
        ([100, 64, 0, 0], 10, "cgnat"),
        ([127, 0, 0, 0], 8, "loopback"),
        ([169, 254, 0, 0], 16, "link_local"),
        ([172, 16, 0, 0], 12, "private"),
        ([192, 0, 0, 0], 24, "reserved"),
        ([192, 0, 2, 0], 24, "documentation"),
        ([192, 88, 99, 0], 24, "6to4"),
        ([192, 168, 0, 0], 16, "private"),
        ([198, 18, 0, 0], 15, "benchmarking"),
        ([198, 51, 100, 0], 24, "documentation"),
        ([203, 0, 113, 0], 24, "documentation"),
        ([224, 0, 0, 0], 4, "multicast"),
        ([240, 0, 0, 0], 4, "reserved"),
    ];
    TABLE.iter().find(|(net, p, _)| v4_in(ip, *net, *p)).map(|(_, _, why)| *why)
}

fn classify_v6(ip: Ipv6Addr) -> Option<&'static str> {
    const fn a(s: [u16; 8]) -> Ipv6Addr {
        Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
    }
    const TABLE: &[(Ipv6Addr, u8, &str)] = &[
        (Ipv6Addr::UNSPECIFIED, 128, "unspecified"),
        (Ipv6Addr::LOCALHOST, 128, "loopback"),
        (a([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96, "ipv4_mapped"),
        (a([0, 0, 0, 0, 0xffff, 0, 0, 0]), 96, "ipv4_mapped"), // SIIT ::ffff:0:a.b.c.d
        (a([0, 0, 0, 0, 0, 0, 0, 0]), 96, "ipv4_compatible"),
        (a([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]), 96, "nat64"),
        (a([0x64, 0xff9b, 1, 0, 0, 0, 0, 0]), 48, "nat64"),
        (a([0x100, 0, 0, 0, 0, 0, 0, 0]), 64, "discard"),
        (a([0x2001, 0, 0, 0, 0, 0, 0, 0]), 32, "teredo"),
        (a([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32, "documentation"),
        (a([0x2001, 0, 0, 0, 0, 0, 0, 0]), 23, "reserved"),
        (a([0x2002, 0, 0, 0, 0, 0, 0, 0]), 16, "6to4"),
        (a([0x3fff, 0, 0, 0, 0, 0, 0, 0]), 20, "documentation"),
        (a([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7, "unique_local"),
        (a([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10, "link_local"),
        (a([0xfec0, 0, 0, 0, 0, 0, 0, 0]), 10, "site_local"),
        (a([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, "multicast"),
    ];
    if let Some((_, _, why)) = TABLE.iter().find(|(net, p, _)| v6_in(ip, *net, *p)) {
        return Some(why);
    }
    // Only 2000::/3 is allocated as global unicast; everything else is reserved.
    if v6_in(ip, a([0x2000, 0, 0, 0, 0, 0, 0, 0]), 3) { None } else { Some("reserved") }
}

/// Why a URL or an address was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Not a URL, no host, or a scheme other than `https` (`http` in dev mode).
    Invalid(String),
    /// The host is, or resolves to, an address that is not allowed.
    NotAllowed(String),
    /// The name does not resolve.
    Unresolvable(String),
}

impl UrlError {
    /// The stable API error code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_url",
            Self::NotAllowed(_) => "url_not_allowed",
            Self::Unresolvable(_) => "url_unresolvable",
        }
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            Self::Invalid(m) | Self::NotAllowed(m) | Self::Unresolvable(m) => m,
        }
    }
}

impl core::fmt::Display for UrlError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for UrlError {}

/// A boxed future of resolved addresses.
pub type LookupFuture = Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;
/// A name lookup: the system resolver in production, a stub in tests.
pub type Lookup = Arc<dyn Fn(String) -> LookupFuture + Send + Sync>;

/// The system resolver (`getaddrinfo` through tokio).
#[must_use]
pub fn system_lookup() -> Lookup {
    Arc::new(|host: String| {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    })
}

/// Which targets are allowed.
#[derive(Clone)]
pub struct Policy {
    /// `--dev`: `http://` and loopback targets allowed.
    pub dev: bool,
    /// `--allow-cidr`: ranges allowed although not public.
    pub allow: Vec<Cidr>,
    /// The name lookup.
    pub lookup: Lookup,
}

impl core::fmt::Debug for Policy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Policy").field("dev", &self.dev).field("allow", &self.allow).finish_non_exhaustive()
    }
}

impl Policy {
    /// A policy with the system resolver.
    #[must_use]
    pub fn new(dev: bool, allow: Vec<Cidr>) -> Self {
        Self { dev, allow, lookup: system_lookup() }
    }

    /// Whether a connection to `ip` is allowed.
    ///
    /// # Errors
    /// [`UrlError::NotAllowed`] naming the address class.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), UrlError> {
        let Some(class) = classify(ip) else { return Ok(()) };
        if self.allow.iter().any(|c| c.contains(ip)) || (self.dev && class == "loopback") {
            return Ok(());
        }
        Err(UrlError::NotAllowed(format!("{ip} is a {class} address; only public addresses are allowed")))
    }

    /// Checks a URL's syntax and scheme (no resolution).
    ///
    /// # Errors
    /// [`UrlError::Invalid`].
    pub fn parse_url(&self, text: &str) -> Result<Url, UrlError> {
        if text.len() > 2048 {
            return Err(UrlError::Invalid("the URL is longer than 2048 characters".into()));
        }
        let url = Url::parse(text).map_err(|e| UrlError::Invalid(format!("not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.dev => {}
            other => {
                return Err(UrlError::Invalid(format!(
                    "the scheme must be https{} (got `{other}`)",
                    if self.dev { " or http" } else { "" }
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Invalid("credentials in the URL are not allowed".into()));
        }
        if url.host().is_none() {
            return Err(UrlError::Invalid("the URL has no host".into()));
        }
        Ok(url)
    }

    /// Resolves `host` and checks every address (all must be allowed).
    ///
    /// # Errors
    /// [`UrlError::NotAllowed`] or [`UrlError::Unresolvable`].
    pub async fn resolve_checked(&self, host: &str) -> Result<Vec<IpAddr>, UrlError> {
        let trimmed = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = trimmed.parse::<IpAddr>() {
            self.check_ip(ip)?;
            return Ok(vec![ip]);
        }
        let ips = (self.lookup)(host.to_owned())
            .await
            .map_err(|e| UrlError::Unresolvable(format!("`{host}` does not resolve: {e}")))?;
        if ips.is_empty() {
            return Err(UrlError::Unresolvable(format!("`{host}` has no addresses")));
        }
        for ip in &ips {
            self.check_ip(*ip).map_err(|e| UrlError::NotAllowed(format!("`{host}` resolves to {}", e.message())))?;
        }
        Ok(ips)
    }

    /// The full check of a URL: syntax, scheme, and every address it resolves to.
    ///
    /// # Errors
    /// Any [`UrlError`].
    pub async fn check_url(&self, text: &str) -> Result<Url, UrlError> {
        let url = self.parse_url(text)?;
        let host = url.host_str().unwrap_or_default().to_owned();
        self.resolve_checked(&host).await?;
        Ok(url)
    }
}

/// The HTTP client's resolver: resolves, checks every address against the [`Policy`], and
/// returns only checked addresses (the client connects to exactly these).
#[derive(Debug, Clone)]
pub struct GuardedResolver(pub Arc<Policy>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = Arc::clone(&self.0);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips = policy
                .resolve_checked(&host)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let addrs: reqwest::dns::Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_addresses() {
        let table: &[(&str, Option<&str>)] = &[
            ("8.8.8.8", None),
            ("1.1.1.1", None),
            ("93.184.216.34", None),
            ("0.0.0.0", Some("unspecified")),
            ("0.1.2.3", Some("reserved")),
            ("127.0.0.1", Some("loopback")),
            ("127.255.255.254", Some("loopback")),
            ("10.0.0.1", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private")),
            ("100.64.0.1", Some("cgnat")),
            ("100.127.255.255", Some("cgnat")),
            ("100.128.0.1", None),
            ("169.254.169.254", Some("link_local")),
            ("192.0.0.8", Some("reserved")),
            ("192.0.2.1", Some("documentation")),
            ("198.18.0.1", Some("benchmarking")),
            ("198.51.100.7", Some("documentation")),
            ("203.0.113.9", Some("documentation")),
            ("224.0.0.1", Some("multicast")),
            ("239.255.255.250", Some("multicast")),
            ("240.0.0.1", Some("reserved")),
            ("255.255.255.255", Some("broadcast")),
            ("2606:4700:4700::1111", None),
            ("2a00:1450:4001:82b::200e", None),
            ("::", Some("unspecified")),
            ("::1", Some("loopback")),
            ("::ffff:127.0.0.1", Some("ipv4_mapped")),
            ("::ffff:8.8.8.8", Some("ipv4_mapped")),
            ("::ffff:169.254.169.254", Some("ipv4_mapped")),
            ("::127.0.0.1", Some("ipv4_compatible")),
            ("::10.0.0.1", Some("ipv4_compatible")),
            ("64:ff9b::a00:1", Some("nat64")),
            ("64:ff9b:1::1", Some("nat64")),
            ("100::1", Some("discard")),
            ("2001::1", Some("teredo")),
            ("2001:db8::1", Some("documentation")),
            ("2002:a00:1::1", Some("6to4")),
            ("fc00::1", Some("unique_local")),
            ("fd12:3456::1", Some("unique_local")),
            ("fe80::1", Some("link_local")),
            ("febf::1", Some("link_local")),
            ("fec0::1", Some("site_local")),
            ("ff02::1", Some("multicast")),
            ("ff0e::1", Some("multicast")),
            ("4000::1", Some("reserved")),
        ];
        for (text, want) in table {
            let ip: IpAddr = text.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert_eq!(classify(ip), *want, "{text}");
        }
    }

    #[test]
    fn cidrs_parse_and_contain() {
        let table: &[(&str, &str, bool)] = &[
            ("127.0.0.0/8", "127.1.2.3", true),
            ("127.0.0.0/8", "128.0.0.1", false),
            ("10.1.0.0/16", "10.1.255.1", true),
            ("10.1.0.0/16", "10.2.0.1", false),
            ("0.0.0.0/0", "10.2.0.1", true),
            ("0.0.0.0/0", "::1", false),
            ("fd00::/8", "fd12::1", true),
            ("fd00::/8", "fc00::1", false),
            ("::1", "::1", true),
            ("192.168.1.5", "192.168.1.5", true),
            ("192.168.1.5", "192.168.1.6", false),
        ];
        for (cidr, ip, want) in table {
            let c = Cidr::parse(cidr).unwrap_or_else(|e| unreachable!("{e}"));
            let ip: IpAddr = ip.parse().unwrap_or_else(|_| unreachable!());
            assert_eq!(c.contains(ip), *want, "{cidr} ∋ {ip}");
        }
        for bad in ["", "10.0.0.0/33", "::/129", "10.0.0/8", "host/8", "10.0.0.0/x"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn policy_allows_and_refuses() {
        let strict = Policy::new(false, vec![]);
        let dev = Policy::new(true, vec![]);
        let allow = Policy::new(false, vec![Cidr::parse("10.0.0.0/8").unwrap_or_else(|e| unreachable!("{e}"))]);
        let lo: IpAddr = "127.0.0.1".parse().unwrap_or_else(|_| unreachable!());
        let ten: IpAddr = "10.9.8.7".parse().unwrap_or_else(|_| unreachable!());
        let meta: IpAddr = "169.254.169.254".parse().unwrap_or_else(|_| unreachable!());
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap_or_else(|_| unreachable!());
        assert!(strict.check_ip(lo).is_err());
        assert!(dev.check_ip(lo).is_ok());
        assert!(dev.check_ip(ten).is_err());
        assert!(dev.check_ip(meta).is_err());
        assert!(dev.check_ip(mapped).is_err());
        assert!(allow.check_ip(ten).is_ok());
        assert!(allow.check_ip(lo).is_err());
        assert_eq!(strict.parse_url("http://example.com/").map_err(|e| e.code()), Err("invalid_url"));
        assert!(dev.parse_url("http://example.com/").is_ok());
        assert_eq!(strict.parse_url("ftp://example.com/").map_err(|e| e.code()), Err("invalid_url"));
        assert_eq!(strict.parse_url("https://u:p@example.com/").map_err(|e| e.code()), Err("invalid_url"));
        assert_eq!(strict.parse_url("not a url").map_err(|e| e.code()), Err("invalid_url"));
        assert!(strict.parse_url("https://example.com/hook").is_ok());
    }
}
