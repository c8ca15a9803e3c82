// Scopes of sample lines under syntaxes/mtvt.tmLanguage.json, plus a sweep of the whole
// scenario catalog (scenarios/, stdlib/): every word gets a real scope and every region closes.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tokenize, dump } = require('./textmate');

const REPO = path.join(__dirname, '..', '..', '..');

/**
 * Asserts that the n-th token whose text is `text` carries a scope starting with `scope`.
 */
async function expectScope(source, text, scope, nth = 0) {
  const tokens = await tokenize(source);
  const hits = tokens.filter((t) => t.text.trim() === text);
  assert.ok(hits.length > nth, `no token ${JSON.stringify(text)} (#${nth}) in:\n${dump(tokens)}`);
  const scopes = hits[nth].scopes;
  assert.ok(
    scopes.some((s) => s.startsWith(scope)),
    `${JSON.stringify(text)} has scopes [${scopes.join(', ')}], expected ${scope}\n${dump(tokens)}`,
  );
}

test('declaration keywords and names', async () => {
  const src = 'use std/checks\nuse "./common.mtvt" as common\nscenario sanity extends base, other.frag {\n}\nfragment base {\n}\nhook succeed {\n}\nsession {\n}';
  await expectScope(src, 'use', 'keyword.other.use.mtvt');
  await expectScope(src, 'std/checks', 'entity.name.namespace.module.mtvt');
  await expectScope(src, 'as', 'keyword.other.as.mtvt');
  await expectScope(src, 'common', 'entity.name.namespace.alias.mtvt');
  await expectScope(src, 'scenario', 'keyword.other.scenario.mtvt');
  await expectScope(src, 'sanity', 'entity.name.type.scenario.mtvt');
  await expectScope(src, 'extends', 'keyword.other.extends.mtvt');
  await expectScope(src, 'base', 'entity.other.inherited-class.mtvt');
  await expectScope(src, 'other.frag', 'entity.other.inherited-class.mtvt');
  await expectScope(src, 'fragment', 'keyword.other.fragment.mtvt');
  await expectScope(src, 'base', 'entity.name.type.fragment.mtvt', 1);
  await expectScope(src, 'hook', 'keyword.other.hook.mtvt');
  await expectScope(src, 'succeed', 'entity.name.function.hook.mtvt');
  await expectScope(src, 'session', 'keyword.other.session.mtvt');
});

test('schema keys, unknown keys, enum values and special words in blocks', async () => {
  const src = [
    'scenario s {',
    '  tags tier0, warm',
    '  requires provider vsphere, ovirt',
    '  requires mtv >= 2.8',
    '  vm "mtv-tests-rhel8" { source_power on; guest_agent true; disk_type thick-lazy }',
    '  plan { warm true; target_power_state off }',
    '  hook pre = hooks.succeed',
    '  sorce_power off',
    '  expect {',
    '    migration fails at PostHook',
    '    check standard, disk_count',
    '  }',
    '}',
  ].join('\n');
  await expectScope(src, 'tags', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'tier0', 'variable.other.mtvt');
  await expectScope(src, 'requires', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'provider', 'keyword.other.word.mtvt');
  await expectScope(src, 'vsphere', 'constant.language.enum.mtvt');
  await expectScope(src, 'mtv', 'keyword.other.word.mtvt');
  await expectScope(src, '>=', 'keyword.operator.comparison.mtvt');
  await expectScope(src, '2.8', 'constant.numeric.version.mtvt');
  // after `{` and after `;` an entry starts: its first word is a key
  await expectScope(src, 'source_power', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'guest_agent', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'thick-lazy', 'constant.language.enum.mtvt');
  await expectScope(src, 'true', 'constant.language.boolean.true.mtvt');
  await expectScope(src, ';', 'punctuation.terminator.entry.mtvt');
  await expectScope(src, 'warm', 'support.type.property-name.key.mtvt', 1);
  await expectScope(src, 'pre', 'constant.language.enum.mtvt');
  await expectScope(src, '=', 'keyword.operator.assignment.mtvt');
  await expectScope(src, 'hooks.succeed', 'variable.other.mtvt');
  // a misspelt key is not coloured as a key
  await expectScope(src, 'sorce_power', 'variable.other.key.mtvt');
  await expectScope(src, 'migration', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'fails', 'keyword.other.word.mtvt');
  await expectScope(src, 'at', 'keyword.other.word.mtvt');
  await expectScope(src, 'PostHook', 'constant.language.enum.mtvt');
  await expectScope(src, 'check', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'standard', 'entity.name.function.check.mtvt');
  await expectScope(src, 'disk_count', 'entity.name.function.check.mtvt');
});

