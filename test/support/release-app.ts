import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A small HTTP application to release (no dependencies): `GET /health` answers
 * `{"version": "<package.json version>"}` with 200, or 503 when the file `unhealthy` is in the
 * release (a version that starts but is broken) or when the host's environment names its version
 * in BROKEN_VERSION (broken on one host only). It listens on PORT from its environment (the
 * release's .env sets it) and prints a line when it does. A real git repository in `dir`.
 */
export const APP_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const { version } = require('./package.json');
const port = Number(process.env.PORT || 3000);
const unhealthy = fs.existsSync('unhealthy');
const failAfter = Number(process.env.FAIL_AFTER_MS || 0) || (fs.existsSync('fail-after') ? Number(fs.readFileSync('fail-after', 'utf8')) : 0);
const started = Date.now();
http.createServer((req, res) => {
  const sick = unhealthy || process.env.BROKEN_VERSION === version || (failAfter && Date.now() - started > failAfter);
  if (req.url === '/health') {
    res.writeHead(sick ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version, status: sick ? 'broken' : 'ok' }));
    return;
  }
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errorRate: sick ? 0.5 : 0.01, latencyMs: 20 }));
    return;
  }
  res.writeHead(200);
  res.end('hello from ' + version);
}).listen(port, '127.0.0.1', () => console.log('app ' + version + ' listening on ' + port));
`;

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();
}

/** Creates the application's repository at `dir` with version `version` committed; returns the commit. */
export function createApp(dir: string, version = '1.0.0'): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, 'server.js'), APP_SERVER);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'release-fixture', version, private: true, scripts: { start: 'node server.js' } }, null, 2));
  // Untracked and ignored files must never be released.
  writeFileSync(path.join(dir, '.gitignore'), 'local-secret.txt\n');
  writeFileSync(path.join(dir, 'local-secret.txt'), 'never uploaded\n');
  git(dir, 'add', 'server.js', 'package.json', '.gitignore');
  git(dir, 'commit', '-q', '-m', `version ${version}`);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Commits a new version (optionally with extra files); returns the commit. */
export function commitVersion(dir: string, version: string, files: Record<string, string> = {}): string {
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'release-fixture', version, private: true, scripts: { start: 'node server.js' } }, null, 2));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `version ${version}`);
  return git(dir, 'rev-parse', 'HEAD');
}
