// The machine set-up of `npm test` (its first step): the Debian packages the tests need beyond
// Node. Go (golang-go), pytest with pytest-cov, Flask and gunicorn for Debian's python3 (the test runner's
// integration tests, and the generated CI workflow run in the Flask fixture; a virtualenv with the system site-packages uses them, as a user's
// virtualenv would), bubblewrap (the confinement of model-written tests, gates and hooks) and
// openssh-server (the release tests start a real sshd on loopback). Idempotent: installed
// packages are only checked. Needs root (CI and the development machines run as root); without
// it nothing is installed, what is missing is printed, and the tests that need it are reported
// as skipped. The tests themselves never install anything.
// Usage: node scripts/test-toolchains.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { missingDebianPackages } from './code-server/install.mjs';
import { logger, run } from './code-server/util.mjs';

export const TEST_DEBIAN_PACKAGES = ['golang-go', 'python3-pytest-cov', 'python3-flask', 'python3-gunicorn', 'bubblewrap', 'openssh-server'];

/**
 * The unprivileged user the release tests log in as over SSH (test/support/sshd.ts), as a
 * release would log in as `deploy`: its login shell is /bin/sh, so a command over SSH costs what it
 * costs on a server (root's shell here reads a .bashrc that takes a third of a second per command).
 */
export const TEST_SSH_USER = 'deploy-agent-test';

/** Creates TEST_SSH_USER when missing (root only); returns why it could not, or undefined. */
export function ensureTestSshUser(log = logger('test-toolchains')) {
  try {
    execFileSync('id', ['-u', TEST_SSH_USER], { stdio: 'ignore' });
    return undefined;
  } catch {
    // missing: created below
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return `not root: create it with sudo useradd --system --create-home --shell /bin/sh ${TEST_SSH_USER}`;
  log(`creating the user ${TEST_SSH_USER} (the release tests log in as it over SSH)`);
  // Password `*` (no password can match it) rather than useradd's `!`: sshd without PAM refuses a locked account even for a key.
  execFileSync('useradd', ['--system', '--create-home', '--shell', '/bin/sh', '--password', '*', TEST_SSH_USER], { stdio: 'inherit' });
  return undefined;
}

/**
 * @returns {Promise<{ installed: string[], missing: string[], reason?: string }>}
 */
export async function ensureTestToolchains(log = logger('test-toolchains')) {
  const missing = missingDebianPackages(TEST_DEBIAN_PACKAGES);
  if (missing.length === 0) return { installed: [], missing: [] };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { installed: [], missing, reason: `not root: install them with sudo apt-get install -y ${missing.join(' ')}` };
  }
  if (!hasAptGet()) return { installed: [], missing, reason: 'apt-get is not available on this machine' };
  log(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  try {
    await run('apt-get', [...lockWait, 'install', '-y', '--no-install-recommends', ...missing], { env, log });
  } catch {
    // The package lists may be missing or stale on a fresh machine.
    await run('apt-get', [...lockWait, 'update'], { env, log });
    await run('apt-get', [...lockWait, 'install', '-y', '--no-install-recommends', ...missing], { env, log });
  }
  const still = missingDebianPackages(TEST_DEBIAN_PACKAGES);
  return { installed: missing.filter((p) => !still.includes(p)), missing: still, ...(still.length ? { reason: `apt-get did not install ${still.join(', ')}` } : {}) };
}

function hasAptGet() {
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await ensureTestToolchains();
  const userProblem = ensureTestSshUser();
  if (userProblem) process.stderr.write(`[test-toolchains] ${TEST_SSH_USER}: ${userProblem}\n`);
  process.stderr.write(`[test-toolchains] ${JSON.stringify(result)} in ${Date.now() - started} ms\n`);
  // Only a failed install as root is an error: elsewhere the tests that need a package skip, and say so.
  if (result.missing.length && !result.reason?.startsWith('not root')) process.exitCode = 1;
}
