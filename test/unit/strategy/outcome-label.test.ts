import assert from 'node:assert/strict';
import { combineChecks, effectiveOutcomeLabel, isRevertOf, labelFor } from '../../../src/core/strategy/outcome-label';
import { parsePullUrl } from '../../../src/core/strategy/outcome-sync';

describe('outcome labels after shipping', () => {
  it('combines check runs: a failure anywhere wins, then anything unfinished, none when there are none', () => {
    assert.equal(combineChecks([]), 'none');
    assert.equal(combineChecks([{ status: 'completed', conclusion: 'success' }, { status: 'completed', conclusion: 'skipped' }, { status: 'completed', conclusion: 'neutral' }]), 'success');
    assert.equal(combineChecks([{ status: 'completed', conclusion: 'success' }, { status: 'in_progress', conclusion: null }]), 'pending');
    assert.equal(combineChecks([{ status: 'in_progress', conclusion: null }, { status: 'completed', conclusion: 'timed_out' }]), 'failure');
    assert.equal(combineChecks([{ status: 'completed', conclusion: 'cancelled' }]), 'failure');
  });

  it('labels: revert and failed CI are failures whatever else; closed unmerged is a failure; merged is a success', () => {
    assert.equal(labelFor({ state: 'closed', merged: true, checks: 'success', reverted: true }).label, 'failure');
    assert.equal(labelFor({ state: 'closed', merged: true, checks: 'failure', reverted: false }).label, 'failure');
    assert.equal(labelFor({ state: 'open', merged: false, checks: 'failure', reverted: false }).label, 'failure');
    assert.equal(labelFor({ state: 'closed', merged: false, checks: 'success', reverted: false }).label, 'failure');
    assert.equal(labelFor({ state: 'closed', merged: true, checks: 'success', reverted: false }).label, 'success');
    assert.equal(labelFor({ state: 'closed', merged: true, checks: 'none', reverted: false }).label, 'success');
    assert.equal(labelFor({ state: 'closed', merged: true, checks: 'pending', reverted: false }).label, 'pending');
    assert.equal(labelFor({ state: 'open', merged: false, checks: 'success', reverted: false }).label, 'pending');
  });

  it('the effective label: GitHub once final, else the local status', () => {
    assert.equal(effectiveOutcomeLabel('succeeded', 'failure'), 'failure');
    assert.equal(effectiveOutcomeLabel('failed', 'success'), 'success');
    assert.equal(effectiveOutcomeLabel('succeeded', 'pending'), 'success');
    assert.equal(effectiveOutcomeLabel('rolled_back', null), 'failure');
    assert.equal(effectiveOutcomeLabel('cancelled'), null);
    assert.equal(effectiveOutcomeLabel('running', 'pending'), null);
  });

  it('recognizes reverts: GitHub button, git revert of a known sha, deploy-agent rollback; not other commits', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const target = { title: 'Add multiplication', shas: [sha, null], deploymentTitle: 'Add multiplication', deploymentId: 'a1b2c3d4e5f6' };
    assert.ok(isRevertOf('Revert "Add multiplication"\n\nReverts acme/calc#1', target));
    assert.ok(isRevertOf('Merge pull request #9 from acme/revert-1-x\n\nRevert "Add multiplication"', target));
    assert.ok(isRevertOf(`Revert "something else"\n\nThis reverts commit ${sha}.`, target));
    assert.ok(isRevertOf(`Undo it\n\nThis reverts commit ${sha.slice(0, 12)}.`, target));
    assert.ok(isRevertOf('Merge pull request #3 from acme/deploy-agent/revert-add-multiplication-a1b2c3d4\n\nRevert: Add multiplication', target));
    assert.ok(!isRevertOf('Revert "Add division"\n\nThis reverts commit fedcba9876543210fedcba9876543210fedcba98.', target));
    assert.ok(!isRevertOf(`Fix multiplication rounding (follow-up to ${sha.slice(0, 12)})`, target));
    assert.ok(!isRevertOf('Add multiplication docs', target));
  });

  it('reads owner, repo and number from pull request URLs (github.com and Enterprise)', () => {
    assert.deepEqual(parsePullUrl('https://github.com/acme/calc/pull/12'), { owner: 'acme', repo: 'calc', number: 12 });
    assert.deepEqual(parsePullUrl('https://ghe.corp.example/acme/calc/pull/3/files'), { owner: 'acme', repo: 'calc', number: 3 });
    assert.deepEqual(parsePullUrl('https://github.example/acme/calc/pull/1#discussion'), { owner: 'acme', repo: 'calc', number: 1 });
    assert.equal(parsePullUrl('https://github.com/acme/calc'), undefined);
    assert.equal(parsePullUrl('not a url'), undefined);
  });
});
