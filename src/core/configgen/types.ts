/**
 * Deployment configuration generated from the project profile: what a generator produced, and why
 * each choice was made (the evidence and reason shown to the user and checked by the tests).
 */
export type ConfigKind = 'dockerfile' | 'compose' | 'github-actions' | 'gitlab-ci' | 'jenkins' | 'env' | 'target';

export const CONFIG_KINDS: readonly ConfigKind[] = ['dockerfile', 'compose', 'github-actions', 'gitlab-ci', 'jenkins', 'env', 'target'];

export interface GeneratedFile {
  /** Project-relative, `/`-separated (`Dockerfile`, `.github/workflows/ci.yml`, `.deploy-agent/config.json`). */
  path: string;
  content: string;
  /**
   * `merge`: the file is a JSON document the entry is merged into (`.deploy-agent/config.json`):
   * writing keeps what else is in it and refuses only to replace the same entry.
   */
  mode?: 'create' | 'merge';
}

/** One decision a generator took, with what decided it. */
export interface Choice {
  /** What was decided: `base image`, `port`, `start command`, `service postgresql` … */
  what: string;
  value: string;
  /** Workspace-relative files it came from (empty: a default, said in `reason`). */
  evidence: string[];
  reason: string;
  confidence: number;
}

/** Something the profile does not know well enough: nothing was generated for it. */
export interface Unknown {
  what: string;
  why: string;
  /** What the user can do so that it becomes known. */
  hint: string;
}

export interface GenerationResult {
  kind: ConfigKind;
  /** Empty when nothing could be generated (see `unknowns`: at least one blocks it). */
  files: GeneratedFile[];
  choices: Choice[];
  unknowns: Unknown[];
  /** Set when nothing was generated: the unknown that blocked it, or why the project needs none. */
  skipped?: string;
}

/** One problem a check found in a generated file. */
export interface CheckProblem {
  file: string;
  /** The rule or parser that found it (`yaml`, `workflow`, `dockerfile:pinned-base` …). */
  rule: string;
  message: string;
  line?: number;
}

export interface CheckReport {
  file: string;
  /** The checks that ran on this file, each named by its rule (a file is never reported fine without one). */
  ran: string[];
  problems: CheckProblem[];
}
