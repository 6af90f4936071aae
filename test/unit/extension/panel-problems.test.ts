import assert from 'node:assert/strict';
import { DeployAgentError } from '../../../src/core/errors';
import { noModelProblem, problemOf } from '../../../src/extension/panel/problems';

// What the panel says for refusals a newcomer met (findings 4, 8, 10): VS Code's way out, not the CLI's.
describe('the panel’s problems', () => {
  it('no model: start Ollama and pull the model, or set a key in VS Code; no environment variables, no CLI flags', () => {
    const error = new DeployAgentError('NO_MODEL_AVAILABLE', 'No model provider can serve the deployment: ollama: not reachable', 'Start it with `ollama serve`, or set OLLAMA_HOST (deployAgent.ollama.host). Set ANTHROPIC_API_KEY (CLI), or run "Deploy Agent: Set Anthropic API Key".', {
      details: { providers: [{ provider: 'ollama', phases: { implement: { model: 'qwen2.5-coder:14b' } } }] },
    });
    const problem = problemOf(error);
    assert.match(problem.hint, /`ollama serve`/);
    assert.match(problem.hint, /`ollama pull qwen2\.5-coder:14b`/);
    assert.doesNotMatch(problem.hint, /OLLAMA_HOST|ANTHROPIC_API_KEY|CLI/);
    assert.deepEqual(problem.actions.map((a) => a.id), ['checkProviders', 'openSettings', 'setAnthropicKey']);
  });

  it('not a git repository: Initialize Repository, and no --workspace flag', () => {
    const problem = problemOf(new DeployAgentError('NOT_A_GIT_REPO', '/tmp/x is not inside a git repository.', 'Run `git init` and commit your files, or pass --workspace DIR.'));
    assert.equal(problem.actions[0]?.id, 'initRepository');
    assert.doesNotMatch(problem.hint, /--workspace/);
  });

  it('no remote: Add Remote… for that repository, and no word of signing in', () => {
    const problem = problemOf(new DeployAgentError('NO_REMOTE', 'The repository /r has no remote to push to.', 'Add a remote.', { details: { repoRoot: '/r' } }));
    assert.deepEqual(problem.actions[0], { id: 'addRemote', label: 'Add Remote…', argument: '/r' });
    assert.doesNotMatch(problem.hint, /sign in/i);
  });
});

describe('the preview’s word on the model providers', () => {
  it('says before Deploy that no provider is ready, why, and what to do', () => {
    const problem = noModelProblem([
      { provider: 'ollama', reason: 'Ollama is not reachable at http://127.0.0.1:11434 (ECONNREFUSED).', phases: { implement: { model: 'qwen2.5-coder:7b' } } },
      { provider: 'anthropic', reason: 'No Anthropic API key is configured.', phases: {} },
    ]);
    assert.equal(problem.code, 'NO_MODEL_AVAILABLE');
    assert.match(problem.message, /Deploy would stop at its safety pre-checks \(ollama: Ollama is not reachable at http:\/\/127\.0\.0\.1:11434 \(ECONNREFUSED\); anthropic: No Anthropic API key is configured\)\.$/);
    assert.match(problem.hint, /`ollama pull qwen2\.5-coder:7b`/);
    assert.equal(problem.actions[0]?.id, 'checkProviders');
  });

  it('a reachable Ollama without the model says which model is missing', () => {
    const problem = noModelProblem([{ provider: 'ollama', phases: { implement: { model: 'qwen2.5-coder:7b', problem: 'model qwen2.5-coder:7b is not pulled' } } }]);
    assert.match(problem.message, /ollama: model qwen2\.5-coder:7b is not pulled\)/);
  });
});