test('objects: member keys, session values, nested lists', async () => {
  const src = [
    'scenario s {',
    '  plan {',
    '    target_labels { "mtv-label": session, "static": "v" }',
    '    target_affinity {',
    '      podAffinity: {',
    '        preferredDuringSchedulingIgnoredDuringExecution: [{',
    '          podAffinityTerm: { labelSelector: { matchLabels: { app: "test" } } },',
    '          weight: 50',
    '        }]',
    '      }',
    '    }',
    '  }',
    '  vm "x" { name_for { ova: "1nisim-rhel9-efi" } }',
    '}',
  ].join('\n');
  await expectScope(src, 'target_labels', 'support.type.property-name.key.mtvt');
  await expectScope(src, 'session', 'variable.language.session.mtvt');
  await expectScope(src, 'podAffinity', 'support.type.property-name.member.mtvt');
  await expectScope(src, 'preferredDuringSchedulingIgnoredDuringExecution', 'support.type.property-name.member.mtvt');
  await expectScope(src, 'app', 'support.type.property-name.member.mtvt');
  await expectScope(src, 'weight', 'support.type.property-name.member.mtvt');
  await expectScope(src, '50', 'constant.numeric.integer.mtvt');
  await expectScope(src, '[', 'punctuation.section.brackets.begin.mtvt');
  await expectScope(src, 'ova', 'support.type.property-name.member.mtvt');
});

test('strings: interpolation, escapes, raw and triple-quoted', async () => {
  const src = [
    'scenario s {',
    '  vm "x" { clone_name "rhel-${session}-${env.USER}-${param.os}\\n\\$x" }',
    "  plan { pvc_name_template '${not_interpolated}' }",
    '  hook post {',
    '    playbook """',
    '      - name: x',
    '        debug: { msg: "ok" }',
    '      """',
    '  }',
    '}',
  ].join('\n');
  await expectScope(src, '${', 'punctuation.section.interpolation.begin.mtvt');
  await expectScope(src, 'session', 'variable.language.session.mtvt');
  await expectScope(src, 'env', 'variable.language.env.mtvt');
  await expectScope(src, 'USER', 'variable.other.property.mtvt');
  await expectScope(src, 'param', 'variable.language.param.mtvt');
  await expectScope(src, '\\n', 'constant.character.escape.mtvt');
  await expectScope(src, '\\$', 'constant.character.escape.mtvt');
  await expectScope(src, '${not_interpolated}', 'string.quoted.single.raw.mtvt');
  const matrix = 'scenario s {\n  matrix { disk_type [thin, thick-lazy] }\n  vm "x" { disk_type param.disk_type }\n}';
  await expectScope(matrix, 'param', 'variable.language.param.mtvt');
  await expectScope(matrix, 'disk_type', 'variable.other.property.mtvt', 2);
  await expectScope(matrix, 'thick-lazy', 'constant.language.enum.mtvt');
  await expectScope(src, '"""', 'string.quoted.triple.mtvt');
  await expectScope(src, '- name: x', 'string.quoted.triple.mtvt');
  await expectScope(src, 'debug: { msg: "ok" }', 'string.quoted.triple.mtvt');
  // the three `}` of ${…} close interpolations; the fourth closes the vm block
  await expectScope(src, '}', 'punctuation.section.interpolation.end.mtvt', 2);
  await expectScope(src, '}', 'punctuation.section.block.end.mtvt', 3);
});

test('Go templates inside raw strings are embedded template syntax', async () => {
  const src = "scenario s {\n  plan { pvc_name_template '{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}' }\n}";
  await expectScope(src, '{{', 'punctuation.section.embedded.begin.go-template');
  await expectScope(src, '{{', 'meta.embedded.inline.go-template');
  await expectScope(src, 'FileName', 'variable.other.member.go-template');
  await expectScope(src, '|', 'keyword.operator.pipe.go-template');
  await expectScope(src, 'trimSuffix', 'support.function.go-template');
  await expectScope(src, '".vmdk"', 'string.quoted.double.go-template');
  await expectScope(src, 'replace', 'support.function.go-template');
  await expectScope(src, '}}', 'punctuation.section.embedded.end.go-template');
  await expectScope(src, '-', 'string.quoted.single.raw.mtvt');
  await expectScope(src, 'DiskIndex', 'variable.other.member.go-template');
  // an unclosed {{ does not swallow the closing quote
  const broken = "scenario s {\n  plan { pvc_name_template '{{ .VmName' }\n  vm \"x\"\n}";
  await expectScope(broken, 'vm', 'support.type.property-name.key.mtvt');
});

