// Lists a .vsix (a zip) and fails unless it holds exactly what the extension needs at run
// time: the manifest, grammar, language configuration and the bundled dist/extension.js
// with vscode-languageclient inside — and no node_modules, sources or tests.
// Usage: node scripts/check-vsix.js mtvt.vsix
'use strict';

const fs = require('node:fs');
const zlib = require('node:zlib');

/** Reads the central directory of a zip: [{name, method, compressedSize, localOffset}]. */
function zipEntries(buf) {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, method, compressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The uncompressed bytes of one entry. */
function readEntry(buf, e) {
  const nameLen = buf.readUInt16LE(e.localOffset + 26);
  const extraLen = buf.readUInt16LE(e.localOffset + 28);
  const start = e.localOffset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data;
  if (e.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`${e.name}: unsupported compression method ${e.method}`);
}

function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node scripts/check-vsix.js FILE.vsix');
  const buf = fs.readFileSync(file);
  const entries = zipEntries(buf);
  const names = entries.map((e) => e.name).sort();
  console.log(`${file}: ${names.length} files, ${buf.length} bytes`);
  for (const n of names) console.log(`  ${n}`);

  const problems = [];
  for (const must of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/language-configuration.json',
    'extension/syntaxes/mtvt.tmLanguage.json',
    'extension/dist/extension.js',
  ]) {
    if (!names.includes(must)) problems.push(`missing ${must}`);
  }
  if (!names.some((n) => n.toLowerCase() === 'extension/readme.md')) problems.push('missing extension/readme.md');
  for (const n of names) {
    if (/(^|\/)node_modules\//.test(n)) problems.push(`node_modules packed: ${n}`);
    if (/^extension\/(src|test|scripts)\//.test(n)) problems.push(`development file packed: ${n}`);
    if (n.endsWith('.vsix')) problems.push(`a .vsix inside the .vsix: ${n}`);
  }
  const bundle = entries.find((e) => e.name === 'extension/dist/extension.js');
  if (bundle) {
    const js = readEntry(buf, bundle).toString('utf8');
    // vscode-languageclient's own error text proves the client is bundled, not required at run time
    if (!js.includes('No valid VS Code version detected')) problems.push('dist/extension.js does not contain vscode-languageclient');
    if (/require\("vscode-languageclient/.test(js)) problems.push('dist/extension.js requires vscode-languageclient at run time instead of bundling it');
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`vsix check: ${p}`);
    process.exit(1);
  }
  console.log('vsix check: ok (client bundled, no node_modules, no sources)');
}

main();
