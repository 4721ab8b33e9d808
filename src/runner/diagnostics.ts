// Problems in configs and data files, located precisely enough for an editor to underline them, and the few told
// in one line instead.

/** 1-based line and column (columns count UTF-16 code units, as editors do). */
export interface Position { line: number; column: number }

export interface Diagnostic {
  /** The file the problem is in: the config or a data file. */
  file: string;
  /** Where in the file, as a JSON path ("model.head.output") for configs or a field/record name for data. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  start: Position;
  end: Position;
  /** The same range as a character offset and length, for hosts that prefer those. */
  offset: number;
  length: number;
}

/** Bad config or input data: the CLI exits with code 2 and prints every diagnostic. */
export class InputError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n') || 'invalid input');
    this.name = 'InputError';
  }
}

/**
 * Input a request cannot use, told in one line rather than at a place in a file: a data file that is missing, a
 * sequence that does not fit the trained model, a run of the wrong kind. The CLI prints it and exits with code 2.
 */
export class UnusableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnusableInputError';
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path ? `${d.path}: ` : '';
  return `${d.file}:${d.start.line}:${d.start.column}: ${d.severity}: ${where}${d.message}`;
}

/** Maps character offsets of a text to line/column. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line - 1, 0), this.starts.length - 1)];
  }
}

export function diagnosticAt(
  file: string, map: LineMap, offset: number, length: number, path: string, message: string, severity: 'error' | 'warning' = 'error',
): Diagnostic {
  return { file, path, message, severity, start: map.position(offset), end: map.position(offset + length), offset, length };
}

/** A problem with a file as a whole (missing, empty, unreadable): placed at its start. */
export function fileDiagnostic(file: string, message: string, path = ''): Diagnostic {
  return { file, path, message, severity: 'error', start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, offset: 0, length: 0 };
}
