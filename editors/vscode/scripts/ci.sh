#!/usr/bin/env bash
# CI for the VS Code extension, offline apart from the npm registry used by `npm ci`:
# installs the locked dev tools, runs the grammar/keyword/activation tests, builds the
# .vsix and checks what it contains (bundled client, no node_modules, no sources).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "== tests"
npm test

echo "== vsix"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npx --no-install vsce package --no-dependencies --skip-license --out "$out/mtvt.vsix" >"$out/vsce.log" 2>&1 || {
  cat "$out/vsce.log"
  echo "vsce package failed" >&2
  exit 1
}
node scripts/check-vsix.js "$out/mtvt.vsix"
