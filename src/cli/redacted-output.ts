import { secretRegistry } from '../core/security/registry';

/**
 * Every byte the CLI prints to stdout and stderr passes the secret redactor first — its own
 * messages, a library's, a failing hook's output quoted in an error — so nothing printed needs to
 * remember to redact. The redactor knows this process's environment credentials and, once a
 * deployment has started, what it gathered (src/core/security/registry.ts).
 */
export function redactProcessOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(redactChunk(chunk, rest[0]), ...rest)) as typeof stream.write;
  }
}

function redactChunk(chunk: unknown, encoding: unknown): unknown {
  if (typeof chunk === 'string') {
    // A string in another encoding (hex, base64) is not text to redact.
    return typeof encoding === 'string' && !/^utf-?8$/i.test(encoding) ? chunk : secretRegistry.text(chunk);
  }
  if (chunk instanceof Uint8Array) {
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    const clean = secretRegistry.text(text);
    return clean === text ? chunk : Buffer.from(clean, 'utf8');
  }
  return chunk;
}
