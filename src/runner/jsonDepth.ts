// How deeply a JSON text nests, checked before it is parsed: parsers, and everything that walks a parsed value, recurse
// once per level, so a line of 100,000 "[" would end in a stack overflow instead of an error at its position. Used for
// configs (JSON with comments) and stored run files; data loaders can call it on each JSON line.

/** Deepest nesting allowed; configs and data lines use a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** The offset of the first "[" or "{" nested deeper than `limit` levels, or -1. Skips strings and comments. */
export function tooDeepAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) i = stringEnd(text, i);
    else if (ch === 0x2f && text.charCodeAt(i + 1) === 0x2f) i = lineEnd(text, i);
    else if (ch === 0x2f && text.charCodeAt(i + 1) === 0x2a) i = commentEnd(text, i);
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > limit) return i;
    } else if (ch === 0x5d || ch === 0x7d) depth = Math.max(0, depth - 1);
  }
  return -1;
}

/** Index of the quote closing the string that opens at `i` (or the end of the text). */
function stringEnd(text: string, i: number): number {
  for (let k = i + 1; k < text.length; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 0x5c) k++;
    else if (ch === 0x22) return k;
  }
  return text.length;
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end;
}

function commentEnd(text: string, i: number): number {
  const end = text.indexOf('*/', i + 2);
  return end < 0 ? text.length : end + 1;
}
