import assert from 'node:assert/strict';
import type { PreviewView } from '../../../src/protocol/panel';
import { previewView } from '../../../webview-ui/panel/views/preview';

// The environment card said "Environment: development (100% sure)" over "branch main → production",
// with nothing to tell that the branch was not counted (finding 11).
describe('the preview’s environment card', () => {
  const preview = {
    file: '/w/rec.json',
    title: 'Paginate',
    strategy: { chosen: 'balanced', basis: 'rules', samples: 1, reasons: ['r'], predictions: [], successBar: 0.7, levers: { name: 'balanced', testScope: 'affected', repairRounds: 2, timeLimitMs: 1000, concurrency: 1 } },
    environment: {
      name: 'development',
      confidence: 1,
      evidence: [
        { source: 'branch', value: 'main', suggests: 'production', applied: false, note: 'branch patterns apply in CI only' },
        { source: 'machine', value: 'a developer machine', suggests: 'development' },
      ],
    },
    integrationPoints: [],
    warnings: [],
    dataGaps: [],
    durationMs: 5,
  } as unknown as PreviewView;

  it('marks evidence that was not counted, with why; counted evidence has no mark', () => {
    const markup = previewView(preview, { excludedIntegrationPoints: [], addedFiles: [] }, false).value;
    const branch = /<li class="not-applied" data-applied="no">[\s\S]*?<\/li>/.exec(markup)?.[0] ?? '';
    assert.match(branch, /main<\/code> → production <span class="tag">not counted<\/span>/);
    assert.match(branch, /branch patterns apply in CI only/);
    assert.match(markup, /<li class="" data-applied="yes">[\s\S]*?a developer machine<\/code> → development<\/li>/);
    assert.equal(markup.match(/not counted/g)?.length, 1);
  });
});
