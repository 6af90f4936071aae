/**
 * Known shapes of credentials: text that is a secret whatever it is called, wherever it appears.
 * Each shape follows the rule of the same name in gitleaks' default configuration and
 * secretlint's recommended preset (the prefixes the issuers document: `ghp_`, `sk-ant-`, `AKIA`,
 * `xox…`). Why a list here and not secretlint itself: redaction runs synchronously inside every
 * SQLite write and tool result, on outputs of hundreds of kilobytes, and needs "replace this span"
 * rather than lint messages; secretlint's API is asynchronous (`lintSource` returns a promise, its
 * GCP rule reads files) and reports ranges for a linter. See docs/security.md.
 *
 * Deliberately absent: bare hex strings (git SHAs, checksums and content hashes are hex; a rule
 * for 40 hex characters would break every report and resume), and UUIDs.
 */
export interface TokenShape {
  /** Shown in the placeholder: `[redacted:github-token]`. */
  id: string;
  /** "a GitHub token": for messages that say what was found. */
  description: string;
  /** Not global; the redactor compiles its own copy. A group named `secret` limits the replacement to it. */
  pattern: RegExp;
  /** Literal text every match contains, checked before the regular expression runs (fast path for large outputs). */
  anchors?: readonly string[];
  /** Writes of model code containing this shape are refused (checks.ts) and block the commit (review). */
  blocksWrite: boolean;
}

export const TOKEN_SHAPES: readonly TokenShape[] = [
  {
    id: 'private-key',
    description: 'a private key',
    // A whole block, or from its header to the end of the text when the output was cut.
    pattern: /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/,
    anchors: ['PRIVATE KEY'],
    blocksWrite: true,
  },
  { id: 'github-token', description: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{40,255})\b/, anchors: ['gh', 'github_pat_'], blocksWrite: true },
  { id: 'gitlab-token', description: 'a GitLab token', pattern: /\bgl(?:pat|ptt|rt|dt|cbt|oas)-[0-9A-Za-z_-]{20,}/, anchors: ['gl'], blocksWrite: true },
  { id: 'anthropic-key', description: 'an Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/, anchors: ['sk-ant-'], blocksWrite: true },
  { id: 'openai-key', description: 'an OpenAI-style API key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}\b/, anchors: ['sk-'], blocksWrite: true },
  { id: 'aws-access-key', description: 'an AWS access key', pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, anchors: ['A3T', 'AKIA', 'ASIA', 'ABIA', 'ACCA'], blocksWrite: true },
  {
    id: 'aws-secret-key',
    description: 'an AWS secret access key',
    pattern: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
    blocksWrite: true,
  },
  { id: 'slack-token', description: 'a Slack token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/, anchors: ['xox'], blocksWrite: true },
  { id: 'slack-webhook', description: 'a Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_/]{20,}/, anchors: ['hooks.slack.com'], blocksWrite: true },
  { id: 'google-api-key', description: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, anchors: ['AIza'], blocksWrite: true },
  { id: 'stripe-key', description: 'a Stripe secret key', pattern: /\b[sr]k_(?:live|test|prod)_[0-9A-Za-z]{20,}\b/, anchors: ['k_live_', 'k_test_', 'k_prod_'], blocksWrite: true },
  { id: 'npm-token', description: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/, anchors: ['npm_'], blocksWrite: true },
  { id: 'sendgrid-key', description: 'a SendGrid API key', pattern: /\bSG\.[\w-]{22}\.[\w-]{43}\b/, anchors: ['SG.'], blocksWrite: true },
  { id: 'huggingface-token', description: 'a Hugging Face token', pattern: /\bhf_[A-Za-z]{34}\b/, anchors: ['hf_'], blocksWrite: true },
  // Generated tests carry sample JWTs and connection strings: redacted in output, not refused in code.
  { id: 'jwt', description: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, anchors: ['eyJ'], blocksWrite: false },
  {
    id: 'url-password',
    description: 'a password in a URL',
    // scheme://user:PASSWORD@host — the password only (a placeholder that is already redacted is left alone).
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"]{1,100}:(?<secret>[^\s@/'"[\]]{3,200})@/i,
    anchors: ['://'],
    blocksWrite: false,
  },
];

/** The shapes found in a line of text (each at most once). */
export function shapesIn(text: string, shapes: readonly TokenShape[] = TOKEN_SHAPES): TokenShape[] {
  return shapes.filter((shape) => (!shape.anchors || shape.anchors.some((a) => text.includes(a))) && shape.pattern.test(text));
}
