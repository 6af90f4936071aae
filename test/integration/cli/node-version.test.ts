import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI_PATH } from '../../support/cli';
import { MINIMUM_NODE, nodeVersionProblem } from '../../../src/cli/node-version';

/** A Node older than the CLI needs, on this machine (npm run puts node@22 first on PATH; Debian's stays behind it). */
function olderNode(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'node')), '/usr/bin/node', '/usr/local/bin/node'];
  for (const candidate of new Set(candidates)) {
    if (!existsSync(candidate)) continue;
    try {
      const versions = JSON.parse(execFileSync(candidate, ['-p', 'JSON.stringify({node: process.versions.node, napi: process.versions.napi})'], { encoding: 'utf8' })) as { node: string; napi: string };
      if (nodeVersionProblem(versions)) return candidate;
    } catch {
      // not a runnable node
    }
  }
  return undefined;
}

describe('deploy-agent on a Node that is too old', () => {
  it('names the Node it needs for Node 20 (Node-API 9), Node 22.0–22.13 and a Node without Node-API 10', () => {
    assert.match(nodeVersionProblem({ node: '20.20.2', napi: '9' }) ?? '', /needs Node >= 22\.14.*this is Node 20\.20\.2 \(Node-API 9\)/);
    assert.match(nodeVersionProblem({ node: '22.13.1', napi: '9' }) ?? '', /needs Node >= 22\.14/);
    assert.match(nodeVersionProblem({ node: '23.0.0', napi: '9' }) ?? '', /Node-API 10/);
    assert.match(nodeVersionProblem({ node: '18.0.0' }) ?? '', /this is Node 18\.0\.0\./);
  });

  it('accepts Node 22.14+, 24 and this test run’s own Node', () => {
    assert.equal(nodeVersionProblem({ node: '22.14.0', napi: '10' }), undefined);
    assert.equal(nodeVersionProblem({ node: '24.1.0', napi: '10' }), undefined);
    assert.equal(nodeVersionProblem({ node: process.versions.node, napi: process.versions.napi }), undefined);
  });

  it('package.json engines ask for the same Node the CLI checks', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.equal(manifest.engines.node, `>=${MINIMUM_NODE}`);
  });

  it('the built CLI says so on an older Node instead of crashing silently (before better-sqlite3 loads)', function () {
    const node = olderNode();
    if (!node) return this.skip(); // no Node older than 22.14 on this machine
    for (const args of [['list'], ['diagnostics'], ['--version']]) {
      const run: SpawnSyncReturns<string> = spawnSync(node, [CLI_PATH, ...args], { encoding: 'utf8', env: { ...process.env, DEPLOY_AGENT_DB: path.join(path.dirname(CLI_PATH), 'never-created.db') }, timeout: 60_000 });
      assert.equal(run.status, 1, `${args.join(' ')}: exit ${run.status} signal ${run.signal}\n${run.stderr}`);
      assert.match(run.stderr, /deploy-agent needs Node >= 22\.14/);
      assert.match(run.stderr, /Install Node 22 LTS or newer/);
      assert.equal(run.stdout, '');
    }
  });
});
