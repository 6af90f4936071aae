import assert from 'node:assert/strict';
import type { DeploymentHeader, LiveEvent, ReleasesView } from '../../../src/protocol/panel';
import { reduceAll } from '../../../webview-ui/panel/timeline';
import { recommendationsView } from '../../../webview-ui/panel/views/recommendations';
import { recoveriesView, releaseHeaderView, releasePlanView, releaseStepsView } from '../../../webview-ui/panel/views/release';

// A release in the panel: the same pure reduction as a deployment's timeline, with the release's
// own events — its plan (which replaces the header's one-batch guess), each host's part of a step,
// its recoveries — and the markup the panel paints from it.
describe('the panel’s release view', () => {
  let ts = 0;
  const at = <T extends object>(e: T) => ({ deploymentId: 'r1', ts: ++ts, ...e }) as unknown as LiveEvent;
  const header = (over: Partial<NonNullable<DeploymentHeader['release']>> = {}): DeploymentHeader => ({
    id: 'r1',
    title: 'release HEAD to staging',
    mode: 'release',
    status: 'running',
    createdAt: 0,
    // The header starts with one batch: the plan event brings the batches the strategy chose.
    plan: ['connect', 'upload', 'switch', 'restart', 'health-check', 'finish'].map((name) => ({ name, title: name })),
    release: { target: 'staging', type: 'ssh', environment: 'staging', hosts: ['web-1', 'web-2'], path: '/srv/app', mode: 'release', latest: true, ...over },
  });
  const plan = at({
    type: 'release.plan', mode: 'release', release: '20250101T000000Z-r1', ref: 'HEAD', commit: 'abcdef1234567890', strategy: 'conservative', batchSize: 1, watchMinutes: 5,
    reasons: ['staging: conservative by the starting rules'], batches: [['web-1'], ['web-2']],
    steps: ['connect', 'upload', 'switch@1', 'restart@1', 'health-check@1', 'switch@2', 'restart@2', 'health-check@2', 'finish'].map((name) => ({ name, title: name.replace('@', ' batch ') })),
  });

  it('takes the plan’s steps and batches, follows each host’s part with its duration and error, and lists the recoveries', () => {
    const events: LiveEvent[] = [
      at({ type: 'deployment.started', mode: 'release', resumed: false, fromStep: 'connect' }),
      plan,
      at({ type: 'step.started', step: 'connect' }),
      at({ type: 'release.host', step: 'connect', host: 'web-1', status: 'running' }),
      at({ type: 'release.host', step: 'connect', host: 'web-2', status: 'running' }),
      at({ type: 'release.host', step: 'connect', host: 'web-2', status: 'succeeded', durationMs: 40 }),
      at({ type: 'release.host', step: 'connect', host: 'web-1', status: 'succeeded', durationMs: 55 }),
      at({ type: 'step.finished', step: 'connect', status: 'succeeded', durationMs: 60 }),
      at({ type: 'step.started', step: 'health-check@2' }),
      at({ type: 'release.host', step: 'health-check@2', host: 'web-2', status: 'running' }),
      at({ type: 'release.recovery', host: 'web-2', step: 'health-check@2', patternId: 'release-health-timeout', action: 'wait-and-retry', worked: false, recoveredMs: null, detail: '9 requests' }),
      at({ type: 'release.host', step: 'health-check@2', host: 'web-2', status: 'failed', durationMs: 3000, error: { code: 'HEALTH_CHECK_FAILED', message: 'web-2 answered 503', hint: 'see logs/app.log' } }),
      at({ type: 'step.finished', step: 'health-check@2', status: 'failed', durationMs: 3001, error: { code: 'HEALTH_CHECK_FAILED', message: 'web-2 answered 503', hint: 'see logs/app.log' } }),
      at({ type: 'release.recovery', host: 'web-1', step: 'health-check@2', patternId: null, action: 'rollback', worked: true, recoveredMs: 800, detail: 'back to 20241231T000000Z-r0' }),
      at({ type: 'deployment.finished', status: 'rolled_back', goalReached: false, durationMs: 5000, error: { code: 'HEALTH_CHECK_FAILED', message: 'web-2 answered 503', hint: 'see logs/app.log' } }),
    ];
    const timeline = reduceAll(header(), events);
    assert.deepEqual(timeline.steps.map((s) => s.name), ['connect', 'upload', 'switch@1', 'restart@1', 'health-check@1', 'switch@2', 'restart@2', 'health-check@2', 'finish']);
    assert.equal(timeline.steps.find((s) => s.name === 'switch@2')?.title, 'switch batch 2');
    assert.deepEqual(timeline.releasePlan?.batches, [['web-1'], ['web-2']]);
    const connect = timeline.steps[0]!;
    assert.deepEqual(connect.hosts?.map((h) => [h.host, h.state, h.durationMs]), [['web-1', 'succeeded', 55], ['web-2', 'succeeded', 40]]);
    const health = timeline.steps.find((s) => s.name === 'health-check@2')!;
    assert.equal(health.hosts?.[0]?.error?.message, 'web-2 answered 503');
    // The rollout stopped: what it did not reach says so.
    assert.equal(timeline.steps.find((s) => s.name === 'upload')?.state, 'unreached');
    assert.equal(timeline.recoveries.length, 2);

    const steps = releaseStepsView(timeline, true).value;
    assert.match(steps, /data-host="web-2" data-state="failed"/);
    assert.match(steps, /web-2 answered 503/);
    const recoveries = recoveriesView(timeline, true).value;
    assert.match(recoveries, /waited and asked again for <code>release-health-timeout<\/code>\s*— did not work/);
    assert.match(recoveries, /rolled back\s*— worked after/);
    const planMarkup = releasePlanView(timeline.releasePlan, header().release!).value;
    assert.match(planMarkup, /conservative/);
    assert.match(planMarkup, /2 batches: <span class="batch">web-1<\/span> → <span class="batch">web-2/);
    // A rolled-back release has nothing to roll back; it can be released again.
    const head = releaseHeaderView(header(), timeline, 'rolled_back', false).value;
    assert.doesNotMatch(head, /data-id="rollBackTarget"/);
    assert.match(head, /data-id="releaseTarget" data-argument="staging"/);
  });

  it('offers Roll Back only on the target’s latest release that reached it', () => {
    const done = [plan, at({ type: 'deployment.finished', status: 'succeeded', goalReached: true, durationMs: 10 })];
    const latest = releaseHeaderView(header(), reduceAll(header(), done), 'succeeded', false).value;
    assert.match(latest, /data-id="rollBackTarget" data-argument="staging"/);
    const older = releaseHeaderView(header({ latest: false }), reduceAll(header(), done), 'succeeded', false).value;
    assert.doesNotMatch(older, /rollBackTarget/);
    const running = releaseHeaderView(header(), reduceAll(header(), [plan]), 'running', true).value;
    assert.match(running, /data-action="cancel"/);
    assert.doesNotMatch(running, /rollBackTarget/);
  });

  it('a host named with markup is shown as text', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const timeline = reduceAll(header({ hosts: [evil, 'b'] }), [at({ type: 'release.host', step: 'connect', host: evil, status: 'running' })]);
    const markup = releaseStepsView(timeline, true).value;
    assert.doesNotMatch(markup, /<img/);
    assert.match(markup, /&lt;img/);
  });

  it('the list shows the missing deployment configuration and the release targets after the recommendations', () => {
    const releases: ReleasesView = {
      targets: [{ name: 'local', type: 'local', environment: 'development', hosts: ['localhost'], path: '/tmp/releases/app', last: { id: 'r9', title: 'release HEAD to local', target: 'local', status: 'succeeded', mode: 'release', at: Date.now() } }],
      recent: [{ id: 'r9', title: 'release HEAD to local', target: 'local', status: 'succeeded', mode: 'release', at: Date.now() }],
    };
    const markup = recommendationsView({ workspace: { name: 'w', dir: '/w' }, items: [], categories: [], priorities: [], awaitingReview: [] }, undefined, undefined, {
      missing: [{ id: 'deployment-config/dockerfile', kind: 'dockerfile', title: 'Add a Dockerfile', description: 'd', why: 'the project has no Dockerfile', files: ['Dockerfile', '.dockerignore'], templated: true, unknowns: [] }],
      releases,
    }).value;
    assert.match(markup, /data-action="addBuiltin" data-id="deployment-config\/dockerfile"/);
    assert.match(markup, /The project has no Dockerfile\./);
    assert.match(markup, /data-id="releaseTarget" data-argument="local"/);
    assert.match(markup, /data-action="openDeployment" data-deployment="r9"/);
  });
});
