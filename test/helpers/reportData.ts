// The runs a report page embeds, unpacked as the dashboard unpacks them.
import type { PackedSnapshot, RunSnapshot } from '../../src/shared/protocol';
import { unpackSnapshot } from '../../webview/dashboard/unpack';

export function embeddedPacked(html: string): PackedSnapshot[] {
  const json = /<script type="application\/json" id="seqlab-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (json === undefined) throw new Error('no seqlab-data block in the page');
  return (JSON.parse(json) as { packed: PackedSnapshot[] }).packed;
}

export function embeddedRuns(html: string): RunSnapshot[] {
  return embeddedPacked(html).map(unpackSnapshot);
}
