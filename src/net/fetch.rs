//! The one guarded fetcher every network read goes through (did:web documents, status lists, issuer and verifier
//! metadata, protocol endpoints): STANDARDS.md section 9.9 and DESIGN.md section 5.
//!
//! - https only; plain http only to loopback hosts, and only when the operator passed the development flag
//!   (`--allow-loopback-http` / `SKILLSPASS_ALLOW_LOOPBACK_HTTP=1`);
//! - every address a name resolves to must be public: private, loopback, link-local, CGNAT, unique-local,
//!   multicast and unspecified addresses are refused, for the first request and for every redirect (the check sits
//!   in the DNS resolver the HTTP client uses, so a name cannot be re-pointed between check and connect);
//! - IP-literal URLs are checked the same way before any connection is attempted;
//! - at most 3 redirects, each re-checked; connect and total timeouts; a cap on the body size.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

pub use crate::core::host::is_loopback_name;

/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 3;
/// Time to establish a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time for a whole request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a fetch was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Not a URL.
    #[error("{0:?} is not a URL")]
    BadUrl(String),
    /// http where https is required.
    #[error("{0} is not https (plain http is allowed only to loopback, with --allow-loopback-http)")]
    InsecureScheme(String),
    /// The host is or resolves to an address we never fetch from.
    #[error("{0} is a private, loopback or link-local address; refused")]
    ForbiddenAddress(String),
    /// More than [`MAX_REDIRECTS`] redirects.
    #[error("more than {MAX_REDIRECTS} redirects from {0}")]
    TooManyRedirects(String),
    /// Non-success HTTP status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// Larger than allowed.
    #[error("{url} sent more than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: usize,
    },
    /// Connection, TLS, DNS or timeout failure.
    #[error("fetching {url}: {reason}")]
    Network {
        /// The URL.
        url: String,
        /// What failed.
        reason: String,
    },
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The final URL (after redirects).
    pub url: String,
    /// The body.
    pub body: Vec<u8>,
    /// `Cache-Control: max-age`, if any.
    pub max_age: Option<Duration>,
}

/// What a POST sends.
#[derive(Debug, Clone, Copy)]
pub enum PostBody<'a> {
    /// `application/x-www-form-urlencoded`.
    Form(&'a [(&'a str, &'a str)]),
    /// `application/json`.
    Json(&'a serde_json::Value),
    /// No body.
    Empty,
}

/// An answer to a POST, whatever its status.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// `DPoP-Nonce` (RFC 9449 section 8), when the server sent one.
    pub dpop_nonce: Option<String>,
}

impl Answer {
    /// Whether the status is 2xx.
    #[must_use]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON (`Null` when empty or not JSON).
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        crate::core::encoding::parse_json(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The guarded fetcher.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    allow_loopback_http: bool,
    cache: super::Cache,
}

impl Fetcher {
    /// A fetcher; `allow_loopback_http` is the development flag.
    ///
    /// # Errors
    /// [`FetchError::Network`] if the HTTP client cannot be built.
    pub fn new(allow_loopback_http: bool) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .dns_resolver(Arc::new(GuardedResolver { allow_loopback: allow_loopback_http }))
            .user_agent(concat!("skillspass/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Network { url: String::new(), reason: e.to_string() })?;
        Ok(Self { client, allow_loopback_http, cache: super::Cache::default() })
    }

    /// The cache of what was fetched and verified, shared by every clone of this fetcher.
    #[must_use]
    pub fn cache(&self) -> &super::Cache {
        &self.cache
    }

    /// Whether plain http to loopback is allowed.
    #[must_use]
    pub fn allows_loopback_http(&self) -> bool {
        self.allow_loopback_http
    }

    /// GETs `url` with `accept`, following at most [`MAX_REDIRECTS`] checked redirects, reading at most `limit`
    /// bytes.
    ///
    /// # Errors
    /// [`FetchError`].
    pub async fn get(&self, url: &str, accept: &str, limit: usize) -> Result<Fetched, FetchError> {
        let mut current = Url::parse(url).map_err(|_| FetchError::BadUrl(url.chars().take(200).collect()))?;
        for _ in 0..=MAX_REDIRECTS {
            self.check_url(&current)?;
            let network = |e: reqwest::Error| FetchError::Network { url: current.to_string(), reason: error_chain(&e) };
            let response = self.client.get(current.clone()).header("accept", accept).send().await.map_err(network)?;
            if response.status().is_redirection() {
                let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default();
                current = current.join(location).map_err(|_| FetchError::BadUrl(location.to_owned()))?;
                continue;
            }
            if !response.status().is_success() {
                return Err(FetchError::Status { url: current.to_string(), status: response.status().as_u16() });
            }
            let max_age = max_age(response.headers());
            let body = read_bounded(response, &current, limit).await?;
            return Ok(Fetched { url: current.to_string(), body, max_age });
        }
        Err(FetchError::TooManyRedirects(url.to_owned()))
    }

    /// POSTs `body` to `url` (with a bearer token when given) and returns the answer whatever its status, since
    /// protocol endpoints answer errors with JSON bodies. Redirects are not followed (`OpenID4VP` section 8.2:
    /// wallets do not follow redirects from a response URI).
    ///
    /// # Errors
    /// [`FetchError`] for refused URLs, network failures, redirects and oversized answers.
    pub async fn post(
        &self,
        url: &str,
        body: PostBody<'_>,
        bearer: Option<&str>,
        limit: usize,
    ) -> Result<Answer, FetchError> {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization.iter().map(|a| ("authorization", a.as_str())).collect();
        self.post_with_headers(url, body, &headers, limit).await
    }

    /// POSTs like [`Fetcher::post`] with request `headers` of the caller's (`Authorization: DPoP …`, `DPoP`,
    /// the wallet attestation).
    ///
    /// # Errors
    /// As [`Fetcher::post`].
    pub async fn post_with_headers(
        &self,
        url: &str,
        body: PostBody<'_>,
        headers: &[(&str, &str)],
        limit: usize,
    ) -> Result<Answer, FetchError> {
        let target = Url::parse(url).map_err(|_| FetchError::BadUrl(url.chars().take(200).collect()))?;
        self.check_url(&target)?;
        let mut request = self.client.post(target.clone()).header("accept", "application/json");
        request = match body {
            PostBody::Form(pairs) => request.form(pairs),
            PostBody::Json(value) => request.json(value),
            PostBody::Empty => request,
        };
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let network = |e: reqwest::Error| FetchError::Network { url: target.to_string(), reason: error_chain(&e) };
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(FetchError::Status { url: target.to_string(), status: status.as_u16() });
        }
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (content_type, dpop_nonce) = (header("content-type"), header("dpop-nonce"));
        let body = read_bounded(response, &target, limit).await?;
        Ok(Answer { status: status.as_u16(), content_type, body, dpop_nonce })
    }

    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        let host = url.host_str().ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
        let loopback_host = is_loopback_name(host);
        match url.scheme() {
            "https" => {}
            "http" if self.allow_loopback_http && loopback_host => {}
            _ => return Err(FetchError::InsecureScheme(url.to_string())),
        }
        let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>();
        match literal {
            Ok(ip) if !address_allowed(ip, self.allow_loopback_http) => {
                Err(FetchError::ForbiddenAddress(url.to_string()))
            }
            _ => Ok(()),
        }
    }
}

