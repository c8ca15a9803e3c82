// Loads syntaxes/mtvt.tmLanguage.json with the engine VS Code itself uses (vscode-textmate +
// the Oniguruma wasm shipped inside vscode-oniguruma, no network) and turns text into tokens
// with their scope stacks, so tests can assert what a theme will colour.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR_PATH = path.join(__dirname, '..', 'syntaxes', 'mtvt.tmLanguage.json');
const SCOPE = 'source.mtvt';

let grammarPromise;

/** The compiled grammar (loaded once per test process). */
function loadGrammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== SCOPE) return null;
        const text = fs.readFileSync(GRAMMAR_PATH, 'utf8');
        return vsctm.parseRawGrammar(text, GRAMMAR_PATH);
      },
    });
    grammarPromise = registry.loadGrammar(SCOPE).then((g) => {
      if (!g) throw new Error(`could not load ${GRAMMAR_PATH}`);
      return g;
    });
  }
  return grammarPromise;
}

/**
 * Tokenizes a whole document.
 * @returns {Promise<Array<{line: number, text: string, scopes: string[]}>>} one entry per token
 */
async function tokenize(source) {
  const grammar = await loadGrammar();
  const out = [];
  let state = vsctm.INITIAL;
  source.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  return out;
}

/**
 * The innermost scopes of every token whose text is exactly `text` (trimmed), in order.
 * @returns {Promise<string[][]>}
 */
async function scopesOf(source, text) {
  const tokens = await tokenize(source);
  return tokens.filter((t) => t.text.trim() === text).map((t) => t.scopes);
}

/** Renders tokens as `text => innermost scope` lines, for assertion messages. */
function dump(tokens) {
  return tokens
    .filter((t) => t.text.trim() !== '')
    .map((t) => `${JSON.stringify(t.text)} => ${t.scopes.slice(1).join(' ')}`)
    .join('\n');
}

module.exports = { loadGrammar, tokenize, scopesOf, dump, GRAMMAR_PATH };
