// Bundles src/extension.js and its runtime dependency (vscode-languageclient) into
// dist/extension.js, so the .vsix carries no node_modules. `vscode` is provided by the editor.
'use strict';

const path = require('node:path');
const esbuild = require('esbuild');

/** Writes the bundle to `outfile` (tests bundle into a temporary directory). */
function bundle(outfile = path.join(__dirname, '..', 'dist', 'extension.js')) {
  return esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'src', 'extension.js')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
  });
}

module.exports = { bundle };

if (require.main === module) {
  bundle().catch((err) => {
    console.error(`bundling src/extension.js failed: ${err.message}`);
    process.exit(1);
  });
}
