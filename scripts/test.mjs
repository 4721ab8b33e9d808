// Runs every test/**/*.test.ts on node's built-in test runner (TypeScript through tsx).
// Under a missing X display it re-executes itself inside xvfb-run, so headlessgl tests get a display.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

if (!process.env.DISPLAY && !process.env.SEQLAB_NO_XVFB && existsSync('/usr/bin/xvfb-run')) {
  const r = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, SEQLAB_NO_XVFB: '1' } });
  process.exit(r.status ?? 1);
}

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filter = process.argv.slice(2);
const files = find('test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s))).sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
