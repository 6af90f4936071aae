import assert from 'node:assert/strict';
import { inlineMarkdown } from '../../../webview-ui/shared/inline-markdown';
import { problemBox } from '../../../webview-ui/panel/views/common';

// A recommendation's description showed `limit` with its backticks, and the no-model hint read
// "Start it with `ollama serve`" literally.
describe('inline Markdown in the panel', () => {
  it('renders `code` and **bold**, and escapes everything else', () => {
    assert.equal(inlineMarkdown('Add `limit` (default **20**) to GET /orders').value, 'Add <code>limit</code> (default <strong>20</strong>) to GET /orders');
    assert.equal(inlineMarkdown('<img src=x onerror=alert(1)> `<b>`').value, '&lt;img src=x onerror=alert(1)&gt; <code>&lt;b&gt;</code>');
    assert.equal(inlineMarkdown('an unclosed `tick and a * star').value, 'an unclosed `tick and a * star');
  });

  it('a problem’s message and hint show code as code', () => {
    const markup = problemBox({ code: 'NO_MODEL_AVAILABLE', message: 'No model', hint: 'Start Ollama (`ollama serve`) and pull the model (`ollama pull qwen2.5-coder:7b`).', actions: [] }).value;
    assert.match(markup, /<code>ollama serve<\/code>/);
    assert.match(markup, /<code>ollama pull qwen2\.5-coder:7b<\/code>/);
    assert.doesNotMatch(markup, /`/);
  });
});
