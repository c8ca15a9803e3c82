#!/usr/bin/env bash
# Checks the Zed extension crate on the host (Zed itself compiles it to WebAssembly when the
# extension is installed): formatting, clippy and the unit tests of the server lookup.
# It is a separate Cargo workspace, so the mtvt workspace's CI does not build it unless
# this script is called.
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
