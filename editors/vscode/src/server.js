// Finds the `mtvt` binary that serves the language server (`mtvt lsp`), from the
// `mtvt.path` setting or PATH, and words the message shown when there is none.
// Pure Node (no `vscode` import) so it is unit-tested outside the editor; it must not
// start processes or show UI.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Arguments that make `mtvt` speak LSP over stdio. */
const SERVER_ARGS = Object.freeze(['lsp']);

/** True when `file` exists, is a regular file and (outside Windows) is executable. */
function isExecutableFile(file, platform = process.platform) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Looks `name` up on a PATH string the way a shell would (Windows: with PATHEXT).
 * @returns {string | undefined} the absolute path of the first executable match
 */
function findOnPath(name, env = process.env, platform = process.platform, isExec = isExecutableFile) {
  const pathVar = (platform === 'win32' ? env.Path ?? env.PATH : env.PATH) ?? '';
  const sep = platform === 'win32' ? ';' : ':';
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  for (const dir of pathVar.split(sep)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExec(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

/**
 * Resolves the server binary.
 * @param {object} o
 * @param {string} [o.configuredPath] the `mtvt.path` setting ('' = look on PATH)
 * @param {string} [o.workspaceFolder] base for a relative `mtvt.path`
 * @param {NodeJS.ProcessEnv} [o.env]
 * @param {string} [o.platform]
 * @param {string} [o.homedir]
 * @param {(file: string, platform: string) => boolean} [o.isExecutable]
 * @returns {{ok: true, command: string, args: string[], from: 'setting' | 'PATH'}
 *         | {ok: false, message: string}}
 */
function resolveServer({
  configuredPath = '',
  workspaceFolder,
  env = process.env,
  platform = process.platform,
  homedir = os.homedir(),
  isExecutable = isExecutableFile,
} = {}) {
  const setting = configuredPath.trim();
  if (setting) {
    let file = setting;
    if (file === '~' || file.startsWith('~/') || file.startsWith('~\\')) file = path.join(homedir, file.slice(1));
    if (!path.isAbsolute(file) && workspaceFolder) file = path.join(workspaceFolder, file);
    if (isExecutable(file, platform)) return { ok: true, command: file, args: [...SERVER_ARGS], from: 'setting' };
    return {
      ok: false,
      message:
        `mtvt: the language server is off: the "mtvt.path" setting points to ${file}, ` +
        'which is not an executable file. Fix the setting (or clear it to use mtvt from PATH). ' +
        'Highlighting still works.',
    };
  }
  const found = findOnPath('mtvt', env, platform, isExecutable);
  if (found) return { ok: true, command: found, args: [...SERVER_ARGS], from: 'PATH' };
  return {
    ok: false,
    message:
      'mtvt: the language server is off: no "mtvt" binary on PATH. Install it ' +
      '(`cargo install --path .` in the mtvt repository) or set "mtvt.path" to the binary. ' +
      'Highlighting still works.',
  };
}

module.exports = { SERVER_ARGS, findOnPath, isExecutableFile, resolveServer };
