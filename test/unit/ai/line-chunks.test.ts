import assert from 'node:assert/strict';
import { lineAlignedChunks } from '../../../src/core/ai/providers/line-chunks';

async function regroup(chunks: string[]): Promise<string[]> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  }).pipeThrough(lineAlignedChunks());
  const out: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) out.push(decoder.decode(chunk));
  return out;
}

describe('the Ollama stream regrouped into whole lines (the client parses a line at a time)', () => {
  it('a line cut into many chunks arrives as one chunk; the bytes are unchanged', async () => {
    const line = `{"message":{"content":"${'z'.repeat(10_000)}"}}\n`;
    const pieces = line.match(/[\s\S]{1,777}/g)!;
    assert.ok(pieces.length > 10);
    assert.deepEqual(await regroup([...pieces, '{"done":true}\n']), [line, '{"done":true}\n']);
  });

  it('several lines in one chunk stay together; a tail without a line end comes last', async () => {
    assert.deepEqual(await regroup(['{"a":1}\n{"b"', ':2}\n{"c":3}\n{"d"', ':4}']), ['{"a":1}\n', '{"b":2}\n{"c":3}\n', '{"d":4}']);
    assert.deepEqual(await regroup(['{"a":1}\n']), ['{"a":1}\n']);
    assert.deepEqual(await regroup([]), []);
  });

  it('a multi-byte character cut between chunks is kept whole', async () => {
    const encoder = new TextEncoder();
    const bytes = encoder.encode('{"t":"é€😀"}\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i++) controller.enqueue(bytes.subarray(i, i + 1));
        controller.close();
      },
    }).pipeThrough(lineAlignedChunks());
    const out: Uint8Array[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) out.push(chunk);
    assert.equal(out.length, 1);
    assert.equal(new TextDecoder().decode(out[0]), '{"t":"é€😀"}\n');
  });
});