test('numbers: durations, quantities, versions, integers', async () => {
  const src = 'scenario s {\n  plan { timeout 1h30m; cutover_after 90s }\n  vm "x" { snapshots 2; add_disk { size 2Ti }; add_disk { size 1.5Gi } }\n}\nsession { snapshots_interval -1 }';
  await expectScope(src, '1h30m', 'constant.numeric.duration.mtvt');
  await expectScope(src, '90s', 'constant.numeric.duration.mtvt');
  await expectScope(src, '2', 'constant.numeric.integer.mtvt');
  await expectScope(src, '2', 'constant.numeric.quantity.mtvt', 1);
  await expectScope(src, 'Ti', 'keyword.other.unit.mtvt');
  await expectScope(src, '1.5', 'constant.numeric.quantity.mtvt');
  await expectScope(src, '-1', 'constant.numeric.integer.mtvt');
  // grammar/mtvt.pest has one number token; units are judged by the checker
  const odd = 'scenario s {\n  plan { timeout -5m; cutover_after 3x; count 1.2.3 }\n}';
  await expectScope(odd, '-5m', 'constant.numeric.other.mtvt');
  await expectScope(odd, '3x', 'constant.numeric.other.mtvt');
  await expectScope(odd, '1.2.3', 'constant.numeric.version.mtvt');
});

test('comments end at the line end and are not entries', async () => {
  const src = 'session {\n  plan_wait_timeout 1h   # wait { long }\n  # vm "x"\n}';
  await expectScope(src, '#', 'punctuation.definition.comment.mtvt');
  await expectScope(src, 'wait { long }', 'comment.line.number-sign.mtvt');
  await expectScope(src, 'vm "x"', 'comment.line.number-sign.mtvt');
  await expectScope(src, '}', 'punctuation.section.block.end.mtvt');
});

test('check bodies: statements, assertion operators, builtins, models', async () => {
  const src = [
    'check network "every NIC" {',
    '  let n = len(source.nics)',
    '  for nic in source.nics {',
    '    let m = find(x in dest.nics: x.mac == nic.mac)',
    '    assert m != none, "missing"',
    '    when nic.network in keys(plan.network_map) and not vm.guest_agent {',
    '      assert m.network == plan.network_map[nic.network]',
    '    } else when dest.name starts_with "a" or dest.name ends_with "z" {',
    '      skip "n/a"',
    '    } else {',
    '      assert dest.name contains "x" and dest.name matches "^[a-z]+$", "bad"',
    '    }',
    '  }',
    '  assert dest.power != off and len(dest.disks) >= 1 and migration.result == succeeded',
    '  assert my_helper(dest) <= 3',
    '}',
  ].join('\n');
  await expectScope(src, 'check', 'keyword.other.check.mtvt');
  await expectScope(src, 'network', 'entity.name.function.check.mtvt');
  await expectScope(src, 'let', 'keyword.control.let.mtvt');
  await expectScope(src, 'n', 'variable.other.declaration.mtvt');
  await expectScope(src, 'len', 'support.function.builtin.mtvt');
  await expectScope(src, 'source', 'variable.language.model.source.mtvt');
  await expectScope(src, 'nics', 'variable.other.property.mtvt');
  await expectScope(src, 'for', 'keyword.control.for.mtvt');
  await expectScope(src, 'nic', 'variable.other.declaration.mtvt');
  await expectScope(src, 'in', 'keyword.control.in.mtvt');
  await expectScope(src, 'find', 'support.function.builtin.mtvt');
  await expectScope(src, 'x', 'variable.other.declaration.mtvt');
  await expectScope(src, 'in', 'keyword.control.in.mtvt', 1);
  await expectScope(src, 'dest', 'variable.language.model.dest.mtvt');
  await expectScope(src, '==', 'keyword.operator.comparison.mtvt');
  await expectScope(src, 'assert', 'keyword.control.assert.mtvt');
  await expectScope(src, '!=', 'keyword.operator.comparison.mtvt');
  await expectScope(src, 'none', 'constant.language.null.mtvt');
  await expectScope(src, 'when', 'keyword.control.when.mtvt');
  await expectScope(src, 'in', 'keyword.operator.word.in.mtvt', 2);
  await expectScope(src, 'keys', 'support.function.builtin.mtvt');
  await expectScope(src, 'plan', 'variable.language.model.plan.mtvt');
  await expectScope(src, 'and', 'keyword.operator.logical.and.mtvt');
  await expectScope(src, 'not', 'keyword.operator.logical.not.mtvt');
  await expectScope(src, 'vm', 'variable.language.model.vm.mtvt');
  await expectScope(src, 'else', 'keyword.control.else.mtvt');
  await expectScope(src, 'starts_with', 'keyword.operator.word.starts_with.mtvt');
  await expectScope(src, 'or', 'keyword.operator.logical.or.mtvt');
  await expectScope(src, 'ends_with', 'keyword.operator.word.ends_with.mtvt');
  await expectScope(src, 'skip', 'keyword.control.skip.mtvt');
  await expectScope(src, 'contains', 'keyword.operator.word.contains.mtvt');
  await expectScope(src, 'matches', 'keyword.operator.word.matches.mtvt');
  await expectScope(src, '>=', 'keyword.operator.comparison.mtvt');
  await expectScope(src, '<=', 'keyword.operator.comparison.mtvt');
  await expectScope(src, 'off', 'constant.language.enum.mtvt');
  await expectScope(src, 'migration', 'variable.language.model.migration.mtvt');
  await expectScope(src, 'succeeded', 'constant.language.enum.mtvt');
  await expectScope(src, 'my_helper', 'entity.name.function.call.mtvt');
});

