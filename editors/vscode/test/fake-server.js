// A minimal LSP server over stdio standing in for `mtvt lsp` in the extension tests: it
// appends its arguments and every received method to the file named by MTVT_FAKE_LOG,
// answers `initialize` and `shutdown`, and exits on `exit`. Installed as an executable
// named `mtvt` by test/extension.test.js.
'use strict';

const fs = require('node:fs');

const logFile = process.env.MTVT_FAKE_LOG;
const note = (line) => logFile && fs.appendFileSync(logFile, `${line}\n`);
note(`argv ${process.argv.slice(2).join(' ')}`);

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

let buf = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const headerEnd = buf.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, headerEnd).toString('ascii'));
    if (!m) throw new Error('LSP message without Content-Length');
    const len = Number(m[1]);
    if (buf.length < headerEnd + 4 + len) return;
    const msg = JSON.parse(buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8'));
    buf = buf.subarray(headerEnd + 4 + len);
    note(`method ${msg.method}`);
    if (msg.method === 'initialize') send({ id: msg.id, result: { capabilities: {}, serverInfo: { name: 'fake-mtvt' } } });
    else if (msg.method === 'shutdown') send({ id: msg.id, result: null });
    else if (msg.method === 'exit') process.exit(0);
  }
});
process.stdin.on('end', () => process.exit(0));
