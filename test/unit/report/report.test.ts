import assert from 'node:assert/strict';
import { collectReport } from '../../../src/core/report/collect';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import { startImpactProbe } from '../../../src/core/report/system-impact';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository } from '../../../src/core/store/steps';
import { useTempStore } from '../../support/temp-store';

describe('deployment report', () => {
  const temp = useTempStore();

  function seed(): void {
    const deployments = new DeploymentsRepository(temp.store.db);
    deployments.insert({ id: 'e1', repoPath: '/r', title: 'earlier', createdAt: 1, status: 'succeeded', durationMs: 4000 });
    deployments.insert({ id: 'e2', repoPath: '/r', title: 'earlier', createdAt: 2, status: 'succeeded', durationMs: 2000 });
    deployments.insert({ id: 'later', repoPath: '/r', title: 'later', createdAt: 99, status: 'succeeded', durationMs: 100 });
    const recommendation = { title: 'Add mul', description: 'd', id: 'rec-mul', category: 'feature', acceptanceCriteria: ['mul(2, 3) returns 6', 'mul(0, 5) returns 0'] };
    deployments.insert({ id: 'd1', repoPath: '/r', title: 'Add mul', createdAt: 10, status: 'succeeded', mode: 'dry-run', strategy: 'balanced', durationMs: 6000, recommendation: JSON.stringify(recommendation) });
    const steps = new StepsRepository(temp.store.db);
    const omitted = [{ field: 'description', kept: 5000, total: 10_000_000, unit: 'characters' }];
    steps.finish(steps.start('d1', 'validate', 10), { status: 'succeeded', at: 11, artifacts: { recommendation, omitted } });
    steps.finish(steps.start('d1', 'implement', 11), { status: 'succeeded', at: 20, artifacts: { filesWritten: ['src/mul.js'] } });
    steps.finish(steps.start('d1', 'write-tests', 20), { status: 'succeeded', at: 30, artifacts: { filesWritten: ['src/mul.js', 'test/mul.test.js'] } });
    // The last run's named tests: one carries AC1's tag, the other names no criterion.
    const cases = [
      { name: '[AC1] mul(2, 3) returns 6', file: 'test/mul.test.js', status: 'passed' },
      { name: 'mul is exported', file: 'test/mul.test.js', status: 'passed' },
    ];
    steps.finish(steps.start('d1', 'run-tests', 30), { status: 'succeeded', at: 40, artifacts: { tests: { counts: { passed: 4, failed: 0, skipped: 0 }, durationMs: 40, failures: [], cases, output: '' } } });
    const runs = new TestRunsRepository(temp.store.db);
    runs.insert({ deploymentId: 'd1', stepId: null, framework: 'node:test', command: 'node --test', passed: 3, failed: 1, skipped: 0, durationMs: 50, coverage: null, output: '', createdAt: 31 });
    runs.insert({ deploymentId: 'd1', stepId: null, framework: 'node:test', command: 'node --test', passed: 4, failed: 0, skipped: 0, durationMs: 40, coverage: 87.5, output: '', createdAt: 40 });
    const call = temp.store.db.prepare(`INSERT INTO ai_model_calls (deployment_id, phase, provider, model, input_tokens, output_tokens, cost_usd, duration_ms, cached, attempts, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)`);
    call.run('d1', 'implement', 'ollama', 'qwen', 1000, 200, 0, 900, 'ok', 12);
    call.run('d1', 'implement', 'ollama', 'qwen', 1500, 300, 0, 1100, 'ok', 13);
    call.run('d1', 'fix', 'anthropic', 'claude', 2000, 100, 0.0075, 700, 'ok', 35);
    // Of the cloud call's 2,000 input tokens, 1,500 were read from the prompt cache and 300 written to it.
    temp.store.db.prepare("UPDATE ai_model_calls SET cache_read_tokens = 1500, cache_write_tokens = 300 WHERE deployment_id = 'd1' AND provider = 'anthropic'").run();
    call.run('other', 'fix', 'anthropic', 'claude', 9999, 9999, 9, 9, 'ok', 35);
    const events = new EventsRepository(temp.store.db);
    events.insert('d1', 35, 'quality.gate', { gate: 'typecheck', command: 'tsc --noEmit', ok: true, problems: [], preexisting: 2, durationMs: 900, output: 'long tool output' });
    events.insert('d1', 35, 'quality.gate', { gate: 'lint', command: null, ok: true, skipped: 'no ESLint configuration with a local eslint', problems: [], preexisting: 0, durationMs: 0, output: '' });
    events.insert('d1', 36, 'recovery', { patternId: 'test-assertion', action: 'fix', automatic: true, round: 1, succeeded: true, durationMs: 1200 });
    events.insert('d1', 37, 'log', { level: 'warn', message: 'The recommendation is larger than the prompt budget' });
    events.insert('d1', 38, 'log', { level: 'info', message: 'not a warning' });
    const probe = startImpactProbe();
    events.insert('d1', 39, 'system.impact', probe.stop());
    temp.store.db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, probabilities, reason, created_at) VALUES ('d1', 'strategy', 'balanced', ?, 'the model: balanced clears the bar', 12)`).run(JSON.stringify({ aggressive: 0.55, balanced: 0.81 }));
  }

  it('collects model calls with tokens and cost per phase, repairs, the requirement table, omitted parts, system impact and warnings', () => {
    seed();
    const r = collectReport(temp.store.db, 'd1')!;
    assert.deepEqual(
      r.modelCalls.map((c) => [c.phase, c.provider, c.calls, c.inputTokens, c.outputTokens, c.costUsd]),
      [
        ['implement', 'ollama', 2, 2500, 500, 0],
        ['fix', 'anthropic', 1, 2000, 100, 0.0075],
      ],
    );
    assert.deepEqual({ ...r.modelTotals }, { calls: 3, inputTokens: 4500, cacheReadTokens: 1500, cacheWriteTokens: 300, outputTokens: 600, costUsd: 0.0075, durationMs: 2700 });
    assert.deepEqual(
      r.requirements.map((q) => [q.requirement, q.files, q.tests, q.result]),
      [
        ['mul(2, 3) returns 6', ['src/mul.js'], ['test/mul.test.js › [AC1] mul(2, 3) returns 6'], 'passing'],
        ['mul(0, 5) returns 0', ['src/mul.js'], [], 'not covered'],
      ],
      'a requirement passes only through a test that names it; a green run does not cover the rest',
    );
    assert.equal(r.recommendation!.omitted[0]!.total, 10_000_000);
    assert.equal(r.repairs.length, 1);
    assert.equal(r.repairs[0]!.patternId, 'test-assertion');
    assert.deepEqual(r.warnings, ['The recommendation is larger than the prompt budget']);
    assert.equal(r.performance.medianOfEarlierMs, 3000, 'median of the two EARLIER deployments (the later one is not counted)');
    assert.equal(r.performance.ratio, 2);
    assert.deepEqual(r.decisions[0]!.probabilities, { aggressive: 0.55, balanced: 0.81 });
    assert.equal(r.systemImpact.length, 1);
    assert.ok(r.systemImpact[0]!.peakRssMb > 0);

    const md = renderReportMarkdown(r);
    assert.match(md, /\| AC1: mul\(2, 3\) returns 6 \| `src\/mul\.js` \| `test\/mul\.test\.js › \[AC1\] mul\(2, 3\) returns 6` \| ✅ passing \|/);
    assert.match(md, /\| AC2: mul\(0, 5\) returns 0 \| `src\/mul\.js` \| — \| ⚠️ not covered by a test \|/);
    assert.match(md, /1 of 2 requirements not covered by a test/);
    assert.match(md, /\| Input tokens \| of which cache read \| cache written \| uncached \|/);
    assert.match(md, /\| fix \| anthropic \| claude \| 1 \| 2000 \| 1500 \| 300 \| 200 \| 100 \| \$0\.0075 \|/);
    assert.match(md, /\*\*total\*\* \| \| \| 3 \| 4500 \| 1500 \| 300 \| 2700 \| 600 \| \$0\.0075/);
    assert.match(md, /## Left out of the prompts[\s\S]*description: kept 5,000 of 10,000,000 characters/);
    assert.match(md, /round 1 \(fix, automatic\): error pattern test-assertion — tests passed afterwards/);
    assert.match(md, /P\(success\): aggressive 0\.55, balanced 0\.81/);
    assert.match(md, /coverage 87\.5%/);
    assert.match(md, /## System impact/);
    assert.match(md, /- typecheck \(`tsc --noEmit`\): passed \(2 older problems elsewhere, not held against the change\)/);
    assert.match(md, /- lint: skipped — no ESLint configuration/);
    assert.ok(!JSON.stringify(r.qualityGates).includes('long tool output'), 'tool output stays out of the report JSON');
  });

  it('a deployment without tests says "not run" in the requirement table, and nothing is invented', () => {
    new DeploymentsRepository(temp.store.db).insert({ id: 'd2', repoPath: '/r', title: 'T', createdAt: 1, status: 'failed', recommendation: JSON.stringify({ title: 'T', description: 'd' }) });
    const r = collectReport(temp.store.db, 'd2')!;
    assert.deepEqual(r.requirements, [{ requirement: 'T', tag: 'AC1', files: [], tests: [], result: 'not run' }]);
    assert.deepEqual(r.modelCalls, []);
    assert.equal(r.performance.medianOfEarlierMs, null);
    assert.match(renderReportMarkdown(r), /no earlier deployment to compare with/);
    assert.equal(collectReport(temp.store.db, 'missing'), undefined);
  });

  it('the impact probe counts the CPU of waited-for child processes: what the child itself used, whatever the load', async () => {
    const { execFileSync } = await import('node:child_process');
    // The child burns 300 ms of its OWN CPU time (not of wall time, which a loaded machine
    // stretches) and reports the CPU it used in all, start-up included.
    const burn = 'const busy = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (busy() < 300); process.stdout.write(String(busy()));';
    const probe = startImpactProbe();
    const reported = Number(execFileSync(process.execPath, ['-e', burn], { encoding: 'utf8' }));
    const impact = probe.stop();
    assert.notEqual(impact.childCpuMs, null, '/proc/self/stat is readable on Linux (the only platform CI runs)');
    // The kernel counts in clock ticks (10 ms); the child's exit comes after its report.
    assert.ok(reported >= 300);
    assert.ok(impact.childCpuMs! >= reported - 20, `probe ${impact.childCpuMs} ms, the child used ${reported} ms`);
    assert.ok(impact.childCpuMs! <= reported + 150, `probe ${impact.childCpuMs} ms, the child used ${reported} ms: more than the child`);
    assert.ok(impact.coresUsed > 0);
  });
});
