import assert from 'node:assert/strict';
import { parseTextActions } from '../../../src/core/ai/text-fallback';

describe('text protocol for models without tools', () => {
  it('turns file, edit and command lines into tool calls, in order', () => {
    const { calls, problems } = parseTextActions(
      ['LIST: src', 'READ: src/a.ts', 'SEARCH: greet(', '```file:src/b.ts', 'export const b = 1;', '```', '````edit:src/a.ts', '<<<<<<< SEARCH', 'a = 1', '=======', 'a = 2', '>>>>>>> REPLACE', '````', 'FINISH: did it', 'more summary'].join('\n'),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      calls.map((c) => [c.name, c.arguments]),
      [
        ['list_files', { path: 'src' }],
        ['read_file', { path: 'src/a.ts' }],
        ['search', { query: 'greet(' }],
        ['write_file', { path: 'src/b.ts', content: 'export const b = 1;\n' }],
        ['edit_file', { path: 'src/a.ts', search: 'a = 1', replace: 'a = 2' }],
        ['finish', { summary: 'did it\nmore summary' }],
      ],
    );
  });

  it('reports an unclosed file block and a malformed edit block instead of guessing', () => {
    assert.match(parseTextActions('```file:src/a.ts\nexport const a = 1;\n').problems[0]!, /not closed/);
    assert.match(parseTextActions('```edit:src/a.ts\nreplace a with b\n```').problems[0]!, /SEARCH/);
  });

  it('a reply with code blocks that name no file is a format problem; prose alone is not', () => {
    assert.match(parseTextActions('Here:\n```ts\nconst x = 1;\n```').problems[0]!, /do not name a file/);
    assert.deepEqual(parseTextActions('I think we should add a helper.'), { calls: [], problems: [] });
  });
});
