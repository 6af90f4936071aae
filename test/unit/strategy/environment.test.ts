import assert from 'node:assert/strict';
import { detectEnvironment } from '../../../src/core/strategy/environment';

const none = () => false;

describe('environment detection', () => {
  it('an explicit setting wins with full confidence', () => {
    const d = detectEnvironment({ setting: 'staging', env: { CI: 'true' }, branch: 'main', hostname: 'box', fileExists: none });
    assert.equal(d.environment, 'staging');
    assert.equal(d.confidence, 1);
    assert.ok(d.evidence.some((e) => e.source === 'setting'));
  });

  it('DEPLOYMENT_ENVIRONMENT is read and normalised', () => {
    const d = detectEnvironment({ env: { DEPLOYMENT_ENVIRONMENT: 'prod' }, branch: 'feature/x', hostname: 'box', fileExists: none });
    assert.equal(d.environment, 'production');
    assert.equal(d.confidence, 1);
  });

  it('the branch, where it applies (CI, a cluster, a server): main/master/release → production, staging, feature → development', () => {
    const cluster = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
    assert.equal(detectEnvironment({ env: cluster, branch: 'main', hostname: 'box', fileExists: none }).environment, 'production');
    assert.equal(detectEnvironment({ env: cluster, branch: 'release/2.1', hostname: 'box', fileExists: none }).environment, 'production');
    assert.equal(detectEnvironment({ env: cluster, branch: 'staging', hostname: 'box', fileExists: none }).environment, 'staging');
    assert.equal(detectEnvironment({ env: cluster, branch: 'feature/login', hostname: 'box', fileExists: none }).environment, 'development');
    const ci = detectEnvironment({ env: { GITHUB_ACTIONS: 'true' }, branch: 'main', hostname: 'prod-runner-1', fileExists: none });
    assert.equal(ci.environment, 'production', 'in CI the branch counts (with the host name it outweighs "ci")');
    assert.ok(ci.evidence.some((e) => e.source === 'branch' && e.applied !== false));
  });

  it('a developer machine on main is development: the branch is shown, not applied; a container marker agrees', () => {
    const laptop = detectEnvironment({ env: {}, branch: 'main', hostname: 'alices-laptop', fileExists: (f) => f === '/.dockerenv' });
    assert.equal(laptop.environment, 'development');
    assert.equal(laptop.inCi, false);
    const branch = laptop.evidence.find((e) => e.source === 'branch')!;
    assert.equal(branch.suggests, 'production');
    assert.equal(branch.applied, false);
    assert.match(branch.note!, /branch patterns apply in CI only/);
    assert.ok(laptop.evidence.some((e) => e.source === 'machine' && e.suggests === 'development'));
    assert.equal(laptop.confidence, 1, 'the machine and the container marker agree');
  });

  it('a release target names its environment: decisive unless a setting or DEPLOYMENT_ENVIRONMENT says otherwise', () => {
    const release = detectEnvironment({ env: {}, branch: 'feature/x', hostname: 'alices-laptop', fileExists: none, releaseTarget: { name: 'web', environment: 'production' } });
    assert.equal(release.environment, 'production');
    assert.equal(release.confidence, 1);
    assert.ok(release.evidence.some((e) => e.source === 'release-target' && e.value === 'release target web: production'));
    assert.equal(detectEnvironment({ env: { DEPLOYMENT_ENVIRONMENT: 'staging' }, hostname: 'x', fileExists: none, releaseTarget: { name: 'web', environment: 'production' } }).environment, 'staging');
  });

  it('host name patterns, configurable', () => {
    assert.equal(detectEnvironment({ env: {}, hostname: 'api-prod-3', fileExists: none }).environment, 'production');
    const custom = detectEnvironment({ env: {}, hostname: 'blue-42', fileExists: none, patterns: { hostnames: { staging: ['^blue-'] } } });
    assert.equal(custom.environment, 'staging');
    assert.ok(custom.evidence.some((e) => e.source === 'hostname' && e.value.includes('blue-42')));
  });

  it('CI variables say ci and outweigh the branch', () => {
    const d = detectEnvironment({ env: { GITHUB_ACTIONS: 'true' }, branch: 'main', hostname: 'runner', fileExists: none });
    assert.equal(d.environment, 'ci');
    assert.equal(d.inCi, true);
    assert.ok(d.confidence > 0 && d.confidence < 1);
  });

  it('container markers are evidence (Kubernetes hints at a deployed environment)', () => {
    const docker = detectEnvironment({ env: {}, hostname: 'x', fileExists: (f) => f === '/.dockerenv' });
    assert.equal(docker.inContainer, true);
    assert.ok(docker.evidence.some((e) => e.source === 'container' && e.value.includes('/.dockerenv')));
    const k8s = detectEnvironment({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, hostname: 'x', fileExists: none });
    assert.equal(k8s.environment, 'staging');
  });

  it('no evidence but the machine itself: development, with the machine named and a moderate confidence', () => {
    const d = detectEnvironment({ env: {}, hostname: 'x', fileExists: none });
    assert.equal(d.environment, 'development');
    assert.deepEqual(d.evidence.map((e) => e.source), ['machine']);
    assert.equal(d.confidence, 0.75);
  });
});
