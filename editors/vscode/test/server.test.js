// resolveServer / findOnPath: where the extension looks for `mtvt`, on every platform.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveServer, findOnPath, isExecutableFile } = require('../src/server');

test('PATH lookup takes the first executable match and skips non-executables', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mtvt-path-'));
  try {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, 'mtvt'), 'not executable', { mode: 0o644 });
    fs.writeFileSync(path.join(b, 'mtvt'), '#!/bin/sh\n', { mode: 0o755 });
    fs.mkdirSync(path.join(tmp, 'c', 'mtvt'), { recursive: true }); // a directory named mtvt
    const env = { PATH: ['', path.join(tmp, 'c'), a, b].join(':') };
    assert.equal(findOnPath('mtvt', env, 'linux'), path.join(b, 'mtvt'));
    const r = resolveServer({ env, platform: 'linux' });
    assert.deepEqual(r, { ok: true, command: path.join(b, 'mtvt'), args: ['lsp'], from: 'PATH' });
    assert.equal(isExecutableFile(path.join(a, 'mtvt'), 'linux'), false);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('Windows: Path and PATHEXT are honoured', () => {
  const seen = [];
  const isExec = (f) => {
    seen.push(f);
    return f === path.join('C:\\tools', 'mtvt.EXE');
  };
  const env = { Path: 'C:\\other;C:\\tools', PATHEXT: '.COM;.EXE' };
  assert.equal(findOnPath('mtvt', env, 'win32', isExec), path.join('C:\\tools', 'mtvt.EXE'));
  assert.deepEqual(seen.slice(0, 2), [path.join('C:\\other', 'mtvt.COM'), path.join('C:\\other', 'mtvt.EXE')]);
});

test('mtvt.path: ~ and relative paths; a bad path is an error naming it, with no PATH fallback', () => {
  const ok = (f) => f === '/home/u/bin/mtvt' || f === '/ws/target/debug/mtvt';
  assert.deepEqual(resolveServer({ configuredPath: '~/bin/mtvt', homedir: '/home/u', isExecutable: ok, platform: 'linux' }), {
    ok: true,
    command: '/home/u/bin/mtvt',
    args: ['lsp'],
    from: 'setting',
  });
  assert.equal(
    resolveServer({ configuredPath: ' target/debug/mtvt ', workspaceFolder: '/ws', isExecutable: ok, platform: 'linux' }).command,
    '/ws/target/debug/mtvt',
  );
  const bad = resolveServer({ configuredPath: '/opt/mtvt', env: { PATH: '/home/u/bin' }, isExecutable: ok, platform: 'linux' });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /"mtvt\.path" setting points to \/opt\/mtvt, which is not an executable file/);
});

test('nothing found: the message says what to do', () => {
  const r = resolveServer({ env: { PATH: '/nowhere' }, isExecutable: () => false, platform: 'linux' });
  assert.equal(r.ok, false);
  assert.match(r.message, /no "mtvt" binary on PATH/);
  assert.match(r.message, /cargo install --path \./);
  assert.match(r.message, /set "mtvt\.path"/);
});
