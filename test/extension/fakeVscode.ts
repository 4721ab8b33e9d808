// A stand-in for the `vscode` module, so extension code that imports it runs under node's test runner. It records
// what the code registers (commands, views, serializers) and what it logs; members a test does not care about are
// inert stubs that accept any call and return something disposable.
import Module from 'node:module';

export interface Registry {
  commands: string[];
  treeViews: string[];
  webviewViews: string[];
  panelSerializers: string[];
  /** Lines written to output channels, as "level: text". */
  log: string[];
}

export const registry: Registry = { commands: [], treeViews: [], webviewViews: [], panelSerializers: [], log: [] };

/** Anything at all: every property is another stub, every call or `new` returns one, writes vanish. Never a thenable. */
const inert: unknown = new Proxy(function inert() {}, {
  get: (_t, p) => (p === 'then' || typeof p === 'symbol' ? undefined : inert),
  set: () => true,
  apply: () => inert,
  construct: () => inert as object,
});

/** A namespace whose listed members are real and whose other members are inert stubs. */
function namespace(members: Record<string, unknown>): unknown {
  return new Proxy(members, { get: (t, p) => (typeof p === 'string' && p in t ? t[p] : inert) });
}

class EventEmitter<T> {
  private readonly listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
  dispose(): void { this.listeners.clear(); }
}

class Uri {
  readonly scheme = 'file';
  private constructor(readonly fsPath: string) {}
  get path(): string { return this.fsPath; }
  toString(): string { return `file://${this.fsPath}`; }
  static file(path: string): Uri { return new Uri(path); }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri([base.fsPath, ...parts].join('/')); }
}

const disposable = () => ({ dispose() {} });
const record = (list: string[]) => (id: string) => { list.push(id); return disposable(); };
const logLine = (level: string) => (text: string) => { registry.log.push(`${level}: ${text}`); };

// `import * as vscode` copies the module's own keys, so every top-level member the code reaches is listed here.
export const fakeVscode = {
  EventEmitter,
  Uri,
  commands: namespace({
    registerCommand: record(registry.commands),
    executeCommand: async () => undefined,
  }),
  window: namespace({
    createOutputChannel: () => ({ info: logLine('info'), warn: logLine('warn'), error: logLine('error'), show() {}, dispose() {} }),
    createTreeView: record(registry.treeViews),
    registerWebviewViewProvider: record(registry.webviewViews),
    registerWebviewPanelSerializer: record(registry.panelSerializers),
    showInformationMessage: async () => undefined,
  }),
  workspace: namespace({
    isTrusted: true,
    textDocuments: [],
    workspaceFolders: undefined,
    findFiles: async () => [],
    getConfiguration: () => ({ get: <T>(_key: string, fallback: T) => fallback }),
  }),
  languages: namespace({}),
  StatusBarAlignment: { Left: 1, Right: 2 },
};

/** Makes `import … from 'vscode'` load the fake, for every module loaded from now on. */
let installed = false;
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    return request === 'vscode' ? fakeVscode : load.call(this, request, parent, isMain);
  };
}
