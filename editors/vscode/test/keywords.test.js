// Every keyword of grammar/mtvt.pest (the `kw_*` rules, the word operators `op_*` and the
// reserved literals) must be highlighted by syntaxes/mtvt.tmLanguage.json in at least one
// place where the language allows it. A keyword added to the pest grammar without a
// TextMate rule fails here.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tokenize } = require('./textmate');

const PEST = path.join(__dirname, '..', '..', '..', 'grammar', 'mtvt.pest');

/**
 * The literal words of the pest rules whose names match `rulePattern`, e.g. `kw_use = @{ "use" ~ !ident_char }`.
 * @returns {Map<string, string>} word → rule name
 */
function pestWords(pest, rulePattern) {
  const words = new Map();
  const rule = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*[@_$!]?\{(.*)\}\s*$/gm;
  for (const m of pest.matchAll(rule)) {
    if (!rulePattern.test(m[1])) continue;
    for (const lit of m[2].matchAll(/"([^"\\]*)"/g)) {
      if (/^[A-Za-z_]+$/.test(lit[1])) words.set(lit[1], m[1]);
    }
  }
  return words;
}

const pest = fs.readFileSync(PEST, 'utf8');

test('the pest grammar yields the keyword lists this test relies on', () => {
  // Guards the extraction itself: if the pest file's layout changed so that nothing is
  // found, the checks below would pass vacuously.
  const kw = pestWords(pest, /^kw_/);
  assert.ok(kw.size >= 10, `only ${kw.size} kw_* literals found in ${PEST}`);
  assert.ok(kw.has('scenario') && kw.has('assert'), 'kw_scenario / kw_assert not found');
  assert.ok(pestWords(pest, /^op_/).has('contains'), 'op_contains not found');
  assert.ok(pestWords(pest, /^(boolean|none_lit)$/).has('none'), 'none_lit not found');
});

/** Places a word may legally stand, covering every kind of keyword the grammar has. */
const CONTEXTS = [
  (w) => `${w} x {\n}`, // top-level item
  (w) => `use std/checks ${w} c`, // use … as
  (w) => `scenario a ${w} b {\n}`, // extends
  (w) => `check c "d" {\n  ${w} x\n}`, // statement
  (w) => `check c "d" {\n  when a {\n  } ${w} {\n  }\n}`, // else
  (w) => `check c "d" {\n  for x ${w} y {\n  }\n}`, // for … in
  (w) => `check c "d" {\n  assert a ${w} b\n}`, // infix operator
  (w) => `check c "d" {\n  assert ${w} a\n}`, // prefix operator
  (w) => `check c "d" {\n  assert a == ${w}\n}`, // literal
];

/** The scopes the word gets in each context where it appears as a token of its own. */
async function scopesEverywhere(word) {
  const found = [];
  for (const ctx of CONTEXTS) {
    for (const t of await tokenize(ctx(word))) {
      if (t.text === word) found.push(t.scopes);
    }
  }
  return found;
}

for (const [word, rule] of pestWords(pest, /^(kw_|op_)/)) {
  test(`pest ${rule} "${word}" is a keyword in the TextMate grammar`, async () => {
    const all = await scopesEverywhere(word);
    assert.ok(
      all.some((scopes) => scopes.some((s) => s.startsWith('keyword.'))),
      `"${word}" (${rule}) never gets a keyword.* scope; scopes seen: ${JSON.stringify(all.map((s) => s.slice(1)))}`,
    );
  });
}

for (const [word, rule] of pestWords(pest, /^(boolean|none_lit)$/)) {
  test(`pest ${rule} "${word}" is a language constant in the TextMate grammar`, async () => {
    const all = await scopesEverywhere(word);
    assert.ok(
      all.some((scopes) => scopes.some((s) => s.startsWith('constant.language.'))),
      `"${word}" (${rule}) never gets a constant.language.* scope; scopes seen: ${JSON.stringify(all.map((s) => s.slice(1)))}`,
    );
  });
}
