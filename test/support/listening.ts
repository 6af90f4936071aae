import net from 'node:net';

/**
 * Resolves once something accepts TCP connections on host:port (a process just spawned to hold
 * the port). A fixed sleep instead would race the process's start-up, which a loaded machine
 * stretches well beyond any guess; this waits for the fact itself, up to `timeoutMs`.
 */
export async function waitUntilListening(port: number, host = '127.0.0.1', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
