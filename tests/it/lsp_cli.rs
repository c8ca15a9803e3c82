//! `mtvt lsp` as an editor starts it: the real binary, no arguments, LSP over its stdin
//! and stdout with `Content-Length` framing. The client waits for the `initialize`
//! response before sending anything else (as editors do), then opens a document with a
//! mistake, gets its diagnostic, hovers, and shuts the server down.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::Mtvt;

fn send(stdin: &mut ChildStdin, msg: &Value) {
    let body = serde_json::to_vec(msg).unwrap();
    write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
    stdin.write_all(&body).unwrap();
    stdin.flush().unwrap();
}

/// Reads framed messages from the server's stdout on a thread.
fn reader(stdout: std::process::ChildStdout) -> Receiver<Value> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; len.unwrap()];
            r.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    rx
}

fn wait_for(rx: &Receiver<Value>, pred: impl Fn(&Value) -> bool) -> Value {
    loop {
        let m = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a message from mtvt lsp");
        if pred(&m) {
            return m;
        }
    }
}

#[test]
fn an_editor_session_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Mtvt::new()
        .args(["lsp"])
        .cwd(dir.path())
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove("MTVT_STDLIB")
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let rx = reader(child.stdout.take().unwrap());

    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": { "processId": null, "capabilities": {} } }),
    );
    let init = wait_for(&rx, |m| m["id"] == 1);
    assert_eq!(init["result"]["serverInfo"]["name"], "mtvt");
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    );

    let uri = format!("file://{}/s.mtvt", dir.path().display());
    let text = "use std/checks\nscenario s {\n  vm \"x\" { guest_agnt true }\n  expect { check standard }\n}\n";
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": { "textDocument": { "uri": uri, "languageId": "mtvt", "version": 1, "text": text } } }),
    );
    let diags = wait_for(&rx, |m| m["method"] == "textDocument/publishDiagnostics");
    let d = &diags["params"]["diagnostics"];
    let codes: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E0201"), "{diags}");
    let e0201 = d
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "E0201")
        .unwrap();
    assert_eq!(
        e0201["range"]["start"],
        json!({ "line": 2, "character": 11 })
    );

    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
                 "params": { "textDocument": { "uri": uri }, "position": { "line": 3, "character": 20 } } }),
    );
    let hover = wait_for(&rx, |m| m["id"] == 2);
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("check `standard`"), "{hover}");

    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 3, "method": "shutdown" }),
    );
    let down = wait_for(&rx, |m| m["id"] == 3);
    assert!(down.get("error").is_none(), "{down}");
    send(&mut stdin, &json!({ "jsonrpc": "2.0", "method": "exit" }));
    drop(stdin);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("mtvt lsp did not exit after `exit`");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
