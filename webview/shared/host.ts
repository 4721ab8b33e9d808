// The webview's one link to the outside: inside VS Code it talks to the extension host through acquireVsCodeApi;
// in the standalone HTML report there is no host, so data comes embedded in the page and exports download directly.
import type { ExportFormat } from '../../src/shared/format';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  readonly mode: 'vscode' | 'standalone';
  post(message: WebviewMessage): void;
  getState<T>(): T | undefined;
  setState(state: unknown): void;
  /** png: `data` is a data: URL; svg and csv: `data` is the text. */
  exportFile(format: ExportFormat, fileName: string, data: string): void;
  /** Only objects with a string `type` reach the handler; which types it knows is the dispatcher's business. */
  onMessage(handler: (message: HostMessage) => void): void;
}

const mimeTypes: Record<ExportFormat, string> = { png: 'image/png', svg: 'image/svg+xml', csv: 'text/csv' };

function download(format: ExportFormat, fileName: string, data: string): void {
  let blob: Blob;
  if (format === 'png') {
    const bin = atob(data.slice(data.indexOf(',') + 1));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    blob = new Blob([bytes], { type: mimeTypes.png });
  } else {
    blob = new Blob([data], { type: `${mimeTypes[format]};charset=utf-8` });
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function isMessage(data: unknown): data is HostMessage {
  return typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string';
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      mode: 'vscode',
      post: (m) => api.postMessage(m),
      getState: <T>() => (api.getState() ?? undefined) as T | undefined,
      setState: (s) => api.setState(s),
      exportFile: (format, fileName, data) => api.postMessage({ type: 'export', format, fileName, data }),
      onMessage: (handler) => window.addEventListener('message', (e: MessageEvent<unknown>) => {
        if (!isMessage(e.data)) return;
        handler(e.data);
        // Flow control: the host holds the next append until this page has handled this one and drawn a frame.
        if (e.data.type === 'append') requestAnimationFrame(() => api.postMessage({ type: 'received' }));
      }),
    };
  }
  let state: unknown;
  return {
    mode: 'standalone',
    post: () => undefined,
    getState: <T>() => state as T | undefined,
    setState: (s) => { state = s; },
    exportFile: download,
    // The report can still be fed messages (tests stream appends this way); nothing else posts to it.
    onMessage: (handler) => window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (e.source === window && isMessage(e.data)) handler(e.data);
    }),
  };
}

/** File-name-safe slug of a title. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'plot';
}
