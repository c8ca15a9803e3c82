// Activates the bundled extension (the same esbuild bundle the .vsix ships) against a fake
// `vscode` API: a missing binary gives one clear warning and no server; a binary on PATH or
// in `mtvt.path` is launched as `mtvt lsp`.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bundle } = require('../scripts/bundle');
const { installFakeVscode } = require('./fake-vscode');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mtvt-vscode-test-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let built;
function builtBundle() {
  built ??= bundle(path.join(tmp, 'dist', 'extension.js')).then(() => path.join(tmp, 'dist', 'extension.js'));
  return built;
}

/** Loads a fresh copy of the bundle with a fake vscode and activates it. */
async function activate(fakeOptions, env) {
  const file = await builtBundle();
  const fake = installFakeVscode(fakeOptions);
  const savedPath = process.env.PATH;
  process.env.PATH = env.PATH;
  delete require.cache[file];
  const ext = require(file);
  const context = { subscriptions: [] };
  await ext.activate(context);
  // activation starts the server without awaiting it; let it settle
  await new Promise((r) => setTimeout(r, 300));
  return {
    ...fake,
    ext,
    async finish() {
      await ext.deactivate();
      process.env.PATH = savedPath;
      fake.uninstall();
    },
  };
}

/** Installs test/fake-server.js as an executable `mtvt` in `dir`; returns its path and log. */
function fakeMtvt(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, 'mtvt');
  const log = path.join(dir, 'server.log');
  const script = fs.readFileSync(path.join(__dirname, 'fake-server.js'), 'utf8');
  fs.writeFileSync(bin, `#!${process.execPath}\nprocess.env.MTVT_FAKE_LOG = ${JSON.stringify(log)};\n${script}`, { mode: 0o755 });
  return { bin, log };
}

/** Waits until the fake server's log contains `line`; returns the whole log. */
async function waitForLine(file, line, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.split('\n').includes(line)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(no log: the server was not launched)';
  throw new Error(`"${line}" not in ${file} within ${ms} ms:\n${text}`);
}

test('no mtvt on PATH: one warning naming the fix, no server, commands registered', async () => {
  const empty = path.join(tmp, 'empty-bin');
  fs.mkdirSync(empty, { recursive: true });
  const run = await activate({ settings: {} }, { PATH: empty });
  try {
    assert.equal(run.log.warnings.length, 1, JSON.stringify(run.log.warnings));
    const { msg, items } = run.log.warnings[0];
    assert.match(msg, /no "mtvt" binary on PATH/);
    assert.match(msg, /mtvt\.path/);
    assert.match(msg, /Highlighting still works/);
    assert.deepEqual(items, ['Open Settings']);
    assert.ok(run.log.commands.has('mtvt.restartServer'));
    assert.ok(!run.log.output.some((l) => l.startsWith('starting ')), run.log.output.join('\n'));
    // restarting with the same problem does not nag again
    await run.log.commands.get('mtvt.restartServer')();
    assert.equal(run.log.warnings.length, 1);
  } finally {
    await run.finish();
  }
});

test('"Open Settings" opens the mtvt.path setting', async () => {
  const empty = path.join(tmp, 'empty-bin-2');
  fs.mkdirSync(empty, { recursive: true });
  const run = await activate({ settings: {}, answer: 'Open Settings' }, { PATH: empty });
  try {
    assert.deepEqual(run.log.executed, [['workbench.action.openSettings', 'mtvt.path']]);
  } finally {
    await run.finish();
  }
});

test('mtvt on PATH is launched as `mtvt lsp`', async () => {
  const { bin, log } = fakeMtvt(path.join(tmp, 'path-bin'));
  const run = await activate({ settings: {} }, { PATH: path.dirname(bin) });
  try {
    await waitForLine(log, 'method initialized');
    assert.equal(run.log.warnings.length, 0, JSON.stringify(run.log.warnings));
    assert.deepEqual(run.log.errors, []);
    assert.ok(run.log.output.includes(`starting ${bin} lsp (from PATH)`), run.log.output.join('\n'));
  } finally {
    await run.finish();
  }
  // deactivation shuts the server down cleanly
  const text = await waitForLine(log, 'method exit');
  assert.deepEqual(text.trim().split('\n'), ['argv lsp', 'method initialize', 'method initialized', 'method shutdown', 'method exit']);
});

test('mtvt.path wins over PATH; a bad mtvt.path is reported with the path', async () => {
  const { bin, log } = fakeMtvt(path.join(tmp, 'setting-bin'));
  const run = await activate({ settings: { path: bin } }, { PATH: '' });
  try {
    await waitForLine(log, 'method initialized');
    assert.deepEqual(run.log.errors, []);
    assert.ok(run.log.output.includes(`starting ${bin} lsp (from setting)`), run.log.output.join('\n'));
    // the user changes the setting to a file that does not exist: restart, one warning
    run.settings.path = path.join(tmp, 'nowhere', 'mtvt');
    for (const fn of run.log.configListeners) fn({ affectsConfiguration: (s) => s === 'mtvt.path' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(run.log.warnings.length, 1, JSON.stringify(run.log.warnings));
    assert.match(run.log.warnings[0].msg, /"mtvt\.path" setting points to .*nowhere\/mtvt/);
    // the running server was stopped before the (failed) restart
    await waitForLine(log, 'method exit');
  } finally {
    await run.finish();
  }
});
