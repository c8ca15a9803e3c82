#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The language server driven like an editor drives it: real JSON-RPC messages with
//! `Content-Length` framing over an in-memory duplex pipe — initialize, document
//! lifecycle, diagnostics, hover, completion, definition, symbols, formatting, shutdown
//! and exit.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(20);

struct Client {
    to_server: DuplexStream,
    from_server: BufReader<DuplexStream>,
    next_id: i64,
    stash: Vec<Value>,
    server: Option<JoinHandle<()>>,
}

impl Client {
    async fn start(config: mtvt_lsp::Config) -> Client {
        let (client_out, server_in) = tokio::io::duplex(1 << 20);
        let (server_out, client_in) = tokio::io::duplex(1 << 20);
        let server = tokio::spawn(mtvt_lsp::serve(server_in, server_out, config));
        Client {
            to_server: client_out,
            from_server: BufReader::new(client_in),
            next_id: 1,
            stash: Vec::new(),
            server: Some(server),
        }
    }

    /// Starts a server and completes the initialize handshake.
    async fn initialized(config: mtvt_lsp::Config, root: Option<&Path>) -> (Client, Value) {
        let mut c = Client::start(config).await;
        let folders = root.map(|r| json!([{ "uri": uri(r), "name": "ws" }]));
        let caps = c
            .request(
                "initialize",
                json!({ "processId": null, "capabilities": {}, "workspaceFolders": folders }),
            )
            .await;
        c.notify("initialized", json!({})).await;
        (c, caps)
    }

    async fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        self.to_server.write_all(head.as_bytes()).await.unwrap();
        self.to_server.write_all(&body).await.unwrap();
        self.to_server.flush().await.unwrap();
    }

    async fn recv(&mut self) -> Value {
        let read = async {
            let mut len = None;
            loop {
                let mut line = String::new();
                let n = self.from_server.read_line(&mut line).await.unwrap();
                assert!(n > 0, "server closed the stream");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = Some(v.parse::<usize>().unwrap());
                }
            }
            let mut body = vec![0; len.expect("Content-Length header")];
            self.from_server.read_exact(&mut body).await.unwrap();
            serde_json::from_slice::<Value>(&body).unwrap()
        };
        tokio::time::timeout(WAIT, read)
            .await
            .expect("a message from the server")
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// Sends a request and returns its result (panics on an error response).
    async fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_raw(method, params).await;
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        loop {
            let m = self.recv().await;
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.stash.push(m);
        }
    }

    /// The next notification `method` matching `pred`.
    async fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .stash
            .iter()
            .position(|m| m["method"] == method && pred(&m["params"]))
        {
            return self.stash.remove(i)["params"].clone();
        }
        loop {
            let m = self.recv().await;
            if m["method"] == method && pred(&m["params"]) {
                return m["params"].clone();
            }
            self.stash.push(m);
        }
    }

    async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let p = self
            .notification("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri && p["version"] == version
            })
            .await;
        p["diagnostics"].as_array().unwrap().clone()
    }

    async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "mtvt", "version": 1, "text": text } }),
        )
        .await;
    }

    async fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
        .await
    }

    async fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null).await, Value::Null);
        self.notify("exit", Value::Null).await;
        let server = self.server.take().unwrap();
        tokio::time::timeout(WAIT, server)
            .await
            .expect("the server stops after exit")
            .unwrap();
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion
        .as_array()
        .or_else(|| completion["items"].as_array())
        .unwrap();
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn no_profile() -> mtvt_lsp::Config {
    mtvt_lsp::Config::default()
}

#[tokio::test]
async fn initialize_advertises_the_features_and_shutdown_exits() {
    let (c, init) = Client::initialized(no_profile(), None).await;
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!([".", "\""])
    );
    assert_eq!(init["serverInfo"]["name"], "mtvt");
    c.shutdown().await;
}

#[tokio::test]
async fn diagnostics_follow_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, _) = Client::initialized(no_profile(), None).await;
    let u = uri(&dir.path().join("s.mtvt"));
    // Line 2 has non-ASCII text before the mistake: `𝄞` is two UTF-16 units.
    let text =
        "scenario s {\n  vm \"é𝄞\" { guest_agnt true }\n  expect { migration succeeds }\n}\n";
    c.open(&u, text).await;
    let d = c.diagnostics(&u, 1).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "E0201");
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["source"], "mtvt");
    assert!(
        d[0]["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/diagnostics.md#e0201")
    );
    assert!(
        d[0]["message"].as_str().unwrap().contains("guest_agent"),
        "{}",
        d[0]["message"]
    );
    assert_eq!(
        d[0]["range"],
        json!({ "start": { "line": 1, "character": 13 }, "end": { "line": 1, "character": 23 } })
    );

    // An incremental edit fixes the key: the diagnostics go away.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 1, "character": 13 }, "end": { "line": 1, "character": 23 } }, "text": "guest_agent" }]
        }),
    )
    .await;
    assert_eq!(c.diagnostics(&u, 2).await, Vec::<Value>::new());

    // A duplicate key: the first occurrence is related information.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 3 },
            "contentChanges": [{ "text": "session {\n  plan_wait_timeout 1h\n  plan_wait_timeout 2h\n}\n" }]
        }),
    )
    .await;
    let d = c.diagnostics(&u, 3).await;
    assert_eq!(d[0]["code"], "E0204");
    assert_eq!(d[0]["range"]["start"], json!({ "line": 2, "character": 2 }));
    let related = &d[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], u.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        json!({ "line": 1, "character": 2 })
    );
    assert_eq!(related["message"], "first set here");

    // A syntax error is reported where the parser stopped.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 4 }, "contentChanges": [{ "text": "scenario s {\n" }] }),
    )
    .await;
    let d = c.diagnostics(&u, 4).await;
    assert_eq!(d[0]["code"], "E0100");

    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    )
    .await;
    let closed = c
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str() && p["version"].is_null()
        })
        .await;
    assert_eq!(closed["diagnostics"], json!([]));
    c.shutdown().await;
}

