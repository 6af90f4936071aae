import type { PipelinePorts, SandboxInfo, TestRunOutcome } from '../../../src/core/pipeline/ports';

/**
 * Ports for the orchestrator's own rules (order, persistence, modes, resume): every call is
 * logged, every answer scripted. The integration tests use the real modules instead.
 */
export interface ScriptedPorts extends PipelinePorts {
  calls: string[];
  released: number;
  removed: { deleteBranch: boolean }[];
  restored: string[];
}

export function passing(passed = 3): TestRunOutcome {
  return { counts: { passed, failed: 0, skipped: 0 }, durationMs: 5, failures: [], output: `${passed} passing`, framework: 'mocha', command: 'npx mocha' };
}

export function failing(): TestRunOutcome {
  return {
    counts: { passed: 2, failed: 1, skipped: 0 },
    durationMs: 5,
    failures: [{ name: 'adds numbers', message: 'expected 3 to equal 4' }],
    output: 'AssertionError [ERR_ASSERTION]: expected 3 to equal 4',
    framework: 'mocha',
    command: 'npx mocha',
  };
}

export function scriptedPorts(overrides: Partial<PipelinePorts> & { testRuns?: TestRunOutcome[] } = {}): ScriptedPorts {
  const testRuns = overrides.testRuns ?? [passing()];
  let testIndex = 0;
  let tree = 0;
  const sandbox: SandboxInfo = { path: '/tmp/sandbox-x', branch: 'deploy-agent/add-x-1234', baseSha: 'base' };
  const ports: ScriptedPorts = {
    calls: [],
    released: 0,
    removed: [],
    restored: [],
    loadRecommendation: async () => (ports.calls.push('loadRecommendation'), { recommendation: { title: 'Add x', description: 'Adds x', id: 'rec-1' }, warnings: [] }),
    repositoryRoot: async (dir) => (ports.calls.push('repositoryRoot'), dir),
    snapshotRepoState: async () => ({ digest: 'same' }),
    acquireLock: async () => (ports.calls.push('acquireLock'), { release: () => void ports.released++ }),
    checkCircuitBreaker: async (_repo, o) => ({ state: 'closed', forced: Boolean(o.forceReason) }),
    preflightModels: async () => ({ provider: 'ollama', model: 'qwen' }),
    gatherContext: async () => (ports.calls.push('gatherContext'), { environment: 'development', dataGaps: [] }),
    decideStrategy: async () => ({ name: 'balanced', testScope: 'generated', repairRounds: 2, draftPr: false, timeLimitMs: 60000, reasons: ['default'] }),
    createSandbox: async () => (ports.calls.push('createSandbox'), sandbox),
    sandboxExists: async () => true,
    snapshotSandbox: async () => `tree-${++tree}`,
    restoreSandbox: async (_s, t) => void ports.restored.push(t),
    removeSandbox: async (_r, _s, o) => void ports.removed.push(o),
    discardPartialSandbox: async () => void ports.calls.push('discardPartialSandbox'),
    sandboxHead: async (s) => s.baseSha,
    runPhase: async (input) => (
      ports.calls.push(`phase:${input.phase}`),
      { ok: true, summary: `${input.phase} done`, filesWritten: [input.phase === 'implement' ? 'src/x.js' : 'test/x.test.js'], inputTokens: 10, outputTokens: 5, costUsd: 0 }
    ),
    runTests: async () => (ports.calls.push('runTests'), testRuns[Math.min(testIndex++, testRuns.length - 1)]!),
    matchErrorPattern: (output) => (/AssertionError/.test(output) ? { id: 'test-assertion', explanation: 'An assertion failed.', recovery: 'Fix the code or the expectation.' } : undefined),
    canEscalate: () => false,
    review: async () => ({ secrets: [], outsideSandbox: [], diffStat: { files: 2, insertions: 10, deletions: 0, paths: ['src/x.js', 'test/x.test.js'] } }),
    commit: async () => (ports.calls.push('commit'), { sha: 'c0ffee0000000000000000000000000000000000' }),
    push: async () => (ports.calls.push('push'), { remote: 'origin', branch: sandbox.branch }),
    openPullRequest: async (_r, input) => (ports.calls.push(`pr:${input.draft ? 'draft' : 'ready'}`), { url: 'https://github.example/o/r/pull/1', number: 1, draft: input.draft }),
    recordOutcome: async (o) => void ports.calls.push(`outcome:${o.status}`),
    writeReport: async () => ({ json: '/tmp/r.json' }),
  };
  const { testRuns: _ignored, ...rest } = overrides;
  return Object.assign(ports, rest);
}
