import assert from 'node:assert/strict';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';

describe('deploy-agent report (built CLI)', function () {
  this.timeout(30000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('prints the report of a recorded deployment as Markdown and JSON, with performance against earlier ones', async () => {
    const db = path.join(dir.path, 'h.db');
    const store = openHistoryStore(db);
    const deployments = new DeploymentsRepository(store.db);
    deployments.insert({ id: 'old1', repoPath: '/repo', title: 'Earlier', createdAt: 1, status: 'succeeded', durationMs: 1000 });
    deployments.insert({ id: 'old2', repoPath: '/repo', title: 'Earlier', createdAt: 2, status: 'succeeded', durationMs: 3000 });
    deployments.insert({ id: 'd42', repoPath: '/repo', title: 'Add a health endpoint', createdAt: 3, status: 'succeeded', mode: 'local-commit', branch: 'deploy-agent/add-a-health-endpoint-d42', durationMs: 6000 });
    store.close();

    const markdown = await runBuiltCli(['report', 'd42', '--db', db]);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /Add a health endpoint/);
    assert.match(markdown.stdout, /deploy-agent\/add-a-health-endpoint-d42/);

    const json = await runBuiltCli(['report', 'd42', '--json', '--db', db]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.id, 'd42');
    assert.equal(report.status, 'succeeded');
    assert.equal(report.performance.medianOfEarlierMs, 2000, 'the median of 1000 and 3000');
    assert.equal(report.performance.ratio, 3);
  });

  it('says plainly when the deployment does not exist (exit 1)', async () => {
    const result = await runBuiltCli(['report', 'nope', '--json', '--db', path.join(dir.path, 'h.db')]);
    assert.equal(result.code, 1);
    assert.equal(JSON.parse(result.stdout).error.code, 'DEPLOYMENT_NOT_FOUND');
  });
});
