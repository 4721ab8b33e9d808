import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportBytes } from '../../../src/extension/views/exportBytes';

test('a PNG data URL is decoded to its bytes; text formats are written as UTF-8', () => {
  const png = exportBytes('png', 'data:image/png;base64,iVBORw0KGgo=');
  assert.deepEqual([...png.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.equal(new TextDecoder().decode(exportBytes('csv', 'step,loss\n1,0.5\n')), 'step,loss\n1,0.5\n');
  assert.throws(() => exportBytes('png', '<svg/>'), /data:image\/png/);
});