async fn read_bounded(mut response: reqwest::Response, url: &Url, limit: usize) -> Result<Vec<u8>, FetchError> {
    let too_large = || FetchError::TooLarge { url: url.to_string(), limit };
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) =
        response.chunk().await.map_err(|e| FetchError::Network { url: url.to_string(), reason: error_chain(&e) })?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn max_age(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get("cache-control")?.to_str().ok()?;
    let seconds = value.split(',').find_map(|d| d.trim().strip_prefix("max-age="))?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The IPv4 address an IPv6 address carries and routes to: IPv4-mapped (`::ffff:0:0/96`), NAT64 with the
/// well-known prefix (RFC 6052, `64:ff9b::/96`) and 6to4 (RFC 3056, `2002::/16`). A private IPv4 address must not
/// become reachable by writing it in one of these forms.
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    if let Some(mapped) = v6.to_ipv4_mapped() {
        return Some(mapped);
    }
    let ([0x64, 0xff9b, 0, 0, 0, 0, high, low] | [0x2002, high, low, ..]) = v6.segments() else { return None };
    let [first, second] = high.to_be_bytes();
    let [third, fourth] = low.to_be_bytes();
    Some(std::net::Ipv4Addr::new(first, second, third, fourth))
}

/// Whether the fetcher may connect to `ip`: public addresses only, loopback too under the development flag.
#[must_use]
pub fn address_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => embedded_ipv4(v6).map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    };
    if ip.is_loopback() {
        return allow_loopback;
    }
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            let second = v6.segments()[1];
            !(v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && second == 0x0db8)
                // 64:ff9b:1::/48, local-use NAT64 (RFC 8215): translates to whatever the local network chooses.
                || (first == 0x64 && second == 0xff9b))
        }
    }
}

/// A DNS resolver that drops every address the fetcher may not connect to.
#[derive(Debug)]
struct GuardedResolver {
    allow_loopback: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = resolved.filter(|a| address_allowed(a.ip(), allow_loopback)).collect();
            if allowed.is_empty() {
                let refusal = std::io::Error::other(format!("{host} resolves only to private or loopback addresses"));
                return Err(Box::new(refusal) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for refused in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            "64:ff9b::c0a8:101",
            "64:ff9b:1::1",
            "2002:a00:1::1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
        ] {
            assert!(!address_allowed(refused.parse().unwrap(), false), "{refused}");
        }
        for allowed in ["93.184.216.34", "2606:4700::1111", "64:ff9b::5db8:d822", "2002:5db8:d822::1"] {
            assert!(address_allowed(allowed.parse().unwrap(), false), "{allowed}");
        }
        assert!(address_allowed("127.0.0.1".parse().unwrap(), true));
        assert!(!address_allowed("10.0.0.1".parse().unwrap(), true), "the development flag opens loopback only");
    }

    #[test]
    fn urls_are_checked_before_connecting() {
        let strict = Fetcher::new(false).unwrap();
        let dev = Fetcher::new(true).unwrap();
        let url = |u: &str| Url::parse(u).unwrap();
        assert!(matches!(strict.check_url(&url("http://academy.example/x")), Err(FetchError::InsecureScheme(_))));
        assert!(matches!(strict.check_url(&url("http://localhost:8080/x")), Err(FetchError::InsecureScheme(_))));
        assert!(matches!(strict.check_url(&url("https://10.0.0.1/x")), Err(FetchError::ForbiddenAddress(_))));
        assert!(matches!(strict.check_url(&url("https://[::1]/x")), Err(FetchError::ForbiddenAddress(_))));
        assert!(dev.check_url(&url("http://localhost:8080/x")).is_ok());
        assert!(dev.check_url(&url("http://127.0.0.1:8080/x")).is_ok());
        assert!(matches!(dev.check_url(&url("http://192.168.0.1/x")), Err(FetchError::InsecureScheme(_))));
        assert!(matches!(dev.check_url(&url("https://192.168.0.1/x")), Err(FetchError::ForbiddenAddress(_))));
        assert!(strict.check_url(&url("https://academy.example/x")).is_ok());
    }
}
