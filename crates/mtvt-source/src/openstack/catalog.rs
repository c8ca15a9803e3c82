//! The Keystone v3 service catalog: picks the public compute, image and block-storage
//! endpoints (in the profile's region when it names one) from a token body.

use serde_json::Value;
use url::Url;

/// Service endpoints found in a token's catalog (each URL ends with `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    /// Nova (`…/compute/v2.1/`).
    pub compute: Url,
    /// Glance root (`…/image/`, API paths start with `v2/`).
    pub image: Url,
    /// Cinder v3 with the project (`…/volume/v3/<project>/`), if offered.
    pub volume: Option<Url>,
}

fn endpoint(catalog: &[Value], types: &[&str], region: Option<&str>) -> Option<Url> {
    let service = types.iter().find_map(|t| {
        catalog
            .iter()
            .find(|s| s.get("type").and_then(Value::as_str) == Some(t))
    })?;
    let endpoints = service.get("endpoints")?.as_array()?;
    let in_region = |e: &&Value| {
        region.is_none_or(|r| {
            e.get("region_id").and_then(Value::as_str) == Some(r)
                || e.get("region").and_then(Value::as_str) == Some(r)
        })
    };
    let public = |e: &&Value| e.get("interface").and_then(Value::as_str) == Some("public");
    let chosen = endpoints
        .iter()
        .filter(in_region)
        .find(public)
        .or_else(|| endpoints.iter().find(in_region))?;
    let raw = chosen.get("url")?.as_str()?;
    let mut url = Url::parse(raw).ok()?;
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Some(url)
}

impl Catalog {
    /// Reads `token.catalog` of a Keystone v3 token body.
    pub fn from_token(body: &Value, region: Option<&str>) -> Result<Catalog, String> {
        let catalog = body
            .pointer("/token/catalog")
            .and_then(Value::as_array)
            .ok_or("the token has no service catalog (is the token project-scoped?)")?;
        let missing = |what: &str| {
            format!(
                "the catalog has no {what} endpoint{}",
                region
                    .map(|r| format!(" in region '{r}'"))
                    .unwrap_or_default()
            )
        };
        Ok(Catalog {
            compute: endpoint(catalog, &["compute"], region).ok_or_else(|| missing("compute"))?,
            image: endpoint(catalog, &["image"], region).ok_or_else(|| missing("image"))?,
            volume: endpoint(catalog, &["volumev3", "block-storage", "volume"], region),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn picks_public_endpoints_in_region() {
        let body = json!({"token": {"catalog": [
            {"type": "compute", "endpoints": [
                {"interface": "internal", "region": "r1", "url": "http://internal/compute/v2.1"},
                {"interface": "public", "region": "r2", "url": "http://other/compute/v2.1"},
                {"interface": "public", "region": "r1", "url": "http://pub/compute/v2.1"}]},
            {"type": "image", "endpoints": [{"interface": "public", "region_id": "r1", "url": "http://pub/image"}]},
            {"type": "block-storage", "endpoints": [{"interface": "public", "region": "r1", "url": "http://pub/volume/v3/p1/"}]}]}});
        let c = Catalog::from_token(&body, Some("r1")).unwrap();
        assert_eq!(c.compute.as_str(), "http://pub/compute/v2.1/");
        assert_eq!(c.image.as_str(), "http://pub/image/");
        assert_eq!(c.volume.unwrap().as_str(), "http://pub/volume/v3/p1/");
        let e = Catalog::from_token(&body, Some("nowhere")).unwrap_err();
        assert!(e.contains("compute") && e.contains("nowhere"), "{e}");
        assert!(Catalog::from_token(&json!({"token": {}}), None).is_err());
    }
}
