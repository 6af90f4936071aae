import assert from 'node:assert/strict';
import { recordedModelOutput } from '../../../src/core/report/model-output';
import { useTempStore } from '../../support/temp-store';

// A reopened deployment's panel said "MODEL OUTPUT — not kept after a reload" (finding 27): the
// transcripts the history keeps have the model's words.
describe('the model’s words of a recorded deployment', () => {
  const temp = useTempStore();
  const save = (deploymentId: string, phase: string, entries: unknown[]) =>
    temp.store.db
      .prepare('INSERT INTO ai_transcripts (deployment_id, phase, provider, model, status, reason, transcript, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(deploymentId, phase, 'ollama', 'qwen', 'ok', null, JSON.stringify({ phase, system: 'deploy-agent phase: ' + phase, entries }), 1);

  it('gives the assistant’s text per phase in the order they ran; prompts and tool results are not the model’s words', () => {
    save('d1', 'implement', [
      { at: 0, message: { role: 'user', content: 'Implement the change now.' } },
      { at: 5, message: { role: 'assistant', content: 'I will read src/greet.js first.', toolCalls: [{ id: '1', name: 'read_file', arguments: { path: 'src/greet.js' } }] } },
      { at: 9, message: { role: 'tool', toolCallId: '1', name: 'read_file', content: 'export function greet…' } },
      { at: 12, message: { role: 'assistant', content: 'Adding farewell(name).' } },
    ]);
    save('d1', 'tests', [{ at: 1, message: { role: 'assistant', content: '' } }]);
    save('d1', 'fix', [{ at: 1, message: { role: 'assistant', content: 'The expected string lacks the comma.' } }]);
    save('other', 'implement', [{ at: 1, message: { role: 'assistant', content: 'not this one' } }]);
    assert.deepEqual(recordedModelOutput(temp.store.db, 'd1'), [
      { phase: 'implement', text: 'I will read src/greet.js first.\n\nAdding farewell(name).' },
      { phase: 'fix', text: 'The expected string lacks the comma.' },
    ]);
    assert.deepEqual(recordedModelOutput(temp.store.db, 'none'), []);
  });
});
