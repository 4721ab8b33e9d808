// The layering of docs/ARCHITECTURE.md, checked on every import in src/ and webview/. The "may import" column of the
// layout table is the rule: this test reads it from the document, so the table and the test cannot disagree.
// Also checked: no function in src/ or webview/ runs past MAX_FUNCTION_LINES (hand-written kernels aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..');
const MAX_FUNCTION_LINES = 80;
/** Kernel sources written as one straight-line function per op for speed, exempt from the length rule. */
const KERNEL_FILES = ['src/engine/backends/wasm/assembly/kernels.ts', 'src/engine/backends/gpujs/kernels.ts'];

interface Rule {
  folder: string;
  /** Folders (ending in /), packages, or `node:*`. */
  allowed: { target: string; typesOnly: boolean }[];
}

/** The layout table of docs/ARCHITECTURE.md: rows whose first cell is a backticked folder. */
export function readRules(markdown: string): Rule[] {
  const rules: Rule[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const folder = /^`([^`]+\/)`$/.exec(cells[1] ?? '')?.[1];
    if (!folder || cells.length < 5) continue;
    const allowed = [...cells[3].matchAll(/`([^`]+)`( \(types only\))?/g)].map((m) => ({ target: m[1], typesOnly: Boolean(m[2]) }));
    rules.push({ folder, allowed });
  }
  return rules;
}

interface ImportSite {
  specifier: string;
  typesOnly: boolean;
  line: number;
}

/** Every import, re-export, dynamic import() and require() of a source file. */
export function importsOf(fileName: string, text: string): ImportSite[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: ImportSite[] = [];
  const add = (spec: ts.Expression, typesOnly: boolean) => {
    if (ts.isStringLiteralLike(spec)) out.push({ specifier: spec.text, typesOnly, line: sf.getLineAndCharacterOfPosition(spec.getStart()).line + 1 });
  };
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : null;
      const typesOnly = Boolean(c && (c.isTypeOnly || (!c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly))));
      add(n.moduleSpecifier, typesOnly);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      add(n.moduleSpecifier, n.isTypeOnly);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1
      && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      add(n.arguments[0], false);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The package an import names: "node:fs" → "node:*", "@scope/pkg/x" → "@scope/pkg", "pkg/x" → "pkg". */
function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return 'node:*';
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function folderOf(rules: Rule[], repoPath: string): Rule | undefined {
  return rules.filter((r) => repoPath.startsWith(r.folder)).sort((a, b) => b.folder.length - a.folder.length)[0];
}

/** The violations of one file's imports, as "file:line: message". */
export function check(rules: Rule[], repoPath: string, text: string): string[] {
  const own = folderOf(rules, repoPath);
  if (!own) return [`${repoPath}: its folder has no row in the layout table of docs/ARCHITECTURE.md`];
  const problems: string[] = [];
  for (const site of importsOf(repoPath, text)) {
    let target: string;
    if (site.specifier.startsWith('.')) {
      const resolved = relative(root, resolve(root, dirname(repoPath), site.specifier));
      const rule = folderOf(rules, resolved);
      if (!rule) { problems.push(`${repoPath}:${site.line}: imports ${site.specifier}, outside every folder of the table`); continue; }
      if (rule.folder === own.folder) continue;
      target = rule.folder;
    } else {
      target = packageOf(site.specifier);
    }
    const allow = own.allowed.find((a) => a.target === target);
    if (!allow) problems.push(`${repoPath}:${site.line}: ${own.folder} may not import ${target} ("${site.specifier}")`);
    else if (allow.typesOnly && !site.typesOnly) problems.push(`${repoPath}:${site.line}: ${own.folder} may import only types from ${target} ("${site.specifier}")`);
  }
  return problems;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Functions, methods and arrow functions longer than `max` lines, as "file:line: name (n lines)". */
export function longFunctions(repoPath: string, text: string, max: number): string[] {
  const sf = ts.createSourceFile(repoPath, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const lines = last - first + 1;
      const name = n.name && ts.isIdentifier(n.name) ? n.name.text : '(anonymous)';
      if (lines > max) out.push(`${repoPath}:${first + 1}: ${name} has ${lines} lines`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const rules = readRules(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'));
const files = [...sources('src'), ...sources('webview')];

test('the layout table of docs/ARCHITECTURE.md names every source folder and what it may import', () => {
  assert.ok(rules.length >= 6, `found ${rules.length} rows in the layout table`);
  for (const f of files) assert.ok(folderOf(rules, f), `${f} is in no folder of the layout table`);
});

test('every import in src/ and webview/ is one the layout table allows', () => {
  const problems = files.flatMap((f) => check(rules, f, readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(problems, []);
});

test('the import check catches a forbidden import, a value import where only types are allowed, and require()', () => {
  const engine = "import { readFileSync } from 'node:fs';\nimport { Model } from '../engine/model';\n";
  assert.match(check(rules, 'src/engine/x.ts', engine).join('\n'), /src\/engine\/x\.ts:1: src\/engine\/ may not import node:\*/);
  assert.match(check(rules, 'webview/live/x.ts', "import { startRun } from '../../src/runner/run';").join('\n'), /webview\/ may not import src\/runner\//);
  assert.match(check(rules, 'src/shared/x.ts', "import { startRun } from '../runner/run';").join('\n'), /may import only types from src\/runner\//);
  assert.deepEqual(check(rules, 'src/shared/x.ts', "import type { RunRecord } from '../runner/events';"), []);
  assert.match(check(rules, 'src/cli/x.ts', "const v = require('vscode');").join('\n'), /src\/cli\/ may not import vscode/);
});

test(`no function in src/ or webview/ is longer than ${MAX_FUNCTION_LINES} lines (kernel sources aside)`, () => {
  const long = files.filter((f) => !KERNEL_FILES.includes(f))
    .flatMap((f) => longFunctions(f, readFileSync(join(root, f), 'utf8'), MAX_FUNCTION_LINES));
  assert.deepEqual(long, []);
});
