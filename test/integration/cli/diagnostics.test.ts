import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import manifest from '../../../package.json';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';

describe('deploy-agent CLI (built bundle)', function () {
  this.timeout(60000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('--version prints the manifest version and exits 0', async () => {
    const result = await runBuiltCli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), manifest.version);
  });

  it('--help lists the commands; an unknown command or option is a usage error (2)', async () => {
    const help = await runBuiltCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /diagnostics/);
    const unknown = await runBuiltCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const badOption = await runBuiltCli(['diagnostics', '--jsno']);
    assert.equal(badOption.code, 2);
  });

  it('diagnostics --json reports Ollama unreachable with the address tried, exits 0, and prints only JSON', async () => {
    const db = path.join(dir.path, 'h.db');
    // A port nothing listens on: bind and close.
    const port = await freePort();
    const result = await runBuiltCli(['diagnostics', '--json', '--db', db], {
      env: { OLLAMA_HOST: `127.0.0.1:${port}`, ANTHROPIC_API_KEY: 'sk-secret-value', GITHUB_TOKEN: 'ghp_secret' },
    });
    assert.equal(result.code, 0, result.stderr);
    const d = JSON.parse(result.stdout);
    assert.equal(d.ollama.reachable, false);
    assert.equal(d.ollama.host, `http://127.0.0.1:${port}`);
    assert.match(d.ollama.error, /ECONNREFUSED|ollama serve/);
    assert.equal(d.node.version, process.version);
    assert.match(d.git.version, /^\d+\.\d+/);
    assert.equal(d.database.path, db);
    assert.equal(d.database.pathSource, 'flag');
    assert.equal(d.database.schemaVersion, d.database.latestSchemaVersion);
    assert.match(d.database.sqliteVersion, /^3\./);
    assert.equal(d.environment.ANTHROPIC_API_KEY, 'set');
    assert.equal(d.environment.GITHUB_TOKEN, 'set');
    assert.ok(!result.stdout.includes('sk-secret-value') && !result.stdout.includes('ghp_secret'), 'secrets never printed');
    assert.ok(d.system.cpuCores > 0 && d.system.memoryTotalBytes > 0 && d.system.disk.freeBytes > 0);
    assert.equal(d.configuration.logLevel.source, 'default');
  });

  it('diagnostics lists the models of a reachable Ollama', async () => {
    const server = await fakeOllama(['qwen2.5-coder:7b', 'llama3.1:8b']);
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runBuiltCli(['diagnostics', '--json', '--db', path.join(dir.path, 'h.db')], { env: { OLLAMA_HOST: `http://127.0.0.1:${port}` } });
      assert.equal(result.code, 0, result.stderr);
      const d = JSON.parse(result.stdout);
      assert.equal(d.ollama.reachable, true);
      assert.equal(d.ollama.version, '0.12.0');
      assert.deepEqual(d.ollama.models, ['qwen2.5-coder:7b', 'llama3.1:8b']);
    } finally {
      server.close();
    }
  });

  it('uses DEPLOY_AGENT_DB, and reports a corrupt database moved aside', async () => {
    const db = path.join(dir.path, 'env.db');
    writeFileSync(db, 'garbage'.repeat(1000));
    const result = await runBuiltCli(['diagnostics', '--json'], { env: { DEPLOY_AGENT_DB: db, OLLAMA_HOST: '127.0.0.1:9' } });
    assert.equal(result.code, 0, result.stderr);
    const d = JSON.parse(result.stdout);
    assert.equal(d.database.pathSource, 'env');
    assert.match(d.database.movedAside, /env\.db\.corrupt-/);
    assert.match(result.stderr, /moved to .*env\.db\.corrupt-/);
    assert.equal(readdirSync(dir.path).filter((f) => f.startsWith('env.db.corrupt-') && !f.endsWith('-wal') && !f.endsWith('-shm')).length, 1);
  });

  it('shows the workspace configuration with its source, and fails with exit 1 and a clear error on an invalid one', async () => {
    mkdirSync(path.join(dir.path, 'ws', '.deploy-agent'), { recursive: true });
    writeFileSync(path.join(dir.path, 'ws', '.deploy-agent', 'config.json'), JSON.stringify({ logLevel: 'debug' }));
    const ok = await runBuiltCli(['diagnostics', '--json', '--db', path.join(dir.path, 'h.db'), '--workspace', path.join(dir.path, 'ws')], { env: { OLLAMA_HOST: '127.0.0.1:9' } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).configuration.logLevel.source, 'workspace');

    writeFileSync(path.join(dir.path, 'ws', '.deploy-agent', 'config.json'), JSON.stringify({ logLevel: 'loud' }));
    const bad = await runBuiltCli(['diagnostics', '--json', '--db', path.join(dir.path, 'h.db'), '--workspace', path.join(dir.path, 'ws')], { env: { OLLAMA_HOST: '127.0.0.1:9' } });
    assert.equal(bad.code, 1);
    const error = JSON.parse(bad.stdout).error;
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /'logLevel' must be one of "error", "warn", "info", "debug"/);
    assert.match(bad.stderr, /CONFIG_INVALID/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Speaks the two Ollama endpoints diagnostics uses: GET /api/version and GET /api/tags. */
function fakeOllama(models: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/version') return res.end(JSON.stringify({ version: '0.12.0' }));
    if (req.url === '/api/tags') {
      return res.end(JSON.stringify({ models: models.map((name) => ({ name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 1, digest: 'x', details: {} })) }));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: 'not found' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
