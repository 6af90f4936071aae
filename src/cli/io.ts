import { format } from 'node:util';

/**
 * The CLI process's own output streams, made safe once at start-up (main.ts):
 *
 * - A closed pipe (`deploy-agent list | head -1`, a terminal that went away) ends printing, not
 *   the process: the first EPIPE turns further writes to that stream into no-ops, so a deployment
 *   goes on to its end (and its history is complete) even when nobody reads its output.
 * - No library may write to stdout: `--json` promises exactly one JSON object there. Whatever a
 *   dependency prints through `console.log` / `info` / `debug` / `warn` (the `ollama` client logs
 *   "Getting text from response" on an HTML error page) goes to stderr instead. The CLI itself
 *   writes to `process.stdout` directly, never through `console`.
 */
export function guardProcessOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stopWritingWhenClosed(stream);
  routeConsoleToStderr();
}

export function stopWritingWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    // Nobody reads any more: drop what comes later instead of failing on it.
    stream.write = ((_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  });
}

function routeConsoleToStderr(): void {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}
