import type { SettingSpec } from '../setting';

const command = (description: string) => ({ type: 'string', minLength: 1, description });

/** One release target (src/core/release/targets.ts resolves it: defaults from the project profile, `~` expanded). */
const TARGET_SCHEMA = {
  type: 'object',
  required: ['type', 'path'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['ssh', 'local'], description: '`ssh`: Linux servers reached over SSH; `local`: a folder on this machine, the application run as a supervised local process.' },
    hosts: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'SSH: the servers (`name` or `name:port`), released in batches.' },
    user: { type: 'string', minLength: 1, description: 'SSH: the user to log in as (default: yours).' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'SSH: the port (default 22).' },
    identityFile: { type: 'string', minLength: 1, description: 'SSH: the private key file (default: the SSH agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa).' },
    knownHosts: { type: 'string', minLength: 1, description: 'SSH: the known_hosts file that verifies the host keys (default ~/.ssh/known_hosts).' },
    hostKeys: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'SSH: host keys trusted for this target in addition to known_hosts (`ssh-ed25519 AAAA…` or a `SHA256:…` fingerprint).' },
    path: { type: 'string', minLength: 1, description: 'The folder on the target that holds releases/, shared/ and the current symlink.' },
    environment: { type: 'string', minLength: 1, description: 'The environment this target is (production, staging, …): the strategy and the analytics use it.' },
    keepReleases: { type: 'integer', minimum: 1, maximum: 100, description: 'How many releases are kept for rollback (default 5).' },
    shared: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Files and folders (trailing `/`) kept in shared/ on the target and linked into every release: secrets and data live there, never sent from this machine.' },
    steps: {
      type: 'object',
      additionalProperties: false,
      properties: {
        install: command('Installs the dependencies in the release (default from the project: e.g. `npm ci --omit=dev`).'),
        build: command('Builds the release (default: the project\'s build script, if any).'),
        migrate: command('Migrates the database (default: none).'),
      },
      description: 'Commands run in the new release on the target, in order.',
    },
    start: command('Starts the application; Deploy Agent supervises it (one process group per target, restarted when it exits). Default: the project\'s start command.'),
    restart: command('Restarts the application with your own service manager instead (e.g. `systemctl --user restart app`); wins over `start`.'),
    appPort: { type: 'integer', minimum: 1, maximum: 65535, description: 'The port the application listens on (default: from the health check URL or the project).' },
    healthCheck: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^https?://', description: 'Asked on the target (through the SSH connection for ssh targets).' },
        expectStatus: { type: 'integer', minimum: 100, maximum: 599, description: 'Default 200.' },
        expectBody: { type: 'string', description: 'Text the response must contain.' },
        timeoutMs: { type: 'integer', minimum: 100, description: 'How long to keep retrying (with backoff) before the release fails (default 30000).' },
      },
    },
    watch: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minutes: { type: 'number', minimum: 0, description: 'Keep checking this long after the switch (default: by strategy — conservative 5, balanced 2, aggressive 0).' },
        intervalMs: { type: 'integer', minimum: 100, description: 'Time between checks (default 5000).' },
        metrics: {
          type: 'object',
          additionalProperties: false,
          properties: {
            command: command('Prints JSON `{ "errorRate": 0.01, "latencyMs": 120 }` on the target.'),
            url: { type: 'string', pattern: '^https?://', description: 'Answers the same JSON (asked on the target).' },
            maxErrorRateIncrease: { type: 'number', minimum: 0, description: 'A breach: the error rate rises by more than this over the previous release\'s (default 0.05).' },
            maxLatencyRatio: { type: 'number', minimum: 1, description: 'A breach: latency above this multiple of the previous release\'s (default 1.5).' },
          },
        },
      },
    },
    batchSize: { type: 'integer', minimum: 1, description: 'Hosts switched at a time (default: by strategy — conservative 1, balanced half, aggressive all).' },
    commandTimeoutMs: { type: 'integer', minimum: 1000, description: 'Time limit of each command on the target (default 600000).' },
    minFreeMb: { type: 'integer', minimum: 0, description: 'Preflight: free disk space the target needs (default 200).' },
  },
} as const;

/** Settings of src/core/release (owned by that area). Run `npm run sync:settings` after a change. */
export const releaseSettings: SettingSpec[] = [
  {
    key: 'targets',
    scope: 'resource',
    schema: {
      type: 'object',
      default: {},
      additionalProperties: TARGET_SCHEMA as unknown as Record<string, unknown>,
      description:
        'Where `deploy-agent release --target NAME` puts the application: `{ "staging": { "type": "ssh", "hosts": ["10.0.0.5"], "user": "deploy", "path": "/srv/app", "environment": "staging", "shared": [".env"], "healthCheck": { "url": "http://127.0.0.1:3000/health" } } }`. A `local` target is a folder on this machine. See docs/release.md.',
    },
  },
];
