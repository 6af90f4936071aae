import { Redactor } from './redactor';
import { secretsOfEnvironment, type SecretValue } from './secret-values';

/**
 * The secrets this process knows, and the one redactor built from them that every boundary uses:
 * the history database's writes, the model router's requests, the agent's tool results, the
 * report writer, the pipeline's events (and so the CLI's and the extension's output).
 *
 * It starts with the credentials in this process's environment; each deployment adds what it
 * gathered once at its start (`gatherSecrets`: the environment it runs with, the repository's
 * secret files). Values are only ever added — a value stays redacted for the life of the process,
 * in every later write, whichever deployment or command makes it. One registry per process (and
 * not one per deployment passed by hand through every layer) is what makes it hard to bypass: a
 * repository or a report created anywhere redacts with it, without being handed anything.
 */
export class SecretRegistry {
  private readonly values = new Map<string, string>();
  private current: Redactor | undefined;
  private seeded = false;

  constructor(private readonly seed: () => SecretValue[] = () => []) {}

  /** Adds values (and their names); later writes redact them. Returns how many were new. */
  add(values: Iterable<SecretValue>): number {
    this.ensureSeeded();
    let added = 0;
    for (const { name, value } of values) {
      if (this.values.has(value)) continue;
      this.values.set(value, name);
      added++;
    }
    if (added) this.current = undefined;
    return added;
  }

  redactor(): Redactor {
    this.ensureSeeded();
    return (this.current ??= new Redactor([...this.values].map(([value, name]) => ({ name, value }))));
  }

  /** Shorthands for the boundaries. */
  text(input: string): string {
    return this.redactor().text(input);
  }

  json(input: unknown, space?: number): string {
    return this.redactor().json(input, space);
  }

  private ensureSeeded(): void {
    if (this.seeded) return;
    this.seeded = true;
    for (const { name, value } of this.seed()) if (!this.values.has(value)) this.values.set(value, name);
  }
}

/** This process's registry, seeded from `process.env` on first use. */
export const secretRegistry = new SecretRegistry(() => secretsOfEnvironment(process.env));
