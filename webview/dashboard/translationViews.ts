// The tables of a sequence-to-sequence run's latest evaluation: validation examples (source, reference, greedy and
// beam output, sentence BLEU of each) and the beam hypotheses of a probe with their scores.
import { fmt } from '../../src/shared/format';
import type { TaskRecord } from '../../src/shared/protocol';
import { append } from './lineChart';

type Of<K extends TaskRecord['kind']> = Extract<TaskRecord, { kind: K }>;

export function latestTask<K extends TaskRecord['kind']>(tasks: readonly TaskRecord[], kind: K): Of<K> | undefined {
  for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].kind === kind) return tasks[i] as Of<K>;
  return undefined;
}

/** A cell holding decoded text, marked when it differs from the reference. */
function output(tr: HTMLElement, text: string, reference: string): void {
  append(tr, 'td', text === reference ? 'text right' : 'text wrong', text === '' ? '∅' : text);
}

export function drawExamples(box: HTMLElement, t: Of<'translations'> | undefined): void {
  box.classList.toggle('hidden', !t);
  box.replaceChildren();
  if (!t) return;
  const exact = t.examples.filter((e) => e.greedy === e.reference).length;
  append(box, 'h3', undefined, `Validation examples (step ${t.step}) — greedy exact on ${exact}/${t.examples.length}`);
  const scroller = append(box, 'div', 'label-scroll');
  scroller.tabIndex = 0;
  scroller.setAttribute('aria-label', 'Validation examples, scrollable');
  const table = append(scroller, 'table', 'translations');
  const head = append(append(table, 'thead'), 'tr');
  for (const h of ['source', 'reference', 'greedy', 'BLEU', 'beam', 'BLEU']) append(head, 'th', undefined, h);
  const body = append(table, 'tbody');
  for (const e of t.examples) {
    const tr = append(body, 'tr');
    append(tr, 'td', 'text', e.source);
    append(tr, 'td', 'text', e.reference);
    output(tr, e.greedy, e.reference);
    append(tr, 'td', 'num', fmt(e.greedyBleu, 3));
    output(tr, e.beam, e.reference);
    append(tr, 'td', 'num', fmt(e.beamBleu, 3));
  }
}

export function drawBeams(box: HTMLElement, b: Of<'beams'> | undefined): void {
  box.classList.toggle('hidden', !b);
  box.replaceChildren();
  if (!b) return;
  append(box, 'h3', undefined, `Beam search for probe ${b.probe} (step ${b.step}): "${b.source}"`);
  const table = append(box, 'table', 'beams');
  const head = append(append(table, 'thead'), 'tr');
  for (const h of ['#', 'hypothesis', 'score', 'log p', 'ended']) append(head, 'th', undefined, h);
  const body = append(table, 'tbody');
  b.hypotheses.forEach((h, i) => {
    const tr = append(body, 'tr');
    append(tr, 'td', 'num', String(i + 1));
    append(tr, 'td', 'text', h.text === '' ? '∅' : h.text);
    append(tr, 'td', 'num', fmt(h.score, 4));
    append(tr, 'td', 'num', fmt(h.logProb, 4));
    append(tr, 'td', undefined, h.finished ? 'yes' : 'no (max length)');
  });
}
