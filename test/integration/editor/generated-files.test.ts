import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFileLenses } from '../../../src/core/editor/file-lenses';
import { planRevert } from '../../../src/core/editor/revert';
import { gitBlobSha } from '../../../src/core/editor/patch';
import { openHistoryStore } from '../../../src/core/store/database';
import { GeneratedFilesRepository } from '../../../src/core/store/generated-files';
import { RecommendationChoicesRepository } from '../../../src/core/store/recommendation-choices';
import { runWorkspaceTests } from '../../../src/core/testing/workspace-tests';
import { parseJson, scriptPlantedFailure, useHarnesses } from '../pipeline/harness';
import { git } from '../pipeline/repos';

const config = (values: Record<string, unknown> = {}) => ({ get: <T>(key: string) => ({ 'pipeline.allowUnconfinedTests': false, 'pipeline.testNetwork': false, ...values })[key] as T });

/** What the editor reads about shipped files: recorded at commit, looked up by path, reverted, tested again in the working tree. */
describe('generated files: recorded when a deployment commits, then lenses, revert and tests in the working tree (built CLI, real git, fake model)', function () {
  this.timeout(300_000);
  const harnesses = useHarnesses();

  it('records every shipped file with its blob, hunks and patch; the lens state follows the working tree; a revert applies or is refused', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const out = parseJson(result);
    const id = String(out.id);
    const branch = String(out.branch);
    const store = openHistoryStore(h.db);
    try {
      const repository = new GeneratedFilesRepository(store.db);
      const rows = repository.ofDeployment(id);
      assert.deepEqual(rows.map((r) => [r.path, r.change, r.isTest]), [['src/calc.js', 'modified', false], ['test/mul.test.js', 'added', true]]);
      for (const row of rows) {
        assert.equal(row.blobSha, git(h.repo.dir, 'rev-parse', `${branch}:${row.path}`), `${row.path}: the blob id is the committed content`);
        assert.equal(row.commitSha, out.commit);
        assert.equal(row.title, 'Add multiplication');
      }
      assert.equal(rows[0]!.baseBlobSha, git(h.repo.dir, 'rev-parse', `main:src/calc.js`));
      assert.equal(rows[1]!.baseBlobSha, null);

      const calc = path.join(h.repo.dir, 'src', 'calc.js');
      const before = readFileSync(calc, 'utf8');
      // On main the file is as before the deployment: its change is elsewhere (on the branch).
      assert.equal(generatedFileLenses(repository, { path: calc, text: before })?.state, 'elsewhere');
      assert.equal(generatedFileLenses(repository, { path: path.join(h.repo.dir, 'src', 'other.js'), text: '' }), undefined);

      git(h.repo.dir, 'checkout', '-q', branch);
      const shipped = readFileSync(calc, 'utf8');
      assert.equal(gitBlobSha(shipped), rows[0]!.blobSha, 'gitBlobSha is git hash-object');
      const lenses = generatedFileLenses(repository, { path: calc, text: shipped })!;
      assert.equal(lenses.state, 'unchanged');
      assert.equal(lenses.file.deploymentId, id);
      assert.deepEqual(lenses.testFiles, ['test/mul.test.js']);
      // The change to calc.js: `mul` added after `add`, the export line changed — the hunk starts at the first changed line.
      assert.ok(lenses.hunks.length >= 1);
      const first = lenses.hunks[0]!;
      assert.notEqual(shipped.split('\n')[first.line - 1], before.split('\n')[first.line - 1], 'the first hunk lens sits on a changed line');
      assert.equal(lenses.hunks.reduce((n, hk) => n + hk.added, 0), Number(git(h.repo.dir, 'diff', '--numstat', `main..${branch}`, '--', 'src/calc.js').split('\t')[0]));

      // Edited since: one state, no hunk lenses.
      const edited = `// reviewed by a person\n${shipped}`;
      const editedLenses = generatedFileLenses(repository, { path: calc, text: edited })!;
      assert.equal(editedLenses.state, 'edited');
      assert.deepEqual(editedLenses.hunks, []);

      // Revert: of the shipped text, back to main's; of a text edited elsewhere, the edit kept.
      const patch = repository.patch(id, 'src/calc.js')!;
      const reverted = planRevert({ patch, currentText: shipped, change: 'modified', path: 'src/calc.js' });
      assert.deepEqual(reverted, { ok: true, text: before, hunks: lenses.hunks.length, deletesFile: false });
      const keptEdit = planRevert({ patch, currentText: edited, change: 'modified', path: 'src/calc.js' });
      assert.ok(keptEdit.ok && keptEdit.text === `// reviewed by a person\n${before}`, JSON.stringify(keptEdit));
      // Refused when the lines of the change were edited.
      const conflicting = shipped.replace('return a * b;', 'return b * a;');
      const refused = planRevert({ patch, currentText: conflicting, change: 'modified', path: 'src/calc.js' });
      assert.equal(refused.ok, false);
      assert.match((refused as { reason: string }).reason, /hunk \d+ \(shipped at line \d+\) are no longer as the deployment left them/);
      // An added file reverts to nothing: the file goes.
      const testFile = readFileSync(path.join(h.repo.dir, 'test', 'mul.test.js'), 'utf8');
      assert.deepEqual(planRevert({ patch: repository.patch(id, 'test/mul.test.js')!, currentText: testFile, change: 'added', path: 'test/mul.test.js' }), { ok: true, text: '', hunks: 1, deletesFile: true });

      const statusBefore = git(h.repo.dir, 'status', '--porcelain');
      // "Run its tests" in the working tree: the generated test file, confined, through node --test's reporter.
      const run = await runWorkspaceTests({ repoRoot: h.repo.dir, testFiles: lenses.testFiles, config: config(), env: { ...process.env, ...h.env } });
      assert.equal(run.error, undefined, run.output);
      assert.deepEqual(run.counts, { passed: 2, failed: 0, skipped: 0 });
      assert.deepEqual(run.cases?.map((c) => [c.name, c.file, c.status]), [['mul(2, 3) returns 6', 'test/mul.test.js', 'passed'], ['mul(-1, 4) returns -4', 'test/mul.test.js', 'passed']]);
      // A failing one is reported with its line; the working tree stays as it was (read-only to the run).
      writeFileSync(path.join(h.repo.dir, 'test', 'mul.test.js'), testFile.replace('assert.equal(mul(-1, 4), -4)', 'assert.equal(mul(-1, 4), 4)'));
      const failing = await runWorkspaceTests({ repoRoot: h.repo.dir, testFiles: lenses.testFiles, config: config(), env: { ...process.env, ...h.env } });
      assert.equal(failing.counts.failed, 1);
      assert.equal(failing.cases?.find((c) => c.status === 'failed')?.line, 10, 'the line of the failing assertion');
      git(h.repo.dir, 'checkout', '-q', '--', 'test/mul.test.js');
      assert.equal(git(h.repo.dir, 'status', '--porcelain'), statusBefore, 'the runs left nothing in the working tree');
      git(h.repo.dir, 'checkout', '-q', 'main');
      await assert.rejects(runWorkspaceTests({ repoRoot: h.repo.dir, testFiles: lenses.testFiles, config: config(), env: process.env }), /NO_TESTS_HERE|not in this working tree/);
    } finally {
      store.close();
    }
  });

  it('what the user excluded and preferred for a recommendation file is used by its next deployment', async () => {
    const h = await harnesses.create('node');
    const store = openHistoryStore(h.db);
    try {
      const choices = new RecommendationChoicesRepository(store.db);
      choices.set(h.recommendation, 'README.md', 'exclude');
      choices.set(h.recommendation, 'src/calc.js', 'prefer');
      choices.set(h.recommendation, 'src/other.js', 'prefer');
      choices.set(h.recommendation, 'src/other.js', 'reset');
      assert.deepEqual({ ...choices.get(h.recommendation)!, updatedAt: 0 }, { excluded: ['README.md'], preferred: ['src/calc.js'], updatedAt: 0 });
    } finally {
      store.close();
    }
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const implement = JSON.stringify(h.ollama.chats.find((c) => c.phase === 'implement')?.body ?? {});
    assert.match(implement, /look at them first: src\/calc\.js\./);
    assert.match(implement, /do not change them unless nothing else can work: README\.md\./);
  });
});
