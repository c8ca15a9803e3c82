#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Language-server latency on a large document (run with `cargo bench -p mtvt-lsp`): a
//! generated file of 5,000 scenarios plus a check, driven over an in-memory pipe with
//! real JSON-RPC messages. Prints the time from `didOpen` / `didChange` to the published
//! diagnostics, what a burst of keystrokes costs, and hover, completion, outline and
//! formatting round trips. Figures are reported, not asserted (the machine varies).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

struct Client {
    to_server: DuplexStream,
    from_server: BufReader<DuplexStream>,
    next_id: i64,
}

impl Client {
    async fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        self.to_server.write_all(head.as_bytes()).await.unwrap();
        self.to_server.write_all(&body).await.unwrap();
    }

    async fn recv(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.from_server.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.from_server.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    async fn request(&mut self, method: &str, params: Value) -> (Duration, Value) {
        let id = self.next_id;
        self.next_id += 1;
        let t = Instant::now();
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        loop {
            let m = self.recv().await;
            if m["id"] == id {
                return (t.elapsed(), m["result"].clone());
            }
        }
    }

    /// Waits for the diagnostics of `version`; returns how many publications came first.
    async fn diagnostics(&mut self, version: i64) -> (usize, Value) {
        let mut earlier = 0;
        loop {
            let m = self.recv().await;
            if m["method"] == "textDocument/publishDiagnostics" {
                if m["params"]["version"] == version {
                    return (earlier, m["params"]["diagnostics"].clone());
                }
                earlier += 1;
            }
        }
    }
}

