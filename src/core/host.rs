//! Which hosts name this machine. Plain `http` is allowed only to them: by the fetcher in development
//! (`--allow-loopback-http`), for a native wallet's redirect URI (RFC 8252 section 7.3) and for an issuer name a
//! development certificate vouches for. One rule, so the three cannot drift apart.

/// Whether `host` (a URL's host, IPv6 in brackets or not) names this machine: `localhost` or a loopback address.
#[must_use]
pub fn is_loopback_name(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    // The URL host parser reads both address families (an IPv6 address is written in brackets there).
    let written = if bare.contains(':') { format!("[{bare}]") } else { bare.to_owned() };
    match url::Host::parse(&written) {
        Ok(url::Host::Ipv4(address)) => address.is_loopback(),
        Ok(url::Host::Ipv6(address)) => address.is_loopback(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_only() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "[::1]", "::1"] {
            assert!(is_loopback_name(host), "{host}");
        }
        for host in ["localhost.example", "10.0.0.1", "[::2]", "academy.example", "0.0.0.0", ""] {
            assert!(!is_loopback_name(host), "{host}");
        }
    }
}
