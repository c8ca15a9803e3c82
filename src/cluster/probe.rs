//! The first request of every connection (`GET /version`), so that a cluster that cannot
//! be used fails at once with its cause named — an unknown CA, a certificate for another
//! name or out of date, rejected credentials, a host that does not resolve or refuses —
//! instead of as whatever the run happened to ask first.

use std::error::Error as _;

/// Why the API server cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// TLS: the server's certificate is not trusted (with what to do).
    Certificate(String),
    /// 401: the credentials were rejected.
    Unauthorized,
    /// 403 on the probe itself.
    Forbidden,
    /// DNS, refused, timed out, or another transport error.
    Unreachable(String),
    /// Another answer.
    Other(String),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Certificate(m) | Unusable::Unreachable(m) | Unusable::Other(m) => {
                f.write_str(m)
            }
            Unusable::Unauthorized => f.write_str(
                "401 Unauthorized: the token or credentials were rejected (expired token? log in again, or check --token / MTVT_TOKEN / the kubeconfig user)",
            ),
            Unusable::Forbidden => f.write_str(
                "403 Forbidden: the credentials are valid but may not read /version; use an identity with cluster access",
            ),
        }
    }
}

/// Asks the server for its version; the error names the cause.
pub async fn probe(client: &kube::Client) -> Result<(), Unusable> {
    match client.apiserver_version().await {
        Ok(_) => Ok(()),
        Err(e) => Err(classify(&e)),
    }
}

/// The cause of `e`, read from its whole chain of sources.
pub fn classify(e: &kube::Error) -> Unusable {
    if let kube::Error::Api(s) = e {
        return match s.code {
            401 => Unusable::Unauthorized,
            403 => Unusable::Forbidden,
            code => Unusable::Other(format!("the API server answered {code}: {}", s.message)),
        };
    }
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    cause_of(&chain)
}

/// The cause named by any error and its sources (a transport error of a request).
pub fn cause_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    cause_of(&chain).to_string()
}

/// The cause named in an error chain's text.
fn cause_of(chain: &str) -> Unusable {
    let trust = "trust it with the kubeconfig's certificate-authority-data, --certificate-authority FILE, or skip verification with --insecure-skip-tls-verify";
    if chain.contains("UnknownIssuer") || chain.contains("unknown issuer") {
        return Unusable::Certificate(format!(
            "TLS: the server's certificate is signed by a CA this client does not trust; {trust}"
        ));
    }
    if chain.contains("NotValidForName") || chain.contains("not valid for name") {
        return Unusable::Certificate(format!(
            "TLS: the server's certificate is for another host name than the URL's; use the name it was issued for, or {trust}"
        ));
    }
    if chain.contains("Expired") || chain.contains("NotValidYet") {
        return Unusable::Certificate(format!(
            "TLS: the server's certificate is expired or not yet valid (check the clocks); {trust}"
        ));
    }
    if chain.contains("InvalidCertificate") || chain.contains("invalid peer certificate") {
        return Unusable::Certificate(format!(
            "TLS: the server's certificate was refused ({chain}); {trust}"
        ));
    }
    if chain.contains("dns error") || chain.contains("failed to lookup address") {
        return Unusable::Unreachable(String::from(
            "the host name does not resolve (DNS); check the URL",
        ));
    }
    if chain.contains("Connection refused") || chain.contains("connection refused") {
        return Unusable::Unreachable(String::from(
            "connection refused: nothing listens at that address and port",
        ));
    }
    if chain.contains("timed out") || chain.contains("Timeout") {
        return Unusable::Unreachable(String::from(
            "the connection timed out (firewall, VPN or a wrong address?)",
        ));
    }
    Unusable::Unreachable(chain.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_named_from_the_chain() {
        let c = cause_of("client error (Connect): invalid peer certificate: UnknownIssuer");
        assert!(
            matches!(&c, Unusable::Certificate(m) if m.contains("does not trust")),
            "{c}"
        );
        let c = cause_of("error: invalid peer certificate: NotValidForName");
        assert!(c.to_string().contains("another host name"), "{c}");
        let c = cause_of("invalid peer certificate: Expired");
        assert!(c.to_string().contains("expired"), "{c}");
        let c = cause_of("client error (Connect): dns error: failed to lookup address information");
        assert!(c.to_string().contains("does not resolve"), "{c}");
        let c = cause_of("tcp connect error: Connection refused (os error 111)");
        assert!(c.to_string().contains("connection refused"), "{c}");
        assert!(
            Unusable::Unauthorized
                .to_string()
                .starts_with("401 Unauthorized")
        );
    }
}
