/**
 * Re-chunks a streamed body of JSON lines so that every chunk ends at a line end. The ollama
 * client splits its whole pending buffer at each chunk it reads, which is quadratic in the
 * length of one line: a model's 50 MB tool call (one line in Ollama's stream) took 45 s of CPU
 * to parse, long enough for the request's time limit to cut it. Given whole lines, the client
 * splits each line once. Bytes are only regrouped, never changed; work is linear in the body.
 */
export function lineAlignedChunks(): TransformStream<Uint8Array, Uint8Array> {
  let pending: Uint8Array[] = [];
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const end = chunk.lastIndexOf(0x0a);
      if (end === -1) {
        pending.push(chunk);
        return;
      }
      controller.enqueue(join([...pending, chunk.subarray(0, end + 1)]));
      pending = end + 1 < chunk.length ? [chunk.subarray(end + 1)] : [];
    },
    flush(controller) {
      if (pending.length) controller.enqueue(join(pending));
    },
  });
}

function join(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
