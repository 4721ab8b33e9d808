// Every id SeqLab shares with package.json's `contributes`: commands, views, the dashboard's panel type, settings,
// and the tree item and context values its `when` clauses test. test/extension/ids.test.ts holds both sides to each other.

export const COMMANDS = {
  runExperiment: 'seqlab.runExperiment',
  runSweep: 'seqlab.runSweep',
  stopRun: 'seqlab.stopRun',
  openDashboard: 'seqlab.openDashboard',
  compareRuns: 'seqlab.compareRuns',
  newExperiment: 'seqlab.newExperiment',
  openRunFolder: 'seqlab.openRunFolder',
  exportReport: 'seqlab.exportReport',
  showLog: 'seqlab.showLog',
  openLastRun: 'seqlab.openLastRun',
  revealRunFolder: 'seqlab.revealRunFolder',
  deleteRun: 'seqlab.deleteRun',
  refreshRuns: 'seqlab.refreshRuns',
  /** The walkthrough's: copy the bundled examples into a picked folder; open or run one example by name. */
  openExamples: 'seqlab.openExamples',
  openExample: 'seqlab.openExample',
  runExample: 'seqlab.runExample',
  exportPyTorch: 'seqlab.exportPyTorch',
  exportOnnx: 'seqlab.exportOnnx',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEWS = {
  experiments: 'seqlab.experiments',
  live: 'seqlab.live',
} as const;

/** The webview panel type of dashboards (activationEvents: onWebviewPanel), restored by a serializer. */
export const DASHBOARD_VIEW_TYPE = 'seqlab.dashboard';

/** Settings, read as vscode.workspace.getConfiguration(SETTINGS_SECTION).get(SETTINGS.x). */
export const SETTINGS_SECTION = 'seqlab';
export const SETTINGS = {
  maxConcurrentRuns: 'maxConcurrentRuns',
  openDashboardOnRun: 'openDashboardOnRun',
  threads: 'threads',
} as const;

/** contextValue of tree items, which menus' `viewItem` clauses match. */
export const TREE_ITEMS = {
  experiment: 'seqlab.experiment',
  /** The group of runs whose config is not in the workspace. */
  otherRuns: 'seqlab.other',
  runTraining: 'seqlab.run.running',
  runFailed: 'seqlab.run.failed',
  runDone: 'seqlab.run.done',
} as const;

/** The Getting Started walkthrough (package.json contributes.walkthroughs): one step per claim, catalog order. */
export const WALKTHROUGH = 'seqlab.claims';

/** Context key set while this window trains a run; the live view's Stop button shows on it. */
export const RUNNING_CONTEXT = 'seqlab.running';
