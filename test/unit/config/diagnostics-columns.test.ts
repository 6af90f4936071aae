import assert from 'node:assert/strict';
import { configurationRows } from '../../../src/core/diagnostics/format';
import { resolveConfig } from '../../../src/core/config/resolve';

/** `deploy-agent diagnostics`: every setting's value starts in one column, and a long value (ai.prices) is indented JSON, not one line of 400 characters. */
describe('diagnostics: the configuration table', () => {
  const configuration = resolveConfig({ env: {} }).settings;

  it('lines every value up after the longest key, history.busyTimeoutSeconds included', () => {
    const rows = configurationRows(configuration, []);
    const columns = new Set(rows.filter((r) => /^ {2}\S/.test(r)).map((r) => /^ {2}\S+ +/.exec(r)![0].length));
    assert.equal(columns.size, 1, rows.slice(0, 5).join('\n'));
    assert.ok(rows.some((r) => /^ {2}history\.busyTimeoutSeconds +30 {2}\[default\]$/.test(r)), rows.join('\n'));
  });

  it('prints ai.prices as indented JSON under its key, no line longer than 100 characters', () => {
    const rows = configurationRows(configuration, []);
    const at = rows.findIndex((r) => r.trimStart().startsWith('ai.prices '));
    assert.match(rows[at]!, /ai\.prices +\[default\]$/);
    assert.match(rows[at + 1]!, /^ +\{$/);
    assert.ok(rows.every((r) => r.length <= 100), rows.filter((r) => r.length > 100).join('\n'));
  });
});
