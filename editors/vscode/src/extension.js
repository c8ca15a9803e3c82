// VS Code entry point: starts `mtvt lsp` (vscode-languageclient over stdio) for .mtvt
// files when the binary can be found, and restarts it on command or when `mtvt.path`
// changes. Highlighting comes from the TextMate grammar declared in package.json, so it
// works whether or not the server runs; this file must never block activation on it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { resolveServer } = require('./server');

const CLIENT_ID = 'mtvt';
const CLIENT_NAME = 'mtvt language server';

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;
/** Messages already shown, so a missing binary is reported once, not on every restart. */
const shown = new Set();

function workspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

async function startClient() {
  const config = vscode.workspace.getConfiguration('mtvt');
  const resolved = resolveServer({
    configuredPath: config.get('path', ''),
    workspaceFolder: workspaceFolder(),
  });
  if (!resolved.ok) {
    output?.appendLine(resolved.message);
    if (!shown.has(resolved.message)) {
      shown.add(resolved.message);
      const choice = await vscode.window.showWarningMessage(resolved.message, 'Open Settings');
      if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'mtvt.path');
      }
    }
    return;
  }
  output?.appendLine(`starting ${resolved.command} ${resolved.args.join(' ')} (from ${resolved.from})`);
  const serverOptions = { command: resolved.command, args: resolved.args };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mtvt' },
      { scheme: 'untitled', language: 'mtvt' },
    ],
    outputChannel: output,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.mtvt') },
    connectionOptions: { maxRestartCount: 3 },
  };
  try {
    client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    await client.start();
  } catch (err) {
    const message = `mtvt: the language server (${resolved.command} lsp) did not start: ${err instanceof Error ? err.message : String(err)}. Highlighting still works; see the "${CLIENT_NAME}" output.`;
    output?.appendLine(message);
    void vscode.window.showErrorMessage(message);
    client = undefined;
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      output?.appendLine(`stopping the language server failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('mtvt.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mtvt.path')) void restartClient();
    }),
  );
  // Not awaited: a slow or failing server must not hold up the editor.
  void startClient();
}

async function deactivate() {
  await stopClient();
}

module.exports = { activate, deactivate };
