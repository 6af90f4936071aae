// The planted bugs that scripts/mutations.mjs replays (docs/testing.md, "Planted bugs").
// Each: the exact text `from` in `file` (it must occur once) becomes `to`; the `tests` must then
// fail. `build`: the tests run the built CLI, so dist/ is rebuilt from the mutated source.

const SANDBOX_TESTS = ['test/unit/ai/sandbox-boundary.test.ts', 'test/unit/ai/sandbox-tools.test.ts'];
const CIRCUIT_TESTS = ['test/unit/pipeline/circuit-breaker.test.ts'];
const EVALUATE_TESTS = ['test/unit/strategy/evaluate.test.ts'];
const OUTSIDE_TESTS = ['test/integration/pipeline/outside-writes.test.ts'];

export const MUTATIONS = [
  {
    id: 'sandbox.prefix-without-separator',
    what: 'contains() compares with the root without the path separator (a sibling "<sandbox>-evil" counts as inside)',
    file: 'src/core/ai/tools/sandbox.ts',
    from: 'real.startsWith(this.root + path.sep)',
    to: 'real.startsWith(this.root)',
    tests: SANDBOX_TESTS,
  },
  {
    id: 'sandbox.dotdot-allowed',
    what: 'the refusal of ".." segments removed (only the symlink check is left)',
    file: 'src/core/ai/tools/sandbox.ts',
    from: `if (segments.includes('..')) throw`,
    to: `if (segments.includes('..') && false) throw`,
    tests: SANDBOX_TESTS,
  },
  {
    id: 'gates.full-environment',
    what: 'type-check and lint gates run with the full environment instead of the scrubbed one',
    file: 'src/core/testing/quality-gates.ts',
    from: 'const env = testEnv(input.env);',
    to: 'const env = { ...input.env };',
    tests: ['test/integration/testing/quality-gates.test.ts'],
  },
  {
    id: 'review.outside-writes-ignored',
    what: 'the review reports no write outside the sandbox, whatever changed',
    file: 'src/core/git/ship.ts',
    from: 'outsideSandbox: after.digest === before.digest ? [] : changedPaths(before, after)',
    to: 'outsideSandbox: []',
    tests: OUTSIDE_TESTS,
  },
  {
    id: 'review.untracked-files-unseen',
    what: 'the repository snapshot no longer lists untracked files (a new file in the user\'s tree goes unseen)',
    file: 'src/core/sandbox/repo-state.ts',
    from: `'--untracked-files=all'`,
    to: `'--untracked-files=no'`,
    tests: OUTSIDE_TESTS,
  },
  {
    id: 'review.content-unseen',
    what: 'the snapshot hashes a changed file\'s status and mode only, not its content',
    file: 'src/core/sandbox/repo-state.ts',
    from: 'st.isFile() ? await readFile(full) : \'\'',
    to: "st.isFile() ? '' : ''",
    tests: OUTSIDE_TESTS,
  },
  {
    id: 'circuit.rate-strictly-above',
    what: 'the breaker opens only ABOVE the failure rate, not at it',
    file: 'src/core/pipeline/circuit-breaker.ts',
    from: 'rate >= settings.failureRate',
    to: 'rate > settings.failureRate',
    tests: CIRCUIT_TESTS,
  },
  {
    id: 'circuit.min-samples-ignored',
    what: 'minSamples ignored: a single failure can open the breaker',
    file: 'src/core/pipeline/circuit-breaker.ts',
    from: 'recent.length >= settings.minSamples && ',
    to: '',
    tests: CIRCUIT_TESTS,
  },
  {
    id: 'circuit.min-samples-off-by-one',
    what: 'minSamples needs one more sample than set',
    file: 'src/core/pipeline/circuit-breaker.ts',
    from: 'recent.length >= settings.minSamples',
    to: 'recent.length > settings.minSamples',
    tests: CIRCUIT_TESTS,
  },
  {
    id: 'circuit.cooldown-from-oldest-failure',
    what: 'the cooldown counts from the oldest failure in the window instead of the last one',
    file: 'src/core/pipeline/circuit-breaker.ts',
    from: 'failures[0]?.finishedAt',
    to: 'failures[failures.length - 1]?.finishedAt',
    tests: CIRCUIT_TESTS,
  },
  {
    id: 'circuit.never-half-open',
    what: 'the breaker stays open after the cooldown (no half-open)',
    file: 'src/core/pipeline/circuit-breaker.ts',
    from: "now < reopensAt ? 'open' : 'half-open'",
    to: "'open'",
    tests: CIRCUIT_TESTS,
  },
  {
    id: 'resume.lock-not-taken',
    what: 'a resumed deployment past its safety step does not take the repository lock again',
    file: 'src/core/pipeline/orchestrator.ts',
    from: "if (from > plan.indexOf('safety') && state.repoRoot) {",
    to: 'if (false) {',
    tests: ['test/integration/pipeline/resume-lock.test.ts'],
    build: true,
  },
  {
    id: 'evaluate.forest-on-all-rows',
    what: 'the final forest is fitted on every row, test rows included',
    file: 'src/core/strategy/evaluate.ts',
    from: 'const model = trainForest(trainX, trainY, forest);',
    to: 'const model = trainForest(x, y, forest);',
    tests: EVALUATE_TESTS,
  },
  {
    id: 'evaluate.thresholds-on-all-rows',
    what: 'the decision thresholds are chosen on every row, test rows included',
    file: 'src/core/strategy/evaluate.ts',
    from: 'chooseThresholds(trainX, trainY, prevFailed.slice(0, nTrain), forest, {',
    to: 'chooseThresholds(x, y, prevFailed, forest, {',
    tests: EVALUATE_TESTS,
  },
];
