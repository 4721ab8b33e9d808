import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustState, trainingBlockedReason } from '../../src/extension/trust';

test('an untrusted workspace blocks training with an explanation; a trusted one does not', () => {
  assert.equal(trainingBlockedReason(true, 'run'), null);
  assert.match(trainingBlockedReason(false, 'run')!, /untrusted workspace/);
  assert.match(trainingBlockedReason(false, 'sweep')!, /run sweeps/);
});

test('gate explains instead of running until trust is granted, then runs', () => {
  const trust = new TrustState(false);
  const explained: string[] = [];
  let ran = 0;
  let granted = 0;
  trust.onGranted(() => granted++);
  assert.equal(trust.gate('run', (m) => explained.push(m), () => ++ran), undefined);
  assert.equal(ran, 0);
  assert.equal(explained.length, 1);
  trust.grant();
  trust.grant();
  assert.equal(granted, 1, 'granting twice notifies once');
  assert.equal(trust.gate('run', (m) => explained.push(m), () => ++ran), 1);
  assert.equal(explained.length, 1);
});
