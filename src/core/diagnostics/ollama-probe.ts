import { Ollama } from 'ollama';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

export interface OllamaProbe {
  host: string;
  reachable: boolean;
  version?: string;
  models?: string[];
  error?: string;
}

/** Asks the Ollama server at `host` for its version and pulled models, within `timeoutMs`. */
export async function probeOllama(host: string, timeoutMs = 2000): Promise<OllamaProbe> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // The ollama client takes a fetch; passing one bound to our signal gives us a deadline.
  const client = new Ollama({ host, fetch: (input, init) => fetch(input, { ...init, signal: controller.signal }) });
  try {
    const [{ version }, { models }] = await Promise.all([client.version(), client.list()]);
    return { host, reachable: true, version, models: models.map((m) => m.name) };
  } catch (error) {
    const reason = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describeFetchError(error);
    return { host, reachable: false, error: `${reason} — start it with \`ollama serve\`, or set OLLAMA_HOST` };
  } finally {
    clearTimeout(timer);
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  return (error as Error)?.message ?? String(error);
}
