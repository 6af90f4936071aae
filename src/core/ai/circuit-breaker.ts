/**
 * A circuit breaker per provider: after `threshold` consecutive failed requests it opens and
 * the router skips that provider (falling back to the next) until `cooldownMs` has passed;
 * then one request is let through (half-open) and its outcome closes or re-opens it.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;

  constructor(
    readonly threshold = 5,
    readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a request may go out now. */
  allows(): boolean {
    return this.state !== 'open';
  }

  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }

  failure(): void {
    this.failures += 1;
    if (this.state === 'half-open' || this.failures >= this.threshold) this.openedAt = this.now();
  }
}
