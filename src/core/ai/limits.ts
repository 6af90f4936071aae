/** Limits of one phase, from the settings; tests pass smaller ones. */
export interface PhaseLimits {
  maxTurns: number;
  maxTokens: number;
  timeLimitMs: number;
  maxMalformed: number;
  /** Consecutive edits that do not match before the phase fails. */
  maxEditMismatches: number;
  /** Turns without any action before the phase fails. */
  maxIdleTurns: number;
  /** Largest file a write_file or edit_file call may produce (`ai.maxWriteBytes`). */
  maxWriteBytes: number;
}

export function phaseLimitsFromConfig(config: { get<T>(key: string): T }): PhaseLimits {
  return {
    maxTurns: config.get<number>('ai.phase.maxTurns'),
    maxTokens: config.get<number>('ai.phase.maxTokens'),
    timeLimitMs: config.get<number>('ai.phase.timeLimitSeconds') * 1000,
    maxMalformed: config.get<number>('ai.maxMalformedToolCalls'),
    maxEditMismatches: 4,
    maxIdleTurns: 2,
    maxWriteBytes: config.get<number>('ai.maxWriteBytes'),
  };
}

