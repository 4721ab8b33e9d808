// Where the "Run · Run Sweep · Open last run · Compare" lenses go in a config file, and which ones apply.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export type LensAction = 'run' | 'sweep' | 'openLastRun' | 'compare';

export interface LensSpec {
  /** 0-based line the lenses sit above: the line of the config's opening brace. */
  line: number;
  actions: LensAction[];
}

/**
 * The lenses for one config text. `runCount` is how many runs of this config exist: "Open last run" needs one,
 * "Compare" needs two. A config with a non-empty "sweep" also gets "Run Sweep". Null when the text has no
 * top-level object (the editor shows syntax errors instead).
 */
export function configLenses(text: string, runCount: number): LensSpec | null {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root || root.type !== 'object') return null;
  const actions: LensAction[] = ['run'];
  if (hasNonEmptySweep(root)) actions.push('sweep');
  if (runCount >= 1) actions.push('openLastRun');
  if (runCount >= 2) actions.push('compare');
  return { line: lineOf(text, root.offset), actions };
}

function hasNonEmptySweep(root: Node): boolean {
  const sweep = findNodeAtLocation(root, ['sweep']);
  return sweep?.type === 'object' && (sweep.children?.length ?? 0) > 0;
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
