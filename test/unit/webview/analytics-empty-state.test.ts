import assert from 'node:assert/strict';
import type { AnalyticsData, AnalyticsSelection, HistoryContext } from '../../../src/protocol/analytics';
import { emptyState } from '../../../webview-ui/analytics/empty-state';

/** The Analytics view when its window counts no deployment: say what there is, and never offer a button that leads back to the same words. */
describe('the Analytics view’s empty state', () => {
  const context = (c: Partial<HistoryContext>): HistoryContext => ({ repository: { path: '/w/orders-service', name: 'orders-service' }, scopeDeployments: 0, windowDeployments: 0, allDeployments: 0, ciBuilds: 0, doraDefinitions: {} as HistoryContext['doraDefinitions'], ...c });
  const data = (setupFailures = 0) => ({ deployments: { total: 0 }, setupFailures: { total: setupFailures, refused: 0 } }) as unknown as AnalyticsData;
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  const repo30: AnalyticsSelection = { scope: 'repository', window: 30 };
  const repoAll: AnalyticsSelection = { scope: 'repository', window: 'all' };

  it('a deployment that could not start minutes ago: it stopped before the work — not "happened earlier", no "Show all history"', () => {
    for (const selection of [repo30, repoAll]) {
      const html = emptyState(selection, data(1), context({ scopeDeployments: 1, windowDeployments: 1, allDeployments: 1 }));
      assert.doesNotMatch(html, /happened|all-history/, text(html));
      assert.match(text(html), /No finished deployment in the (last 30 days|whole history) yet\. 1 deployment from orders-service in the (last 30 days|whole history) stopped before the work: no model or test ran/);
      assert.match(html, /data-action="deploy"/);
    }
  });

  it('all history never says "happened earlier" nor offers itself again', () => {
    const html = emptyState(repoAll, data(0), context({ scopeDeployments: 2, windowDeployments: 2, allDeployments: 2 }));
    assert.doesNotMatch(html, /happened|all-history/);
    assert.match(text(html), /2 deployments from orders-service in the whole history are still running or waiting for review/);
  });

  it('deployments only before the window: how many, and Show all history', () => {
    const html = emptyState(repo30, data(0), context({ scopeDeployments: 3, windowDeployments: 0, allDeployments: 3 }));
    assert.match(text(html), /^No deployment in the last 30 days\. 3 deployments from orders-service happened before the last 30 days\./);
    assert.match(html, /data-action="all-history"/);
  });

  it('nothing ever recorded here: deploy, import CI history, or look at the other repositories', () => {
    const html = emptyState(repo30, data(0), context({ allDeployments: 4 }));
    assert.match(text(html), /No deployments from orders-service yet/);
    assert.match(html, /data-action="import-github"/);
    assert.match(text(html), /Show all repositories \(4 deployments\)/);
  });
});
