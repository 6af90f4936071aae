// Authoring recommendations: the manifest maps the schema onto the folder and the name pattern,
// the example workspace's recommendation lives where it applies, and the snippet's fields and
// choices are the schema's own (a snippet expanded with its defaults is a valid recommendation).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RECOMMENDATION_CATEGORIES, recommendationProblems } from '../../../src/core/recommendation/load';
import { findRecommendationFiles, isRecommendationPath } from '../../../src/core/recommendation/workspace';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** VS Code's fileMatch glob on a workspace path: `*` within one folder, a pattern with `/` matched against the path's end. */
function fileMatches(pattern: string, file: string): boolean {
  const regex = new RegExp(`(^|/)${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return regex.test(file.replace(/\\/g, '/'));
}

describe('authoring recommendations', () => {
  const validation = (manifest.contributes.jsonValidation as { fileMatch: string | string[]; url: string }[]).find((v) => v.url.endsWith('recommendation.schema.json'))!;
  const patterns = [validation.fileMatch].flat();

  it('the schema applies to .deploy-agent/recommendations/*.json and *.recommendation.json, and the editor’s lenses use the same rule', () => {
    for (const file of ['/w/.deploy-agent/recommendations/orders.json', '/w/sub/orders.recommendation.json']) {
      assert.ok(patterns.some((p) => fileMatches(p, file)), `${file}: ${patterns.join(', ')}`);
      assert.ok(isRecommendationPath('/w', file), file);
    }
    for (const file of ['/w/.deploy-agent/config.json', '/w/recommendation.json', '/w/.deploy-agent/recommendations/deep/x.json']) {
      assert.ok(!patterns.some((p) => fileMatches(p, file)), file);
      assert.ok(!isRecommendationPath('/w', file), file);
    }
  });

  it('the example workspace’s recommendation is under .deploy-agent/recommendations/, valid, and found where the panel looks', async () => {
    const workspace = path.join(root, 'examples', 'workspace');
    const files = (await findRecommendationFiles(workspace)) ?? [];
    assert.deepEqual(files.map((f) => path.relative(workspace, f).split(path.sep).join('/')), ['.deploy-agent/recommendations/orders-pagination.json']);
    assert.ok(patterns.some((p) => fileMatches(p, files[0]!)));
    assert.deepEqual(recommendationProblems(JSON.parse(readFileSync(files[0]!, 'utf8'))), []);
    for (const doc of ['README.md', path.join('examples', 'workspace', 'README.md'), path.join('scripts', 'start.mjs')]) {
      assert.match(readFileSync(path.join(root, doc), 'utf8'), /\.deploy-agent\/recommendations\/orders-pagination\.json/, `${doc} names the file where it is`);
    }
  });

  it('the snippet "Deploy Agent recommendation" offers the schema’s categories and expands to a valid recommendation', () => {
    const contribution = (manifest.contributes.snippets as { language: string; path: string }[]).find((s) => s.path.includes('recommendation'))!;
    assert.equal(contribution.language, 'json');
    const snippet = JSON.parse(readFileSync(path.join(root, contribution.path), 'utf8'))['Deploy Agent recommendation'] as { body: string[] };
    const body = snippet.body.join('\n');
    const choices = /\$\{3\|([^|]+)\|\}/.exec(body)![1]!.split(',');
    assert.deepEqual(choices, [...RECOMMENDATION_CATEGORIES]);
    // Expanded as VS Code does with every default: placeholders become their text, choices their first option.
    const expanded = body.replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\}/g, '');
    assert.deepEqual(recommendationProblems(JSON.parse(expanded)), []);
  });

  it('the walkthrough’s steps complete by real events, and every command they name exists', () => {
    const [walkthrough] = manifest.contributes.walkthroughs as { steps: { id: string; description: string; completionEvents: string[] }[] }[];
    const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const step of walkthrough!.steps) {
      assert.ok(step.completionEvents.length > 0, step.id);
      for (const event of step.completionEvents) assert.match(event, /^(onCommand:deployAgent\.|onContext:deployAgent\.|onView:deployAgent\.)/, `${step.id}: ${event}`);
      for (const m of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]!) || m[1]!.endsWith('.focus'), `${step.id} names ${m[1]}`);
      for (const event of step.completionEvents.filter((e) => e.startsWith('onCommand:'))) assert.ok(commands.has(event.slice('onCommand:'.length)), event);
    }
    assert.deepEqual(walkthrough!.steps.filter((s) => s.id.startsWith('providers.')).map((s) => s.id), ['providers.linux', 'providers.mac', 'providers.windows']);
  });
});
