import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DeploymentBudget, runAgentPhase, type PhaseContext } from '../../../src/core/ai';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { tempDir } from '../../support/temp';
import { startFakes, testRouter, type Fakes } from './helpers';

const context: PhaseContext = { recommendation: { title: 'Add fixtures', description: 'Add a data file.' } };
const finish = { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] };

/** Bytes of the database with its write-ahead log, after a checkpoint. */
function dbBytes(store: HistoryStore): number {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const wal = `${store.path}-wal`;
  return statSync(store.path).size + (existsSync(wal) ? statSync(wal).size : 0);
}

describe('a model writing huge files (real Ollama client, fake server, real SQLite)', function () {
  this.timeout(120_000);
  let fakes: Fakes;
  let sandbox: { path: string; cleanup(): void };
  let dbDir: { path: string; cleanup(): void };
  let store: HistoryStore;
  beforeEach(async () => {
    fakes = await startFakes();
    sandbox = tempDir('deploy-agent-sandbox-');
    dbDir = tempDir('deploy-agent-db-');
    store = openHistoryStore(path.join(dbDir.path, 'history.db'));
  });
  afterEach(async () => {
    store.close();
    await fakes.close();
    sandbox.cleanup();
    dbDir.cleanup();
  });
  const run = () =>
    runAgentPhase({
      phase: 'implement',
      sandboxDir: sandbox.path,
      context,
      router: testRouter(fakes, { store, repoKey: sandbox.path, withKey: false, overrides: { 'ai.requestTimeoutSeconds': 100, 'ai.phase.maxTokens': 100_000_000 } }),
      budget: new DeploymentBudget({ maxTurns: 20, maxTokens: 1e9, maxCostUsd: 10 }),
      deploymentId: 'dep-big',
    });

  it('a 50 MB write_file is refused with a message the model sees; the database grows by kilobytes, not 100 MB', async () => {
    fakes.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'fixtures/huge.json', content: 'z'.repeat(50 * 1024 * 1024) } }] }, finish);
    const before = dbBytes(store);
    const result = await run();
    assert.equal(result.status, 'succeeded', result.summary);
    assert.equal(fakes.ollama.chats.length, 2, 'one answer with the huge write, one with finish');
    assert.deepEqual(result.filesWritten, []);
    assert.equal(existsSync(path.join(sandbox.path, 'fixtures/huge.json')), false);
    // The second request carries the tool result the model saw, and not the 50 MB back.
    const second = JSON.stringify(fakes.ollama.chats[1]!.body);
    assert.match(second, /Refused: fixtures\/huge\.json would be 50\.0 MB; a file written by the agent may be at most 1\.0 MB/);
    assert.ok(second.length < 100_000, `the follow-up request is ${second.length} characters`);
    const grown = dbBytes(store) - before;
    assert.ok(grown < 1024 * 1024, `the database grew by ${grown} bytes`);
  });

  it('a large write under the cap is stored once (in the transcript), not again in the response cache', async () => {
    const content = `${'q'.repeat(600 * 1024)}\n`;
    fakes.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'fixtures/big.txt', content } }] }, finish);
    const result = await run();
    assert.equal(result.status, 'succeeded', result.summary);
    assert.deepEqual(result.filesWritten, ['fixtures/big.txt']);
    const copies = (table: string, column: string) =>
      (store.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE instr(${column}, ?) > 0`).get('q'.repeat(600 * 1024)) as { n: number }).n;
    assert.equal(copies('ai_transcripts', 'transcript'), 1);
    assert.equal(copies('ai_response_cache', 'response'), 0);
    assert.ok((store.db.prepare('SELECT count(*) AS n FROM ai_response_cache').get() as { n: number }).n >= 1, 'small responses are still cached');
  });
});
