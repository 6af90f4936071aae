import assert from 'node:assert/strict';
import { deploymentNotice } from '../../../src/extension/failure-notice';
import { joinParts, outcomeMessage, sentence } from '../../../src/core/pipeline/outcome-message';

const base = { id: 'ab12cd34', goalReached: false, goal: 'committed on its branch', tests: { passed: 0, failed: 0 }, repairs: 0, report: { markdown: '/r/ab12cd34.md' } };

describe('what VS Code shows when a deployment ends (message, what to do, buttons)', () => {
  it('an open circuit breaker offers "Deploy anyway…" (asks for the reason) and the breaker settings; the hint is in the notification', () => {
    const notice = deploymentNotice({ ...base, status: 'refused', error: { code: 'CIRCUIT_OPEN', message: 'The circuit breaker for this repository is open: 6 of its last 6 deployments failed (threshold 60%).', hint: 'It lets the next deployment through at 2026-12-03T10:00:00.000Z.' } });
    assert.equal(notice.severity, 'warning');
    assert.deepEqual(notice.actions.map((a) => a.title), ['Deploy anyway…', 'Open Settings', 'Open Report']);
    assert.match(notice.message, /^Deployment ab12cd34 was refused: The circuit breaker .*\(threshold 60%\)\. It lets the next deployment through at/);
  });

  it('no model: "Check Model Providers", and "Set Anthropic API Key" when no key is configured', () => {
    const notice = deploymentNotice({
      ...base,
      status: 'setup-failed',
      error: { code: 'NO_MODEL_AVAILABLE', message: 'No model provider can serve the deployment: ollama: Ollama is not reachable at http://127.0.0.1:11434 (ECONNREFUSED); anthropic: No Anthropic API key is configured.', hint: 'Start it with `ollama serve`.' },
    });
    assert.deepEqual(notice.actions.map((a) => a.title), ['Check Model Providers', 'Set Anthropic API Key', 'Open Report']);
    assert.match(notice.message, /could not start: .*configured\. Start it with `ollama serve`\.$/);
    assert.doesNotMatch(notice.message, /\.\.|\.;/);
  });

  it('a wrong key: "Set Anthropic API Key"; a configuration problem: "Open Settings"', () => {
    assert.deepEqual(deploymentNotice({ ...base, status: 'failed', report: null, error: { code: 'MODEL_AUTH', message: 'Anthropic refused the key.', hint: 'Check it.' } }).actions.map((a) => a.title), ['Set Anthropic API Key']);
    const config = deploymentNotice({ ...base, status: 'setup-failed', report: null, error: { code: 'CONFIG_INVALID', message: 'x', hint: 'y' } });
    assert.deepEqual(config.actions, [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['deployAgent'] }]);
  });

  it('a cancel is said once ("was cancelled"), never "cancelled: Cancelled."', () => {
    const notice = deploymentNotice({ ...base, status: 'cancelled', report: null, error: { code: 'CANCELLED', message: 'Cancelled.', hint: 'Nothing was left half-done; run the command again when ready.' } });
    assert.equal(notice.message, 'Deployment ab12cd34 was cancelled; nothing was left half-done.');
    assert.equal(outcomeMessage({ ...base, status: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled: interrupted by SIGINT.', hint: '' } }).headline, 'Deployment ab12cd34 was cancelled; nothing was left half-done.');
  });

  it('sentences end with one full stop, whatever the parts brought', () => {
    assert.equal(sentence('Ollama is not reachable (ECONNREFUSED).; '), 'Ollama is not reachable (ECONNREFUSED).');
    assert.equal(joinParts(['ollama: not reachable (fetch failed).', 'anthropic: No Anthropic API key is configured.']), 'ollama: not reachable (fetch failed); anthropic: No Anthropic API key is configured.');
  });
});
