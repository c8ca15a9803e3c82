//! A client of one HTTP API (a source API, the inventory): a base URL and the headers every
//! request carries (a session id, a token), so tests say what they ask, not how to build it.

use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

#[derive(Clone)]
pub struct Session {
    pub http: reqwest::Client,
    pub base: String,
    headers: Vec<(String, String)>,
}

impl Session {
    /// A session on `base` without credentials.
    pub fn new(base: &str) -> Session {
        Session {
            http: reqwest::Client::new(),
            base: base.to_string(),
            headers: Vec::new(),
        }
    }

    /// The same client and headers on another base URL.
    pub fn at(&self, base: &str) -> Session {
        Session {
            base: base.to_string(),
            ..self.clone()
        }
    }

    /// Adds a header every request carries.
    pub fn header(mut self, name: &str, value: &str) -> Session {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Session {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    /// A request to `base` + `path` with the session's headers.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        req
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    /// `GET` and the JSON body, whatever the status.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.unwrap()
    }

    /// `POST` a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST` owning its path and body (for closures that build both).
    pub async fn post_owned(&self, path: String, body: Value) -> Response {
        self.post(&path, &body).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }
}
