// package.json and language-configuration.json: the files they name exist, the language is
// wired to .mtvt and the grammar, and the editing rules behave on real lines.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const conf = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8'));

test('manifest: .mtvt language, grammar and configuration are wired and exist', () => {
  const [lang] = pkg.contributes.languages;
  assert.equal(lang.id, 'mtvt');
  assert.deepEqual(lang.extensions, ['.mtvt']);
  assert.ok(fs.existsSync(path.join(ROOT, lang.configuration)), lang.configuration);
  const [grammar] = pkg.contributes.grammars;
  assert.equal(grammar.language, 'mtvt');
  assert.ok(fs.existsSync(path.join(ROOT, grammar.path)), grammar.path);
  const tm = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, grammar.scopeName);
  assert.ok(pkg.activationEvents.includes('onLanguage:mtvt'));
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.contributes.configuration.properties['mtvt.path']);
  assert.ok(pkg.contributes.commands.some((c) => c.command === 'mtvt.restartServer'));
  assert.ok(pkg.dependencies['vscode-languageclient'], 'the LSP client is a runtime dependency');
});

test('comments are # as in grammar/mtvt.pest', () => {
  const pest = fs.readFileSync(path.join(ROOT, '..', '..', 'grammar', 'mtvt.pest'), 'utf8');
  assert.match(pest, /^comment\s*=\s*_\{\s*"#"/im, "the pest comment rule starts with #");
  assert.equal(conf.comments.lineComment, '#');
});

test('indentation rules', () => {
  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
  for (const line of ['scenario a extends b {', '  vm "x" {', '  plan {   # features', '    target_affinity {', '      podAffinity: {', '        x: [', '  assert f(']) {
    assert.ok(inc.test(line), `should indent after: ${line}`);
  }
  for (const line of ['  vm "x" { source_power on }', '  target_labels { "a": session }', '  tags a, b', '# {', '  check x "has { brace" = a']) {
    assert.ok(!inc.test(line), `should not indent after: ${line}`);
  }
  for (const line of ['}', '  }', '  ]', ')']) assert.ok(dec.test(line), `should outdent: ${line}`);
  assert.ok(!dec.test('  vm "x" {}'));
});

test('a word is an identifier with dashes, or a number with its unit', () => {
  const word = new RegExp(conf.wordPattern, 'g');
  assert.deepEqual('disk_type thick-lazy; size 30Gi; mtv >= 2.8'.match(word), ['disk_type', 'thick-lazy', 'size', '30Gi', 'mtv', '2.8']);
});
