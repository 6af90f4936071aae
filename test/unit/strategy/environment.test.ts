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

  it('the branch: main/master/release → production, staging, feature → development', () => {
    assert.equal(detectEnvironment({ env: {}, branch: 'main', hostname: 'box', fileExists: none }).environment, 'production');
    assert.equal(detectEnvironment({ env: {}, branch: 'release/2.1', hostname: 'box', fileExists: none }).environment, 'production');
    assert.equal(detectEnvironment({ env: {}, branch: 'staging', hostname: 'box', fileExists: none }).environment, 'staging');
    assert.equal(detectEnvironment({ env: {}, branch: 'feature/login', hostname: 'box', fileExists: none }).environment, 'development');
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

  it('no evidence: development with a low confidence', () => {
    const d = detectEnvironment({ env: {}, hostname: 'x', fileExists: none });
    assert.equal(d.environment, 'development');
    assert.ok(d.confidence < 0.5);
  });
});
