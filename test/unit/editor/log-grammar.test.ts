// The "Deploy Agent" output channel is a log channel (language `log`); syntaxes/ injects Deploy
// Agent's highlighting into VS Code's Log grammar (`text.log`). Tokenised here as VS Code does it
// (vscode-textmate + vscode-oniguruma, the injection by its injectTo), over a log the extension
// wrote in a real VS Code (test/fixtures/logs/deploy-agent-output.log).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { STEP_NAMES } from '../../../src/core/deployment/events';
import { RELEASE_STEPS } from '../../../src/core/release/release-state';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] } };
const injection = manifest.contributes.grammars.find((g) => g.injectTo)!;
const injectionGrammar = JSON.parse(readFileSync(path.join(root, injection.path), 'utf8'));
/** VS Code's Log grammar when a code-server is cached here (the e2e installs one), else a host with no rules of its own. */
function hostLogGrammar(): { grammar: unknown; real: boolean } {
  const cached = path.join(process.env.HOME ?? '', '.cache', 'deploy-agent', 'code-server-4.103.2', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'log', 'syntaxes', 'log.tmLanguage.json');
  try {
    return { grammar: JSON.parse(readFileSync(cached, 'utf8')), real: true };
  } catch {
    return { grammar: { scopeName: 'text.log', patterns: [] }, real: false };
  }
}

async function logGrammar(host: unknown): Promise<textmate.IGrammar> {
  const wasm = readFileSync(createRequire(__filename).resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer).catch((error: Error) => {
    if (!/already|once/i.test(error.message)) throw error;
  });
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (sources) => new oniguruma.OnigScanner(sources), createOnigString: (text) => new oniguruma.OnigString(text) }),
    loadGrammar: async (scope) => (scope === 'text.log' ? textmate.parseRawGrammar(JSON.stringify(host), 'log.json') : scope === injection.scopeName ? textmate.parseRawGrammar(JSON.stringify(injectionGrammar), 'injection.json') : null),
    // As VS Code wires a grammar contribution's injectTo.
    getInjections: (scope) => (injection.injectTo!.includes(scope) ? [injection.scopeName] : undefined),
  });
  return (await registry.loadGrammar('text.log'))!;
}

/** Each token of each line with its innermost scope. */
function tokens(grammar: textmate.IGrammar, text: string): { line: number; text: string; scopes: string[] }[] {
  const out: { line: number; text: string; scopes: string[] }[] = [];
  let stack = textmate.INITIAL;
  for (const [index, line] of text.split('\n').entries()) {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) out.push({ line: index, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = result.ruleStack;
  }
  return out;
}

const scopeOf = (all: ReturnType<typeof tokens>, text: string, line?: number) => all.find((t) => t.text === text && (line === undefined || t.line === line))?.scopes.at(-1);

describe('the output channel’s highlighting (syntaxes/, injected into the Log language)', () => {
  const log = readFileSync(path.join(root, 'test', 'fixtures', 'logs', 'deploy-agent-output.log'), 'utf8');
  const { grammar: host, real } = hostLogGrammar();

  it(`colours step markers, ok / failed / warnings, durations, error patterns and codes, paths (over ${real ? 'VS Code’s own Log grammar' : 'a bare text.log host: no code-server cached'})`, async () => {
    const grammar = await logGrammar(host);
    const all = tokens(grammar, log);
    const lines = log.split('\n');
    const lineOf = (needle: string) => {
      const found = lines.findIndex((l) => l.includes(needle));
      assert.ok(found >= 0, `the recorded log has a line with ${JSON.stringify(needle)}`);
      return found;
    };
    // A step's line, from the command (no id) and from the panel (after the deployment id).
    for (const needle of ['] implement: succeeded', /\] [0-9a-f]{8} implement: succeeded/]) {
      const line = typeof needle === 'string' ? lineOf(needle) : lines.findIndex((l) => needle.test(l));
      assert.ok(line >= 0, `the recorded log has ${needle}`);
      assert.equal(scopeOf(all, 'implement', line), 'entity.name.function.step.deploy-agent');
      assert.equal(scopeOf(all, 'succeeded', line), 'markup.inserted.ok.deploy-agent');
      const duration = all.find((t) => t.line === line && /^\d+ ms$/.test(t.text));
      assert.equal(duration?.scopes.at(-1), 'constant.numeric.duration.deploy-agent', JSON.stringify(all.filter((t) => t.line === line)));
    }
    const panelLine = lines.findIndex((l) => /\] [0-9a-f]{8} implement: /.test(l));
    assert.equal(all.find((t) => t.line === panelLine && /^[0-9a-f]{8}$/.test(t.text))?.scopes.at(-1), 'variable.other.deployment-id.deploy-agent');
    const failedLine = lineOf('push: failed');
    assert.equal(scopeOf(all, 'failed', failedLine), 'invalid.illegal.failed.deploy-agent');
    assert.equal(scopeOf(all, 'GITHUB_SIGN_IN_DECLINED', failedLine), 'entity.name.type.error-code.deploy-agent');
    assert.equal(scopeOf(all, 'assertion-failed', lineOf('(pattern assertion-failed)')), 'entity.name.tag.error-pattern.deploy-agent');
    assert.equal(scopeOf(all, 'test/mul.test.js', lineOf('repair: wrote test/mul.test.js')), 'markup.underline.link.path.deploy-agent');
    const reverted = lineOf('Reverted the change');
    assert.match(all.find((t) => t.line === reverted && t.text.endsWith('/src/calc.js'))?.scopes.at(-1) ?? '', /^markup\.underline\.link\.path/);
    assert.equal(scopeOf(all, 'awaiting-review', lineOf('awaiting-review:')), 'markup.changed.warning.deploy-agent');
    // Every token stays inside the Log language: the channel's own colours (dates, [info]) are kept.
    assert.ok(all.every((t) => t.scopes[0] === 'text.log'));
    if (real) assert.ok(all.some((t) => t.text === '[info]' && t.scopes.some((s) => s.includes('log.info'))), 'the Log grammar still colours [info]');
  });

  it('knows every step name of a deployment and of a release (the two lists cannot drift apart)', () => {
    const match = (injectionGrammar.repository.step.match as string).match(/\(([a-z|-]+)\)/)![1]!.split('|');
    assert.deepEqual([...match].sort(), [...new Set([...STEP_NAMES, ...RELEASE_STEPS])].sort());
  });

  it('the grammar of a saved log (language deploy-agent-log) highlights the same way', () => {
    const saved = JSON.parse(readFileSync(path.join(root, 'syntaxes', 'deploy-agent-log.tmLanguage.json'), 'utf8')) as { patterns: { include: string }[] };
    assert.deepEqual(saved.patterns.map((p) => p.include), [`${injection.scopeName}#deploy-agent`, 'text.log']);
  });
});
