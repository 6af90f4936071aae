import assert from 'node:assert/strict';
import { useHarnesses, scriptPlantedFailure } from './harness';

const count = (text: string, part: string) => text.split(part).length - 1;

describe('what the CLI says when a deployment ends (built CLI, fake model)', function () {
  this.timeout(180_000);
  const harnesses = useHarnesses();

  it('a failure is printed once, with what to do, and its sentences end with one full stop', async () => {
    const h = await harnesses.create('node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run'], { OLLAMA_HOST: 'http://127.0.0.1:9', DEPLOY_AGENT_AI_PROVIDERS: 'ollama,anthropic', ANTHROPIC_API_KEY: '' });
    assert.equal(result.code, 1);
    const all = result.stdout + result.stderr;
    assert.equal(count(all, 'No model provider can serve the deployment'), 1, all);
    assert.match(result.stderr, /✖ Safety pre-checks \([\d.]+ m?s\) — failed \(NO_MODEL_AVAILABLE\)/);
    assert.match(result.stderr, /error \[NO_MODEL_AVAILABLE\]: No model provider can serve the deployment: ollama: Ollama is not reachable at http:\/\/127\.0\.0\.1:9 \([^)]+\); anthropic: No Anthropic API key is configured\.\n {2}→ /);
    assert.doesNotMatch(all, /\)\.;|\.\.(\s|$)/, 'no stray punctuation');
  });

  it('a repair round that leaves tests failing is shown with a warning, not a check mark', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node', { repair: false });
    h.ollama.script('fix', { toolCalls: [{ name: 'finish', arguments: { summary: 'looked, changed nothing' } }] });
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'conservative']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /⚠ Repair[^\n]* — \d+ passed, 1 failed, 0 skipped after 1 repair round — tests still fail after 1 repair round\n/);
    assert.doesNotMatch(result.stderr, /✔ Repair/);
    // The first run had a failing test: a warning mark there too, not a check mark.
    assert.match(result.stderr, /⚠ Run the tests[^\n]* — \d+ passed, 1 failed, 0 skipped — 1 test failed\n/);
    // Each model step names what it wrote itself, not the running total.
    assert.match(result.stderr, /✔ Implement the change[^\n]* — wrote src\/calc\.js\n/);
    assert.match(result.stderr, /✔ Write the tests[^\n]* — wrote test\/mul\.test\.js\n/);
    assert.doesNotMatch(result.stderr, /repair round\(s\)|file\(s\)|written so far/);
    assert.equal(count(result.stderr, 'still fails after 1 repair round: mul(2, 3) returns 6'), 1);
  });

  it('a cancel is said once: "was cancelled", not "cancelled: Cancelled."', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run'], { DEPLOY_AGENT_TEST_CANCEL_AT_STEP: 'implement' });
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /Deployment \w+ was cancelled; nothing was left half-done\. Run it again when ready\./);
    assert.doesNotMatch(result.stderr, /[Cc]ancelled: Cancelled|error \[CANCELLED\]/);
    assert.equal(count(result.stderr, 'Cancelled'), 0, result.stderr);
  });
});
