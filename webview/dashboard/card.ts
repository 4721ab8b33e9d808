// A dashboard card: a titled section with a one-line caption and export buttons.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { append } from './lineChart';

export interface Card {
  root: HTMLElement;
  body: HTMLElement;
  caption: HTMLElement;
  actions: HTMLElement;
}

export function card(parent: HTMLElement, id: string, title: string, caption: string, wide = false): Card {
  const root = append(parent, 'section', wide ? 'card wide' : 'card');
  root.id = id;
  root.setAttribute('aria-labelledby', `${id}-title`);
  const head = append(root, 'header', 'card-head');
  const h = append(head, 'h2', undefined, title);
  h.id = `${id}-title`;
  const actions = append(head, 'div', 'card-actions');
  const cap = append(root, 'p', 'caption', caption);
  const body = append(root, 'div', 'card-body');
  return { root, body, caption: cap, actions };
}

/** A small secondary button; vscode-button is focusable and fires click on Enter/Space. */
export function button(parent: HTMLElement, text: string, title: string, onClick: () => void, id?: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.textContent = text;
  b.title = title;
  if (id) b.id = id;
  b.addEventListener('click', onClick);
  parent.appendChild(b);
  return b;
}

/** PNG and SVG export buttons for one plot; `group` labels them when a card holds several plots. */
export function exportButtons(parent: HTMLElement, what: string, png: () => void, svg: () => void, group?: string): void {
  if (group) append(parent, 'span', 'export-group', group);
  button(parent, 'PNG', `Export ${what} as PNG`, png).classList.add('export-png');
  button(parent, 'SVG', `Export ${what} as SVG`, svg).classList.add('export-svg');
}
