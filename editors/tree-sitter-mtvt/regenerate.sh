#!/usr/bin/env bash
# Regenerates the committed parser (src/parser.c, src/grammar.json, src/node-types.json,
# src/tree_sitter/*.h) from grammar.js, records grammar.js's hash in src/grammar.js.sha256
# (the test `parser_is_generated_from_grammar_js` compares it), and rewrites the Helix and
# Zed copies of the queries (queries/helix/, editors/zed/languages/mtvt/). Run it after
# every edit of grammar.js or of queries/highlights.scm / injections.scm.
#
# Needs the tree-sitter CLI (the npm package cannot download its binary here):
#   cargo install --locked tree-sitter-cli
# CI does not run this script: it builds the committed parser.c with the cc crate.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v tree-sitter >/dev/null 2>&1; then
  echo "regenerate.sh: the tree-sitter CLI is not on PATH; install it with" >&2
  echo "  cargo install --locked tree-sitter-cli" >&2
  exit 1
fi

# ABI 14, not the CLI's default 15: Neovim 0.10, Helix 25.01 and other editors built on
# tree-sitter < 0.25 refuse ABI 15 parsers; ABI 14 loads everywhere (the test
# `parser_abi_is_14` keeps it).
echo "tree-sitter $(tree-sitter --version | awk '{print $2}'): generating src/ (ABI 14) from grammar.js"
tree-sitter generate --abi 14
sha256sum grammar.js >src/grammar.js.sha256

echo "rewriting the Helix and Zed copies of queries/highlights.scm and injections.scm"
MTVT_UPDATE_QUERIES=1 cargo test --quiet -p tree-sitter-mtvt --test it -- helix_query zed_queries >/dev/null

echo "checking: catalog, queries, vocabulary"
cargo test --quiet -p tree-sitter-mtvt