#[tokio::test]
async fn a_burst_of_changes_is_checked_once_more_not_once_per_change() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, _) = Client::initialized(no_profile(), None).await;
    let u = uri(&dir.path().join("burst.mtvt"));
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&format!(
            "scenario s{i} {{\n  vm \"x\" {{ guest_agent true }}\n  expect {{ migration succeeds }}\n}}\n"
        ));
    }
    c.open(&u, &text).await;
    c.diagnostics(&u, 1).await;
    // 30 edits at once, each adding a character to the first key (the last one leaves
    // a misspelt key `guest_agentxxx…`).
    for v in 2..=31 {
        c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": u, "version": v },
                "contentChanges": [{ "range": { "start": { "line": 1, "character": 22 }, "end": { "line": 1, "character": 22 } }, "text": "x" }]
            }),
        )
        .await;
    }
    let last = c.diagnostics(&u, 31).await;
    assert_eq!(last.len(), 1);
    assert_eq!(last[0]["code"], "E0201");
    assert!(
        last[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("guest_agent{}", "x".repeat(30)))
    );
    // Versions were published in order, and far fewer times than there were changes.
    let published: Vec<i64> = c
        .stash
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(published.windows(2).all(|w| w[0] <= w[1]), "{published:?}");
    assert!(
        published.len() < 15,
        "{} publications for 30 changes",
        published.len()
    );
    c.shutdown().await;
}

#[tokio::test]
async fn imports_resolve_from_open_documents_before_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("common.mtvt"), "fragment base { tags a }\n").unwrap();
    let (mut c, _) = Client::initialized(no_profile(), None).await;
    let scenario_uri = uri(&dir.path().join("s.mtvt"));
    let text = "use \"./common.mtvt\"\n\nscenario s extends extra {\n  vm \"x\"\n  expect { migration succeeds }\n}\n";
    c.open(&scenario_uri, text).await;
    // On disk, common.mtvt has no `extra`.
    let d = c.diagnostics(&scenario_uri, 1).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "E0304");
    // Opened (unsaved) with `extra`: the scenario is re-checked against the open text.
    let common_uri = uri(&dir.path().join("common.mtvt"));
    c.open(
        &common_uri,
        "fragment base { tags a }\nfragment extra { tags b }\n",
    )
    .await;
    let d = c.diagnostics(&scenario_uri, 1).await;
    assert_eq!(d, Vec::<Value>::new());
    // Go to definition of the fragment lands in the open document's text.
    let def = c.at("textDocument/definition", &scenario_uri, 2, 21).await;
    assert_eq!(def["uri"], common_uri.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 1, "character": 9 }));
    // And of the `use` path: the file.
    let def = c.at("textDocument/definition", &scenario_uri, 0, 8).await;
    assert_eq!(def["uri"], common_uri.as_str());
    c.shutdown().await;
}

#[tokio::test]
async fn hover_on_keys_values_fields_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, _) = Client::initialized(no_profile(), None).await;
    let u = uri(&dir.path().join("h.mtvt"));
    let text = "use std/checks\n\nscenario s {\n  plan { warm true }\n  vm \"x\" { add_disk { provisioning thick-lazy } }\n  expect { check standard }\n}\n\ncheck mine {\n  assert dest.cpu.cores == source.cpu.cores\n}\n";
    c.open(&u, text).await;
    let h = c.at("textDocument/hover", &u, 3, 10).await;
    assert_eq!(h["contents"]["kind"], "markdown");
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("`warm`") && v.contains("Warm migration"), "{v}");
    assert_eq!(
        h["range"],
        json!({ "start": { "line": 3, "character": 9 }, "end": { "line": 3, "character": 13 } })
    );
    let h = c.at("textDocument/hover", &u, 4, 40).await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("a value of `provisioning`")
    );
    let h = c.at("textDocument/hover", &u, 9, 20).await;
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(
        v.contains("`Cpu.cores`**: `int`") && v.contains("Cores per socket"),
        "{v}"
    );
    let h = c.at("textDocument/hover", &u, 5, 19).await;
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(
        v.contains("check `standard`") && v.contains("all of"),
        "{v}"
    );
    assert_eq!(c.at("textDocument/hover", &u, 1, 0).await, Value::Null);
    c.shutdown().await;
}

