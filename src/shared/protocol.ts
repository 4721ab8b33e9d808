// Messages between the extension host and its webviews (dashboard panel, live side view).
// Both sides import this module, so a change here is a compile error on whichever side falls behind.
import type { RunRecord, RunSnapshot, RunSummary, TaskRecord } from '../runner/events';
import type { ExportFormat } from './format';

// The runner owns the record types; the webview gets them from here, so it never imports the runner.
export type {
  AlignmentRecord, BeamHypothesis, EvalRecord, GateRecord, GradFlowRecord, LossInfo, RunRecord, RunSnapshot, RunStatus,
  RunSummary, SelfAttentionRecord, StepRecord, TaskRecord, TranslationExample,
} from '../runner/events';
/** The offline report's packed data (src/runner/reportPack.ts), unpacked by the dashboard. */
export type { PackedField, PackedNumbers, PackedRecord, PackedSnapshot, PackedSteps, PackedTask } from '../runner/reportPack';

/** Host → webview. */
export type HostMessage =
  /** The full state of one or more runs (one for a run dashboard, several to compare). Replaces what was shown. */
  | { type: 'snapshot'; runs: RunSnapshot[]; live: boolean }
  /** New records for a run already shown, batched and throttled by the host. */
  | { type: 'append'; runId: string; records: RunRecord[]; taskRecords: TaskRecord[] }
  | { type: 'summary'; runId: string; summary: RunSummary };

/** Webview → host. */
export type WebviewMessage =
  /** Sent once the script has loaded and can accept a snapshot (the ready handshake). */
  | { type: 'ready' }
  /** An append was handled and a frame drawn since: the host may send the next one (flow control). */
  | { type: 'received' }
  | { type: 'stop'; runId: string }
  /**
   * The webview cannot write files; it hands exports to the host, which asks where to save.
   * png: `data` is a "data:image/png;base64,…" URL; svg and csv: `data` is the file's text.
   */
  | { type: 'export'; format: ExportFormat; fileName: string; data: string };

/** State the webview keeps through vscode.setState so the dashboard restores after a reload. */
export interface DashboardState {
  runIds: string[];
  view: {
    logScale: boolean; smoothing: number; gateStep: number | null; probe: number;
    /** Gate view layer and direction as "layer:direction", e.g. "0:forward". */
    gateLayer?: string;
    /** The Transformer layer the attention view shows, and its training step (null or absent: the latest). */
    attentionLayer?: number;
    attentionStep?: number | null;
    /** The run the detail views (gradient flow, gates, task) show when several runs are compared. */
    focusRunId?: string;
    /** Sequence-to-sequence alignment view: the probe and training step shown (null: the latest step). */
    alignProbe?: number;
    alignStep?: number | null;
  };
}

/**
 * The `default` of a switch over message types: `message` is `never` there, so a message type added to the protocol
 * is a compile error until every dispatcher handles it. At run time a type this side does not know (a webview left
 * open across an extension update) still lands here, and is logged and ignored rather than thrown.
 */
export function ignoreUnknownMessage(message: never, log: (line: string) => void): void {
  const type = (message as { type?: unknown } | null)?.type;
  log(`ignored a message of unknown type ${JSON.stringify(type) ?? String(type)}`);
}
