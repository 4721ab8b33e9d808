// What every dashboard view receives when it redraws.
import type { DashboardState } from '../../src/shared/protocol';
import type { Host } from '../shared/host';
import type { Palette } from '../shared/theme';
import type { ConfigDifference } from './configDiff';
import type { RunData } from './model';

export type ViewState = DashboardState['view'];

export interface ViewContext {
  runs: RunData[];
  /** The run the detail views show. */
  focus: RunData;
  view: ViewState;
  palette: Palette;
  diffs: ConfigDifference[];
  host: Host;
  /** Records a view-state change (persisted through setState) and redraws what depends on it. */
  setView(patch: Partial<ViewState>, redraw: Part[]): void;
}

export type Part = 'header' | 'loss' | 'grads' | 'gradflow' | 'gates' | 'attention' | 'tasks' | 'alignment';

export const defaultView: ViewState = { logScale: true, smoothing: 0.6, gateStep: null, probe: 0 };
