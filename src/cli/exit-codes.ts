/** The CLI's exit codes: scripts can rely on them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;
