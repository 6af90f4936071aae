import assert from 'node:assert/strict';
import { formatProvidersCheck } from '../../../src/core/ai/check-text';
import type { ProvidersCheck } from '../../../src/core/ai/types';

/** "Check Model Providers" (the output channel) and `ai check` say the same, one thing a line: a fix ending in a full stop is not joined to the phase list with ".;". */
describe('the model providers check in words', () => {
  const check: ProvidersCheck = {
    ok: false,
    providers: [
      {
        provider: 'ollama',
        configured: true,
        reachable: false,
        reason: 'Ollama does not answer at http://127.0.0.1:11434.',
        hint: 'Start it with `ollama serve`, or set OLLAMA_HOST to where it runs.',
        phases: { implement: { model: 'qwen2.5-coder:7b', ready: false, problem: 'unreachable' }, tests: { model: 'qwen2.5-coder:7b', ready: false, problem: 'unreachable' }, fix: { model: 'qwen2.5-coder:7b', ready: false, problem: 'unreachable' } },
      },
    ],
  };

  it('puts the state, why, the fix and each phase on lines of their own', () => {
    const lines = formatProvidersCheck(check).split('\n');
    assert.doesNotMatch(formatProvidersCheck(check), /\.;|\.\s*;/);
    assert.equal(lines[0], 'Ollama: unreachable');
    assert.equal(lines[2], '  fix:    Start it with `ollama serve`, or set OLLAMA_HOST to where it runs.');
    for (const phase of ['implement', 'tests', 'fix']) assert.ok(lines.some((l) => new RegExp(`^  ${phase} +qwen2\\.5-coder:7b — not ready: unreachable$`).test(l)), lines.join('\n'));
    assert.match(lines.at(-2) ?? '', /No provider can serve every phase yet/);
  });
});
