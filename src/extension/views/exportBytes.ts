// The bytes of a webview export. No vscode import, so tests call it directly.
import type { ExportFormat } from '../../shared/format';

/** The bytes to write for an export the webview handed over: PNGs arrive as data URLs, SVG and CSV as text. */
export function exportBytes(format: ExportFormat, data: string): Uint8Array {
  if (format === 'png') {
    const m = /^data:image\/png;base64,(.*)$/s.exec(data);
    if (!m) throw new Error('PNG export must be a data:image/png;base64 URL');
    return new Uint8Array(Buffer.from(m[1], 'base64'));
  }
  return new TextEncoder().encode(data);
}