#[tokio::test]
async fn completion_by_context() {
    let dir = tempfile::tempdir().unwrap();
    let providers = dir.path().join("providers.json");
    std::fs::write(
        &providers,
        r#"{"lab": {"type": "vsphere", "fqdn": "vc.example.com", "api_url": "https://vc.example.com/sdk",
                    "username": "u", "password": "pw",
                    "copyoffload": {"storage_vendor_product": "ontap", "datastore_id": "d1", "storage_hostname": "s",
                                    "storage_username": "u", "storage_password": "pw", "ontap_svm": "svm",
                                    "default_vm_name": "rhel9-xcopy-template"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.mtvt"),
        "scenario o {\n  vm \"used-elsewhere\"\n}\n",
    )
    .unwrap();
    let config = mtvt_lsp::Config {
        providers_file: Some(providers),
        provider: Some(String::from("lab")),
    };
    let (mut c, _) = Client::initialized(config, Some(dir.path())).await;
    let u = uri(&dir.path().join("c.mtvt"));
    let text = "use std/checks\n\nscenario s {\n  plan {\n    \n  }\n  vm \"\"\n  vm \"x\" { source_power  }\n  expect { check  }\n}\n\ncheck mine {\n  assert dest.\n}\n";
    c.open(&u, text).await;
    let inside_plan = labels(&c.at("textDocument/completion", &u, 4, 4).await);
    assert!(
        inside_plan.contains(&"warm".to_string())
            && inside_plan.contains(&"target_power_state".to_string())
    );
    assert!(
        !inside_plan.contains(&"source_power".to_string()),
        "{inside_plan:?}"
    );
    let vms = labels(&c.at("textDocument/completion", &u, 6, 6).await);
    assert!(vms.contains(&"rhel9-xcopy-template".to_string()), "{vms:?}");
    assert!(vms.contains(&"used-elsewhere".to_string()), "{vms:?}");
    assert_eq!(
        labels(&c.at("textDocument/completion", &u, 7, 24).await),
        ["on", "off"]
    );
    let checks = labels(&c.at("textDocument/completion", &u, 8, 17).await);
    assert!(
        checks.contains(&"standard".to_string()) && checks.contains(&"mine".to_string()),
        "{checks:?}"
    );
    let completion = c.at("textDocument/completion", &u, 12, 14).await;
    let fields = labels(&completion);
    assert!(
        fields.contains(&"cpu".to_string()) && fields.contains(&"power".to_string()),
        "{fields:?}"
    );
    let cpu = completion
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "cpu")
        .unwrap();
    assert_eq!(
        cpu["textEdit"]["range"]["start"],
        json!({ "line": 12, "character": 14 })
    );
    // The profile's rules are on (as `mtvt check --provider lab`): its copy-offload
    // section has no secondary datastore.
    let p = uri(&dir.path().join("p.mtvt"));
    let text = "scenario p {\n  vm \"x\" { add_disk { size 30Gi; datastore secondary } }\n  plan { copy_offload true }\n  expect { migration succeeds }\n}\n";
    c.open(&p, text).await;
    let d = c.diagnostics(&p, 1).await;
    let codes: Vec<&str> = d.iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0904"]);
    c.shutdown().await;
}

#[tokio::test]
async fn definition_into_the_stdlib_symbols_and_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, _) = Client::initialized(no_profile(), None).await;
    let u = uri(&dir.path().join("f.mtvt"));
    let text = "use std/checks\nscenario s {  vm \"x\" {guest_agent true}\n expect { migration succeeds; check standard } }\n";
    c.open(&u, text).await;
    let def = c.at("textDocument/definition", &u, 2, 40).await;
    let target = def["uri"].as_str().unwrap();
    assert!(target.ends_with("/checks.mtvt"), "{def}");
    let path = target.strip_prefix("file://").unwrap();
    let std_text = std::fs::read_to_string(path).unwrap();
    let line = def["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        std_text
            .lines()
            .nth(line)
            .unwrap()
            .starts_with("check standard ="),
        "{def}"
    );

    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": u } }),
        )
        .await;
    assert_eq!(symbols[0]["name"], "use std/checks");
    assert_eq!(symbols[1]["name"], "s");
    let kids: Vec<&str> = symbols[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["vm x", "expect"]);

    let edits = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .await;
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(
        edits[0]["newText"],
        "use std/checks\n\nscenario s {\n  vm \"x\" { guest_agent true }\n  expect { migration succeeds; check standard }\n}\n"
    );
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": 3, "character": 0 })
    );
    // Unparsable text is left alone.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 }, "contentChanges": [{ "text": "scenario s {" }] }),
    )
    .await;
    let edits = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .await;
    assert_eq!(edits, Value::Null);
    c.shutdown().await;
}
