/**
 * The environment a test process sees: the user's, less anything that can authenticate
 * (API keys, tokens, passwords, credential helpers, agent sockets) and less the variables of a
 * test runner Deploy Agent itself may be running under, which would change how the child reports.
 */

/** A name segment that marks a credential: FOO_KEY, GITHUB_TOKEN, DB_PASSWORD, SECRET_KEY_BASE, SSH_AUTH_SOCK … */
const SECRET_SEGMENT = /(^|_)(KEY|KEYS|TOKEN|TOKENS|SECRET|SECRETS|PASSWORD|PASSWD|PASS|CREDENTIAL|CREDENTIALS|APIKEY|AUTH|AUTHTOKEN|PRIVATE)(_|$)/i;
const SECRET_NAMES = new Set(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'GH_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'GIT_ASKPASS', 'SSH_ASKPASS', 'SUDO_ASKPASS', 'GPG_AGENT_INFO']);
/** npm reads registry credentials from `npm_config_//host/:_authToken` and the like. */
const NPM_AUTH = /^npm_config_.*(_auth|_authtoken|_password)$/i;
/** VS Code's git credential helpers and their IPC handles. */
const ASKPASS = /(^|_)ASKPASS(_|$)|^VSCODE_GIT_IPC_HANDLE$/i;
/** Set by a test runner for its own children: inherited, they make the child report to the wrong parent. */
const RUNNER_STATE = /^(NODE_TEST_CONTEXT|NODE_V8_COVERAGE|JEST_WORKER_ID|VITEST|VITEST_.+|PYTEST_CURRENT_TEST|PYTEST_XDIST_.+|MOCHA_.+)$/;
/** A connection string with a password in it (postgres://user:secret@host/db). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s]+@/i;

export function isSecretVariable(name: string, value = ''): boolean {
  return SECRET_NAMES.has(name.toUpperCase()) || SECRET_SEGMENT.test(name) || NPM_AUTH.test(name) || ASKPASS.test(name) || URL_WITH_PASSWORD.test(value);
}

/** The environment without credentials (see the patterns above); a copy, the input is not changed. */
export function scrubEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || isSecretVariable(key, value)) continue;
    clean[key] = value;
  }
  return clean;
}

/** The scrubbed environment plus what makes every runner quiet, colourless and non-interactive. */
export function testEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = scrubEnv(env);
  for (const key of Object.keys(clean)) if (RUNNER_STATE.test(key)) delete clean[key];
  return { ...clean, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', CARGO_TERM_COLOR: 'never' };
}
