import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { parseJson, scriptPlantedFailure, useHarnesses } from '../pipeline/harness';
import { git } from '../pipeline/repos';

/**
 * The coverage gate through the built CLI: `pipeline.coverageThreshold` (here its environment
 * variable) makes the run measure line coverage (node --test's own), and a deployment whose
 * tests pass but cover less than the threshold is refused before anything is committed.
 */
describe('deploy-agent deploy: the coverage gate (built CLI)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  /** A module the existing tests load but do not exercise: coverage stays below 100 %. */
  function addUncoveredCode(repo: string): void {
    writeFileSync(path.join(repo, 'src', 'extra.js'), 'function half(a) {\n  if (a > 0) {\n    return a / 2;\n  }\n  return 0;\n}\n\nmodule.exports = { half };\n');
    writeFileSync(
      path.join(repo, 'test', 'calc.test.js'),
      "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { add } = require('../src/calc');\nrequire('../src/extra');\n\ntest('adds', () => {\n  assert.equal(add(1, 2), 3);\n});\n",
    );
    git(repo, 'add', 'src/extra.js', 'test/calc.test.js');
    git(repo, 'commit', '-q', '-m', 'extra', '--', 'src/extra.js', 'test/calc.test.js');
  }

  function coverageOf(db: string, id: string): number[] {
    const store = openHistoryStore(db);
    try {
      return (store.db.prepare('SELECT coverage FROM test_runs WHERE deployment_id = ? ORDER BY id').all(id) as { coverage: number | null }[]).map((r) => r.coverage!);
    } finally {
      store.close();
    }
  }

  it('refuses a change whose tests cover less than the threshold, naming both figures', async () => {
    const h = await harnesses.create('node');
    addUncoveredCode(h.repo.dir);
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json'], { DEPLOY_AGENT_COVERAGE_THRESHOLD: '99' });
    const out = parseJson(result);
    assert.equal(result.code, 1, result.stderr);
    const error = out.error as { code: string; message: string };
    assert.equal(error.code, 'COVERAGE_BELOW_THRESHOLD');
    assert.match(error.message, /Line coverage \d+\.\d% is below the required 99%/);
    assert.equal(out.commit, null, 'nothing was committed');
    const measured = coverageOf(h.db, String(out.id));
    assert.ok(measured.length >= 2 && measured.every((c) => c > 0 && c < 99), `coverage per run: ${measured.join(', ')}`);
  });

  it('lets the change through when the coverage reaches the threshold', async () => {
    const h = await harnesses.create('node');
    addUncoveredCode(h.repo.dir);
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json'], { DEPLOY_AGENT_COVERAGE_THRESHOLD: '50' });
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(out.status, 'succeeded');
    assert.ok(coverageOf(h.db, String(out.id)).at(-1)! >= 50);
  });

  it('measures no coverage when no threshold is configured (the default)', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(coverageOf(h.db, String(out.id)).filter((c) => c !== null), []);
  });
});
