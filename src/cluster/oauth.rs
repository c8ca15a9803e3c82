//! OpenShift username/password login, as `oc login` does it: read the OAuth server's
//! metadata from `<api>/.well-known/oauth-authorization-server`, then ask its
//! `authorization_endpoint` for a token with the `openshift-challenging-client` (basic
//! auth, `X-CSRF-Token`, no redirect following); the token is in the `Location` fragment.
//!
//! It must never log or return the password; errors say which request failed and why.

use mtvt_vocab::Secret;

/// Logs in and returns the bearer token.
pub async fn login(
    api_url: &str,
    user: &str,
    password: &Secret,
    ca_pem: Option<&[u8]>,
    insecure: bool,
) -> Result<Secret, String> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(insecure)
        .timeout(std::time::Duration::from_secs(30));
    if let Some(pem) = ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("the CA is not valid PEM: {e}"))?;
        for c in certs {
            builder = builder.add_root_certificate(c);
        }
    }
    let http = builder
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let meta_url = format!(
        "{}/.well-known/oauth-authorization-server",
        api_url.trim_end_matches('/')
    );
    let meta: serde_json::Value = http
        .get(&meta_url)
        .send()
        .await
        .map_err(|e| format!("GET {meta_url}: {}", e.without_url()))?
        .error_for_status()
        .map_err(|e| format!("GET {meta_url}: {}", e.without_url()))?
        .json()
        .await
        .map_err(|e| format!("GET {meta_url}: not the OAuth metadata JSON: {e}"))?;
    let authorize = meta
        .get("authorization_endpoint")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("{meta_url} has no authorization_endpoint (is this OpenShift?)"))?;
    let resp = http
        .get(authorize)
        .query(&[
            ("client_id", "openshift-challenging-client"),
            ("response_type", "token"),
        ])
        .basic_auth(user, Some(password.expose()))
        .header("X-CSRF-Token", "1")
        .send()
        .await
        .map_err(|e| format!("GET {authorize}: {}", e.without_url()))?;
    let status = resp.status();
    if status.as_u16() == 401 {
        return Err(format!(
            "the OAuth server refused user '{user}' (401): check the username and password"
        ));
    }
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("GET {authorize} answered {status} without a redirect"))?;
    token_from_location(location)
        .ok_or_else(|| format!("the OAuth redirect carries no access_token (status {status})"))
}

/// The `access_token` of a redirect `Location` (in the fragment, or the query).
pub fn token_from_location(location: &str) -> Option<Secret> {
    let params = location
        .split_once('#')
        .map(|(_, f)| f)
        .or_else(|| location.split_once('?').map(|(_, q)| q))?;
    params
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "access_token")
        .map(|(_, v)| Secret::new(v))
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_in_fragment() {
        let t = token_from_location(
            "https://oauth.apps/oauth/token/implicit#access_token=sha256~abc&expires_in=86400&token_type=Bearer",
        );
        assert_eq!(t.as_ref().map(Secret::expose), Some("sha256~abc"));
        assert!(token_from_location("https://x/#error=access_denied").is_none());
        assert!(token_from_location("https://x/").is_none());
    }
}