/// `n` scenarios cycling through shapes of the catalog, then one check.
fn generated(n: usize) -> String {
    let shapes = [
        "  tags tier0\n  vm \"mtv-tests-rhel8\" { guest_agent true }\n  expect {\n    migration succeeds\n    check standard, last\n  }\n",
        "  tags tier0, warm\n  requires provider vsphere\n  vm \"mtv-tests-rhel8\" { source_power on; guest_agent true }\n  plan { warm true }\n  expect { migration succeeds; check standard }\n",
        "  tags tier0, hooks\n  vm \"mtv-tests-rhel8\" { source_power on; guest_agent true }\n  plan { target_power_state off }\n  hook pre = hooks.succeed\n  hook post = hooks.fail\n  expect {\n    migration fails at PostHook\n    check standard, last\n  }\n",
        "  tags copyoffload\n  requires provider vsphere\n  requires copyoffload\n  vm \"xcopy-template-test\" {\n    source_power off\n    disk_type thin\n    add_disk { size 30Gi; mode persistent; provisioning thin }\n  }\n  plan { copy_offload true }\n  expect { migration succeeds; check standard, disk_count }\n",
    ];
    let mut s = String::from("use std/checks\nuse std/hooks\n\n");
    for i in 0..n {
        s.push_str(&format!(
            "# scenario {i}\nscenario generated_{i} {{\n{}}}\n\n",
            shapes[i % shapes.len()]
        ));
    }
    s.push_str("check last {\n  assert dest.cpu.cores == source.cpu.cores\n}\n");
    s
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn bench() {
    let (client_out, server_in) = tokio::io::duplex(1 << 22);
    let (server_out, client_in) = tokio::io::duplex(1 << 22);
    tokio::spawn(mtvt_lsp::serve(
        server_in,
        server_out,
        mtvt_lsp::Config::default(),
    ));
    let mut c = Client {
        to_server: client_out,
        from_server: BufReader::new(client_in),
        next_id: 1,
    };
    c.request(
        "initialize",
        json!({ "processId": null, "capabilities": {} }),
    )
    .await;
    c.send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }))
        .await;

    let text = generated(5_000);
    let mb = text.len() as f64 / 1e6;
    let lines = text.lines().count() as u32;
    let dir = std::env::temp_dir();
    let uri = format!("file://{}/mtvt-lsp-bench.mtvt", dir.display());
    println!("document: 5,000 scenarios, {lines} lines, {mb:.2} MB");

    // The library calls the server makes, alone.
    let opts = mtvt_lang::CheckOptions::default();
    let alone = |name: &str, f: &dyn Fn()| {
        let t = Instant::now();
        f();
        let d = t.elapsed();
        println!("{name:<32}{} ({:.1} MB/s)", ms(d), mb / d.as_secs_f64());
    };
    alone("  parse alone:", &|| {
        assert!(
            mtvt_lang::syntax::parse(mtvt_lang::span::FileId(0), &text)
                .0
                .is_some()
        );
    });
    alone("  check alone:", &|| {
        let r = mtvt_lang::check_text("b.mtvt", &text, None, &opts);
        assert_eq!(r.errors(), 0);
    });
    alone("  format alone:", &|| {
        assert!(mtvt_lang::fmt::format_text(&text).is_ok());
    });

    let t = Instant::now();
    c.send(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": { "textDocument": { "uri": uri, "languageId": "mtvt", "version": 1, "text": text } } }))
        .await;
    let (_, d) = c.diagnostics(1).await;
    let open = t.elapsed();
    assert_eq!(d, json!([]), "the generated document checks clean");
    println!(
        "didOpen → diagnostics:          {} ({:.1} MB/s)",
        ms(open),
        mb / open.as_secs_f64()
    );

    // One keystroke near the end (inside the last check), then its diagnostics.
    let edit = |version: i64, ch: u32, text: &str| {
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": { "start": { "line": lines - 2, "character": ch },
                                            "end": { "line": lines - 2, "character": ch } },
                                 "text": text }] } })
    };
    let mut keystroke = Vec::new();
    for v in 2..7 {
        let t = Instant::now();
        c.send(edit(v, 2, " ")).await;
        c.diagnostics(v).await;
        keystroke.push(t.elapsed());
    }
    println!(
        "didChange → diagnostics:        {} (median of 5)",
        ms(median(keystroke))
    );

    // A burst of 20 keystrokes sent at once: only the last version needs a result.
    let t = Instant::now();
    for v in 7..27 {
        c.send(edit(v, 2, " ")).await;
    }
    let (skipped, _) = c.diagnostics(26).await;
    println!(
        "burst of 20 changes → final:    {} ({skipped} intermediate publications)",
        ms(t.elapsed())
    );

    let pos = |line: u32, character: u32| json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    // The last check's line after the 25 inserted spaces: hover `cores`, complete after
    // `dest.` — at the end of the document, the costliest place.
    let line = format!(
        "{}  assert dest.cpu.cores == source.cpu.cores",
        " ".repeat(25)
    );
    let cores = line.find("cores").unwrap() as u32 + 1;
    let after_dot = line.find("dest.").unwrap() as u32 + 5;
    let mut hover = Vec::new();
    let mut completion = Vec::new();
    for _ in 0..9 {
        let (d, r) = c.request("textDocument/hover", pos(lines - 2, cores)).await;
        assert!(
            r["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("Cpu.cores"),
            "{r}"
        );
        hover.push(d);
        let (d, r) = c
            .request("textDocument/completion", pos(lines - 2, after_dot))
            .await;
        assert!(!r.as_array().unwrap().is_empty());
        completion.push(d);
    }
    println!(
        "hover at the end:               {} (median of 9)",
        ms(median(hover))
    );
    println!(
        "completion at the end:          {} (median of 9)",
        ms(median(completion))
    );

    let (d, r) = c
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    println!(
        "documentSymbol:                 {} ({} symbols, {:.1} MB of JSON)",
        ms(d),
        r.as_array().unwrap().len(),
        r.to_string().len() as f64 / 1e6
    );
    let (d, _) = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .await;
    println!(
        "formatting:                     {} ({:.1} MB/s)",
        ms(d),
        mb / d.as_secs_f64()
    );
    c.request("shutdown", Value::Null).await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(bench());
}
