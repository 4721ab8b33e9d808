// A tiny schema language. The config schema (schema.ts) is written once in it; from that one definition come
// the TypeScript types (Infer), the runtime validation with defaults (validate) and the JSON Schema file
// (toJsonSchema), so the three cannot drift apart.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type NodeSpec =
  | { kind: 'number'; integer: boolean; min?: number; max?: number; exclusiveMin?: number }
  | { kind: 'boolean' }
  | { kind: 'string'; minLength?: number }
  | { kind: 'enum'; values: readonly string[]; renamed?: Readonly<Record<string, string>> }
  | { kind: 'nullable'; inner: AnyNode }
  | { kind: 'array'; item: AnyNode; minItems?: number }
  | { kind: 'object'; fields: Record<string, AnyNode>; required: readonly string[] }
  | { kind: 'tagged'; tag: string; variants: Record<string, AnyNode> }
  | { kind: 'record'; value: AnyNode }
  | { kind: 'oneOfNumberOrNumbers' }
  | { kind: 'any' };

export interface SchemaNode<T> {
  readonly spec: NodeSpec;
  readonly description: string;
  /** undefined only for fields the user must give (then the enclosing object lists them as required). */
  readonly default: JsonValue | undefined;
  /** Phantom: carries the TypeScript type of a validated value. */
  readonly __type?: T;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNode = SchemaNode<any>;
export type Infer<S> = S extends SchemaNode<infer T> ? T : never;

interface Doc<D> { description: string; default?: D }

export function num(doc: Doc<number> & { min?: number; max?: number; exclusiveMin?: number }): SchemaNode<number> {
  return { spec: { kind: 'number', integer: false, min: doc.min, max: doc.max, exclusiveMin: doc.exclusiveMin }, description: doc.description, default: doc.default };
}
export function int(doc: Doc<number> & { min?: number; max?: number }): SchemaNode<number> {
  return { spec: { kind: 'number', integer: true, min: doc.min, max: doc.max }, description: doc.description, default: doc.default };
}
export function bool(doc: Doc<boolean>): SchemaNode<boolean> {
  return { spec: { kind: 'boolean' }, description: doc.description, default: doc.default };
}
export function str(doc: Doc<string> & { minLength?: number }): SchemaNode<string> {
  return { spec: { kind: 'string', minLength: doc.minLength }, description: doc.description, default: doc.default };
}
/** renamed: former values, each mapped to its new name, so an old config gets an error that says what to write. */
export function oneOf<const V extends readonly string[]>(
  values: V, doc: Doc<V[number]> & { renamed?: Record<string, V[number]> },
): SchemaNode<V[number]> {
  return { spec: { kind: 'enum', values, renamed: doc.renamed }, description: doc.description, default: doc.default };
}
export function nullable<T>(inner: SchemaNode<T>, doc: Doc<null | JsonValue>): SchemaNode<T | null> {
  return { spec: { kind: 'nullable', inner }, description: doc.description, default: doc.default };
}
export function arr<T>(item: SchemaNode<T>, doc: Doc<JsonValue[]> & { minItems?: number }): SchemaNode<T[]> {
  return { spec: { kind: 'array', item, minItems: doc.minItems }, description: doc.description, default: doc.default };
}
/** A number, or a list of numbers (e.g. one probe index or several). Validates to number[]. */
export function numbers(doc: Doc<number[]>): SchemaNode<number[]> {
  return { spec: { kind: 'oneOfNumberOrNumbers' }, description: doc.description, default: doc.default };
}

/** Any JSON value (sweep lists, checked against their target field later). */
export function anyJson(doc: Doc<JsonValue>): SchemaNode<JsonValue> {
  return { spec: { kind: 'any' }, description: doc.description, default: doc.default };
}

type Fields = Record<string, AnyNode>;
type ObjOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** An object with exactly these keys; its default is built from its fields' defaults. */
export function obj<F extends Fields>(fields: F, doc: { description: string }): SchemaNode<ObjOf<F>> {
  const required = Object.keys(fields).filter((k) => fields[k].default === undefined);
  const dflt: { [k: string]: JsonValue } = {};
  for (const [k, f] of Object.entries(fields)) if (f.default !== undefined) dflt[k] = f.default;
  return { spec: { kind: 'object', fields, required }, description: doc.description, default: required.length ? undefined : dflt };
}

type TaggedOf<Tag extends string, V extends Record<string, SchemaNode<object>>> =
  { [K in keyof V]: { [P in Tag]: K } & Infer<V[K]> }[keyof V];

/** A union of objects told apart by the string field `tag`; each variant is an obj() without that field. */
export function tagged<const Tag extends string, V extends Record<string, SchemaNode<object>>>(
  tag: Tag, variants: V, doc: { description: string; default?: keyof V & string },
): SchemaNode<TaggedOf<Tag, V>> {
  let dflt: JsonValue | undefined;
  if (doc.default !== undefined) {
    const inner = variants[doc.default].default;
    if (inner === undefined || typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      throw new Error(`default variant ${doc.default} needs defaults for all its fields`);
    }
    dflt = { [tag]: doc.default, ...inner };
  }
  return { spec: { kind: 'tagged', tag, variants }, description: doc.description, default: dflt };
}

export function record<T>(value: SchemaNode<T>, doc: Doc<Record<string, JsonValue>>): SchemaNode<Record<string, T>> {
  return { spec: { kind: 'record', value }, description: doc.description, default: doc.default };
}

// ---------------------------------------------------------------------------------------------------------
// Validation

export interface Issue {
  /** JSON path of the offending value (or of the object missing a key), as keys and indices. */
  path: (string | number)[];
  message: string;
  /** True when the problem is the key itself (unknown key), so an editor underlines the key, not its value. */
  atKey?: boolean;
  severity: 'error' | 'warning';
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function suggest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    // A truncated or misspelled start ("hiden" → "hiddenSize") counts as close too.
    const prefix = Math.min(...[-1, 0, 1].map((k) => editDistance(word, c.slice(0, word.length + k))));
    const d = Math.min(editDistance(word, c), prefix + 1);
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/** Checks `value` against `node`, filling defaults. Returns the completed value; problems go to `issues`. */
export function validate(node: AnyNode, value: unknown, path: (string | number)[], issues: Issue[]): unknown {
  const err = (message: string, atKey = false) => { issues.push({ path, message, atKey, severity: 'error' }); };
  const s = node.spec;
  if (value === undefined) return node.default;
  switch (s.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) { err(`expected ${s.integer ? 'an integer' : 'a number'}, got ${typeName(value)}`); return node.default; }
      if (s.integer && !Number.isInteger(value)) { err(`expected an integer, got ${value}`); return value; }
      if (s.min !== undefined && value < s.min) err(`must be at least ${s.min}, got ${value}`);
      if (s.max !== undefined && value > s.max) err(`must be at most ${s.max}, got ${value}`);
      if (s.exclusiveMin !== undefined && value <= s.exclusiveMin) err(`must be greater than ${s.exclusiveMin}, got ${value}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') { err(`expected true or false, got ${typeName(value)}`); return node.default; }
      return value;
    case 'string':
      if (typeof value !== 'string') { err(`expected a string, got ${typeName(value)}`); return node.default; }
      if (s.minLength !== undefined && value.length < s.minLength) err('must not be empty');
      return value;
    case 'enum': {
      if (typeof value === 'string' && s.renamed && Object.hasOwn(s.renamed, value)) {
        err(`${JSON.stringify(value)} was renamed ${JSON.stringify(s.renamed[value])}`);
        return node.default;
      }
      if (typeof value !== 'string' || !s.values.includes(value)) {
        const hint = typeof value === 'string' ? suggest(value, s.values) : null;
        err(`expected one of ${s.values.map((v) => JSON.stringify(v)).join(', ')}, got ${typeName(value)}${hint ? `; did you mean "${hint}"?` : ''}`);
        return node.default;
      }
      return value;
    }
    case 'nullable':
      return value === null ? null : validate(s.inner, value, path, issues);
    case 'any':
      return value;
    case 'oneOfNumberOrNumbers': {
      const list = Array.isArray(value) ? value : [value];
      if (list.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
        err(`expected a non-negative integer or a list of them, got ${typeName(value)}`);
        return node.default;
      }
      return list;
    }
    case 'array': {
      if (!Array.isArray(value)) { err(`expected an array, got ${typeName(value)}`); return node.default; }
      if (s.minItems !== undefined && value.length < s.minItems) err(`needs at least ${s.minItems} item(s)`);
      return value.map((v, i) => validate(s.item, v, [...path, i], issues));
    }
    case 'record': {
      if (!isPlainObject(value)) { err(`expected an object, got ${typeName(value)}`); return node.default; }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = validate(s.value, v, [...path, k], issues);
      return out;
    }
    case 'object':
      return validateFields(s.fields, s.required, value, path, issues, []);
    case 'tagged': {
      if (!isPlainObject(value)) { err(`expected an object, got ${typeName(value)}`); return node.default; }
      const names = Object.keys(s.variants);
      const tagValue = value[s.tag];
      if (tagValue === undefined) { err(`missing "${s.tag}" (one of ${names.map((n) => JSON.stringify(n)).join(', ')})`); return node.default; }
      if (typeof tagValue !== 'string' || !names.includes(tagValue)) {
        const hint = typeof tagValue === 'string' ? suggest(tagValue, names) : null;
        issues.push({ path: [...path, s.tag], severity: 'error', message: `expected one of ${names.map((n) => JSON.stringify(n)).join(', ')}, got ${typeName(tagValue)}${hint ? `; did you mean "${hint}"?` : ''}` });
        return node.default;
      }
      const variant = s.variants[tagValue].spec;
      if (variant.kind !== 'object') throw new Error('tagged variants must be objects');
      const rest = validateFields(variant.fields, variant.required, value, path, issues, [s.tag]) as Record<string, unknown>;
      return { [s.tag]: tagValue, ...rest };
    }
  }
}

function validateFields(
  fields: Record<string, AnyNode>, required: readonly string[], value: unknown,
  path: (string | number)[], issues: Issue[], extraKeys: string[],
): unknown {
  if (!isPlainObject(value)) {
    issues.push({ path, severity: 'error', message: `expected an object, got ${typeName(value)}` });
    value = {};
  }
  const v = value as Record<string, unknown>;
  const known = Object.keys(fields);
  for (const k of Object.keys(v)) {
    if (k in fields || extraKeys.includes(k) || k === '$schema') continue;
    const hint = suggest(k, known);
    issues.push({
      path: [...path, k], atKey: true, severity: 'error',
      message: `unknown key "${k}"${hint ? `; did you mean "${hint}"?` : `; allowed keys: ${known.join(', ')}`}`,
    });
  }
  for (const k of required) {
    if (v[k] === undefined) issues.push({ path, severity: 'error', message: `missing required key "${k}" (${fields[k].description})` });
  }
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields)) {
    const r = validate(f, v[k], [...path, k], issues);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema node at a dotted path ("model.hiddenSize"), looking through nullable; null when there is none. */
export function nodeAt(root: AnyNode, path: string[]): AnyNode | null {
  let n: AnyNode = root;
  for (const key of path) {
    while (n.spec.kind === 'nullable') n = n.spec.inner;
    if (n.spec.kind === 'object') {
      const f: AnyNode | undefined = n.spec.fields[key];
      if (!f) return null;
      n = f;
    } else if (n.spec.kind === 'tagged') {
      if (key === n.spec.tag) {
        n = oneOf(Object.keys(n.spec.variants), { description: n.description });
        continue;
      }
      const hit: AnyNode | undefined = Object.values(n.spec.variants)
        .map((v) => (v.spec.kind === 'object' ? v.spec.fields[key] : undefined)).find((f) => f !== undefined);
      if (!hit) return null;
      n = hit;
    } else return null;
  }
  return n;
}

/** The field names reachable at a path, for "did you mean" on sweep keys. */
export function childKeys(n: AnyNode): string[] {
  while (n.spec.kind === 'nullable') n = n.spec.inner;
  if (n.spec.kind === 'object') return Object.keys(n.spec.fields);
  if (n.spec.kind === 'tagged') {
    const keys = new Set<string>([n.spec.tag]);
    for (const v of Object.values(n.spec.variants)) if (v.spec.kind === 'object') for (const k of Object.keys(v.spec.fields)) keys.add(k);
    return [...keys];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema (draft-07, what VS Code's jsonValidation understands)

export function toJsonSchema(node: AnyNode): Record<string, JsonValue> {
  const s = node.spec;
  const base: Record<string, JsonValue> = { description: node.description };
  if (node.default !== undefined) base.default = node.default;
  switch (s.kind) {
    case 'number': {
      const out: Record<string, JsonValue> = { type: s.integer ? 'integer' : 'number', ...base };
      if (s.min !== undefined) out.minimum = s.min;
      if (s.max !== undefined) out.maximum = s.max;
      if (s.exclusiveMin !== undefined) out.exclusiveMinimum = s.exclusiveMin;
      return out;
    }
    case 'boolean': return { type: 'boolean', ...base };
    case 'any': return { ...base };
    case 'string': return s.minLength ? { type: 'string', minLength: s.minLength, ...base } : { type: 'string', ...base };
    case 'enum': return { enum: [...s.values], ...base };
    case 'nullable': {
      const inner = toJsonSchema(s.inner);
      delete inner.description;
      delete inner.default;
      return { anyOf: [{ type: 'null' }, inner], ...base };
    }
    case 'oneOfNumberOrNumbers':
      return { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'array', items: { type: 'integer', minimum: 0 } }], ...base };
    case 'array': {
      const out: Record<string, JsonValue> = { type: 'array', items: toJsonSchema(s.item), ...base };
      if (s.minItems !== undefined) out.minItems = s.minItems;
      return out;
    }
    case 'record': return { type: 'object', additionalProperties: toJsonSchema(s.value), ...base };
    case 'object': return objectSchema(s.fields, s.required, base, {});
    case 'tagged':
      return {
        ...base,
        type: 'object',
        properties: { [s.tag]: { enum: Object.keys(s.variants), description: `Which kind: ${Object.keys(s.variants).join(', ')}.` } },
        required: [s.tag],
        oneOf: Object.entries(s.variants).map(([name, v]) => {
          if (v.spec.kind !== 'object') throw new Error('tagged variants must be objects');
          return objectSchema(v.spec.fields, [s.tag, ...v.spec.required], { description: v.description }, { [s.tag]: { const: name } });
        }),
      };
  }
}

function objectSchema(
  fields: Record<string, AnyNode>, required: readonly string[], base: Record<string, JsonValue>, extra: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const properties: Record<string, JsonValue> = { $schema: { type: 'string', description: 'The JSON Schema this file follows.' }, ...extra };
  for (const [k, f] of Object.entries(fields)) properties[k] = toJsonSchema(f);
  const out: Record<string, JsonValue> = { type: 'object', ...base, properties, additionalProperties: false };
  if (required.length) out.required = [...required];
  return out;
}
