// Dashboard entry point, in VS Code (data from the extension host) or in the standalone report
// (data embedded in a <script type="application/json" id="seqlab-data"> block).
import 'uplot/dist/uPlot.min.css';
import '../../media/dashboard.css';
import type { PackedSnapshot } from '../../src/shared/protocol';
import { connectHost } from '../shared/host';
import { Dashboard } from './dashboard';
import { unpackSnapshot } from './unpack';

function boot(): void {
  const host = connectHost();
  const root = document.getElementById('app') ?? document.body;
  if (host.mode === 'standalone') {
    document.body.classList.add('seqlab-standalone');
    if (!/\bvscode-(light|dark|high-contrast)\b/.test(document.body.className)) {
      document.body.classList.add(matchMedia('(prefers-color-scheme: light)').matches ? 'vscode-light' : 'vscode-dark');
    }
  }
  const dashboard = new Dashboard(root, host);
  host.onMessage((m) => dashboard.handle(m));
  const embedded = document.getElementById('seqlab-data');
  if (host.mode === 'standalone' && embedded?.textContent) {
    const data = JSON.parse(embedded.textContent) as { packed: PackedSnapshot[] };
    dashboard.load(data.packed.map(unpackSnapshot), false);
    dashboard.noteDecimated(data.packed.filter((p) => p.steps.kept < p.steps.total).map((p) => ({ runId: p.runId, kept: p.steps.kept, total: p.steps.total, href: p.metricsHref })));
  }
  host.post({ type: 'ready' });
}

boot();