test('check aliases continue after a trailing comma', async () => {
  const src = 'check standard "the usual" = a, b,\n  c, d\nscenario s {\n}';
  await expectScope(src, 'standard', 'entity.name.function.check.mtvt');
  await expectScope(src, 'the usual', 'string.quoted.double.mtvt');
  await expectScope(src, '=', 'keyword.operator.assignment.mtvt');
  await expectScope(src, 'c', 'entity.name.function.check.mtvt');
  await expectScope(src, 'd', 'entity.name.function.check.mtvt');
  await expectScope(src, 'scenario', 'keyword.other.scenario.mtvt');
});

test('a declaration whose block never opens does not swallow the next item', async () => {
  const src = 'scenario broken extends\nscenario ok {\n  vm "x"\n}';
  await expectScope(src, 'scenario', 'keyword.other.scenario.mtvt', 1);
  await expectScope(src, 'ok', 'entity.name.type.scenario.mtvt');
  await expectScope(src, 'vm', 'support.type.property-name.key.mtvt');
});

/** Every .mtvt file of the catalog. */
function catalogFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.mtvt')) out.push(p);
    }
  };
  walk(path.join(REPO, 'scenarios'));
  walk(path.join(REPO, 'stdlib'));
  return out.sort();
}

test('catalog: every word has a scope and every region closes', async () => {
  const files = catalogFiles();
  assert.ok(files.length >= 10, `expected the scenario catalog under ${REPO}, found ${files.length} files`);
  for (const file of files) {
    const tokens = await tokenize(fs.readFileSync(file, 'utf8'));
    const rel = path.relative(REPO, file);
    for (const t of tokens) {
      if (!/[A-Za-z0-9]/.test(t.text)) continue;
      const leaf = t.scopes.filter((s) => !s.startsWith('meta.') && s !== 'source.mtvt');
      assert.ok(leaf.length > 0, `${rel}:${t.line + 1}: ${JSON.stringify(t.text)} has no scope beyond [${t.scopes.join(', ')}]`);
      assert.ok(!t.scopes.some((s) => s.startsWith('invalid')), `${rel}:${t.line + 1}: ${JSON.stringify(t.text)} is marked invalid`);
    }
    // the last token is outside every block: all braces of the file were matched
    const last = tokens[tokens.length - 1];
    assert.deepEqual(last.scopes.filter((s) => s.startsWith('meta.block')), [], `${rel}: a block is still open at the end of the file`);
  }
});
