import assert from 'node:assert/strict';
import { errorPatterns, matchAllErrorPatterns, matchErrorPattern } from '../../../src/core/recovery/error-patterns';

describe('error-pattern knowledge base', () => {
  it('has at least 30 well-formed patterns with unique ids over every area', () => {
    assert.ok(errorPatterns.length >= 30, `only ${errorPatterns.length}`);
    assert.equal(new Set(errorPatterns.map((p) => p.id)).size, errorPatterns.length);
    for (const p of errorPatterns) {
      assert.ok(['warning', 'error', 'critical'].includes(p.severity), p.id);
      assert.ok(p.explanation.length > 20 && p.recovery.length > 20, `${p.id} needs a plain explanation and a recovery`);
      assert.doesNotThrow(() => new RegExp(p.regex, p.flags), p.id);
    }
    const categories = new Set(errorPatterns.map((p) => p.category));
    for (const c of ['typescript', 'dependency', 'syntax', 'runtime', 'test', 'go', 'rust', 'git', 'os', 'network', 'config']) assert.ok(categories.has(c), `no ${c} pattern`);
  });

  for (const pattern of errorPatterns) {
    it(`recognises ${pattern.id} in real-looking output`, () => {
      const output = `> test\n> mocha\n\n${pattern.sample}\n    at somewhere (file.js:1:1)\n`;
      const options = { scope: pattern.scope };
      const all = matchAllErrorPatterns(output, options).map((m) => m.id);
      assert.ok(all.includes(pattern.id), `${pattern.id} not found in its sample; found ${all.join(', ')}`);
      const best = matchErrorPattern(output, options)!;
      assert.equal(best.id, pattern.id, `a less specific pattern (${best.id}) wins over ${pattern.id}`);
      assert.ok(best.excerpt.length > 0);
    });
  }

  it('finds nothing in a clean run', () => {
    assert.equal(matchErrorPattern('  3 passing (12ms)\n'), undefined);
  });
});
