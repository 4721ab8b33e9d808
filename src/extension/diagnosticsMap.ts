// The runner's diagnostics (1-based line/column, per file) → editor diagnostics (0-based, grouped by file).
// Plain data here; the vscode glue turns each entry into a vscode.Diagnostic on the file's Uri.
import type { Diagnostic } from '../runner/diagnostics';

export interface EditorRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface EditorDiagnostic {
  range: EditorRange;
  message: string;
  severity: 'error' | 'warning';
  /** The JSON path of the offending value, shown as the diagnostic's code so it is searchable. */
  code: string | undefined;
}

export function toEditorRange(d: Pick<Diagnostic, 'start' | 'end'>): EditorRange {
  const start = { line: Math.max(0, d.start.line - 1), character: Math.max(0, d.start.column - 1) };
  const end = { line: Math.max(0, d.end.line - 1), character: Math.max(0, d.end.column - 1) };
  // An empty range would be invisible in the editor; a zero-length problem (e.g. "file is empty") gets one character.
  if (end.line < start.line || (end.line === start.line && end.character <= start.character)) {
    return { start, end: { line: start.line, character: start.character + 1 } };
  }
  return { start, end };
}

/** Groups by file, in first-seen order, dropping exact duplicates (a semantic check can repeat a syntax one). */
export function groupByFile(diagnostics: readonly Diagnostic[]): Map<string, EditorDiagnostic[]> {
  const out = new Map<string, EditorDiagnostic[]>();
  const seen = new Set<string>();
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.offset}\0${d.length}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = out.get(d.file) ?? [];
    list.push({ range: toEditorRange(d), message: d.message, severity: d.severity, code: d.path || undefined });
    out.set(d.file, list);
  }
  return out;
}
