// A stand-in for the `vscode` module, enough to load the bundled extension in plain Node
// and observe what it does: messages shown, lines logged, commands registered, settings
// read. Unknown API members are inert stub classes so vscode-languageclient can load.
'use strict';

const Module = require('node:module');

function inertClass(name) {
  const C = class {
    constructor(...args) {
      this.args = args;
    }
    dispose() {}
  };
  Object.defineProperty(C, 'name', { value: name });
  return new Proxy(C, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === 'symbol') return undefined;
      target[prop] = inertClass(`${name}.${String(prop)}`);
      return target[prop];
    },
  });
}

/**
 * Builds a fake API and installs it as the `vscode` module.
 * @param {{settings?: object, workspaceFolder?: string, answer?: string}} o
 */
function installFakeVscode({ settings = {}, workspaceFolder, answer } = {}) {
  const log = { warnings: [], errors: [], output: [], commands: new Map(), executed: [], configListeners: [] };
  const disposable = { dispose() {} };
  class EventEmitter {
    constructor() {
      this.listeners = new Set();
      this.event = (fn) => {
        this.listeners.add(fn);
        return { dispose: () => this.listeners.delete(fn) };
      };
    }
    fire(e) {
      for (const fn of this.listeners) fn(e);
    }
    dispose() {
      this.listeners.clear();
    }
  }
  class Disposable {
    constructor(fn) {
      this.fn = fn;
    }
    static from(...items) {
      return new Disposable(() => items.forEach((d) => d?.dispose?.()));
    }
    dispose() {
      this.fn?.();
    }
  }
  const noEvent = () => disposable;
  const api = {
    version: '1.95.0',
    EventEmitter,
    Disposable,
    window: {
      createOutputChannel: (name) => ({
        name,
        appendLine: (l) => log.output.push(l),
        append: (l) => log.output.push(l),
        show() {},
        dispose() {},
      }),
      showWarningMessage: async (msg, ...items) => {
        log.warnings.push({ msg, items });
        return answer;
      },
      showErrorMessage: async (msg) => {
        log.errors.push(msg);
        return undefined;
      },
      showInformationMessage: async () => undefined,
      visibleTextEditors: [],
      tabGroups: { all: [], onDidChangeTabs: noEvent },
    },
    workspace: {
      workspaceFolders: workspaceFolder ? [{ uri: { fsPath: workspaceFolder } }] : undefined,
      getConfiguration: () => ({ get: (key, dflt) => (key in settings ? settings[key] : dflt) }),
      onDidChangeConfiguration: (fn) => {
        log.configListeners.push(fn);
        return disposable;
      },
      createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }),
      textDocuments: [],
      notebookDocuments: [],
    },
    commands: {
      registerCommand: (id, fn) => {
        log.commands.set(id, fn);
        return disposable;
      },
      executeCommand: async (...args) => {
        log.executed.push(args);
      },
    },
  };
  // Namespaces: unknown `onDid…` events are silent, unknown functions return undefined.
  const namespace = (obj) =>
    new Proxy(obj, {
      get(target, prop) {
        if (prop in target) return target[prop];
        if (typeof prop === 'symbol') return undefined;
        if (prop.startsWith('on')) return noEvent;
        return () => undefined;
      },
    });
  for (const ns of ['window', 'workspace', 'commands']) api[ns] = namespace(api[ns]);
  api.languages = namespace({});
  api.env = namespace({ language: 'en', appName: 'fake', machineId: 'test' });
  api.extensions = namespace({ all: [] });
  const vscode = new Proxy(api, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === 'symbol' || prop === '__esModule') return undefined;
      target[prop] = inertClass(String(prop));
      return target[prop];
    },
  });
  const original = Module._load;
  Module._load = function load(request, ...rest) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  return {
    log,
    settings,
    uninstall() {
      Module._load = original;
    },
  };
}

module.exports = { installFakeVscode };
