// Controls the heatmap panels share (gates, attention maps, alignment): a labelled drop-down and the training-step
// slider over the steps that have records.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { append } from './lineChart';

export interface SelectElement extends HTMLElement { value: string }

export function labeledSelect(parent: HTMLElement, id: string, label: string, onChange: () => void): SelectElement {
  const wrap = append(parent, 'label', 'control');
  append(wrap, 'span', 'control-label', label);
  const sel = document.createElement('vscode-single-select') as SelectElement;
  sel.id = id;
  sel.setAttribute('aria-label', label);
  sel.addEventListener('change', onChange);
  wrap.appendChild(sel);
  return sel;
}

export function fillOptions(sel: SelectElement, options: { value: string; label: string }[], value: string): void {
  sel.replaceChildren(...options.map((o) => {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    return opt;
  }));
  sel.value = value;
}

/** "Training step": a slider over the recorded steps. Moving it to the last one picks null, which follows new records. */
export class StepSlider {
  private readonly input: HTMLInputElement;
  private readonly label: HTMLElement;
  private steps: number[] = [];

  constructor(parent: HTMLElement, id: string, onPick: (step: number | null) => void) {
    const wrap = append(parent, 'label', 'control slider-control');
    append(wrap, 'span', 'control-label', 'Training step');
    this.input = append(wrap, 'input');
    Object.assign(this.input, { type: 'range', id, min: '0', step: '1' });
    this.label = append(wrap, 'output', 'slider-value');
    this.input.addEventListener('input', () => {
      const i = Number(this.input.value);
      onPick(i >= this.steps.length - 1 ? null : this.steps[i]);
    });
  }

  /** Shows `step` among `steps` (ascending); null: nothing recorded yet. */
  show(steps: number[], step: number | null): void {
    this.steps = steps;
    this.input.max = String(Math.max(0, steps.length - 1));
    this.input.disabled = steps.length < 2;
    if (step === null) { this.label.textContent = ''; return; }
    this.input.value = String(steps.indexOf(step));
    this.label.textContent = `${step}${step === steps[steps.length - 1] ? ' (latest)' : ''}`;
    this.input.setAttribute('aria-valuetext', `training step ${step}`);
  }
}
