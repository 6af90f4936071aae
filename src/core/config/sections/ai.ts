import type { SettingSpec } from '../setting';

const phaseModels = (provider: string, example: string): SettingSpec['schema'] => ({
  type: 'object',
  default: {},
  description: `Model per agent phase for ${provider}, overriding the default model, e.g. \`{ "tests": "${example}" }\`.`,
  properties: { implement: { type: 'string' }, tests: { type: 'string' }, fix: { type: 'string' } },
  additionalProperties: false,
});

/** Settings of src/core/ai (owned by that area). Run `npm run sync:settings` after a change. */
export const aiSettings: SettingSpec[] = [
  {
    key: 'ai.providers',
    env: 'DEPLOY_AGENT_AI_PROVIDERS',
    schema: {
      type: 'array',
      default: ['ollama', 'anthropic'],
      items: { type: 'string', enum: ['ollama', 'anthropic'] },
      description: 'Model providers in the order they are tried: the first reachable one serves a phase, the next is the fallback and the escalation target. Local first by default.',
    },
  },
  {
    key: 'ollama.host',
    env: 'OLLAMA_HOST',
    // machine-overridable, not machine: in a remote window (code-server, SSH) a machine setting is
    // shown only under Remote, never in the User settings where people look for it. A workspace can
    // set it too — as .deploy-agent/config.json always could; docs/editor.md says why that is fine.
    scope: 'machine-overridable',
    schema: { type: 'string', default: 'http://127.0.0.1:11434', description: 'Address of the Ollama server.' },
  },
  {
    key: 'ollama.model',
    env: 'DEPLOY_AGENT_OLLAMA_MODEL',
    schema: { type: 'string', default: 'qwen2.5-coder:7b', description: 'Ollama model used by every phase unless `ollama.phaseModels` names another. It should support tool calling.' },
  },
  { key: 'ollama.phaseModels', schema: phaseModels('Ollama', 'qwen2.5-coder:14b') },
  {
    key: 'ollama.maxContextTokens',
    schema: {
      type: 'integer',
      default: 32768,
      minimum: 2048,
      description:
        'Upper bound for `num_ctx` (the context Ollama allocates). A deployment chooses one size per model at its start — 8k, 16k, 32k, 64k or 128k, what the prompt and the conversation need, up to this and the model\'s own limit, or the size of the model already loaded when that fits — and keeps it, because Ollama reloads the model whenever `num_ctx` changes; it grows only when the conversation does not fit even with old tool output elided.',
    },
  },
  {
    key: 'ollama.keepAlive',
    env: 'DEPLOY_AGENT_OLLAMA_KEEP_ALIVE',
    schema: {
      type: 'string',
      default: '30m',
      pattern: '^-?([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$|^-?[0-9]+$',
      description:
        'How long Ollama keeps the model loaded after each request (`keep_alive`, e.g. `30m`, `1h`; `-1` until Ollama stops). Long enough to span the test runs between phases and repair rounds, so a deployment loads its model once.',
    },
  },
  {
    key: 'anthropic.model',
    env: 'DEPLOY_AGENT_ANTHROPIC_MODEL',
    schema: { type: 'string', default: 'claude-sonnet-4-6', description: 'Anthropic model used by every phase unless `anthropic.phaseModels` names another.' },
  },
  { key: 'anthropic.phaseModels', schema: phaseModels('Anthropic', 'claude-haiku-4-5') },
  {
    key: 'anthropic.baseUrl',
    env: 'ANTHROPIC_BASE_URL',
    scope: 'machine',
    schema: { type: 'string', default: '', description: 'Base URL of the Anthropic API; empty means the official endpoint. The API key is kept in the secret store (VS Code) or ANTHROPIC_API_KEY (CLI), never in settings.' },
  },
  {
    key: 'ai.prices',
    schema: {
      type: 'object',
      default: {
        'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 },
        'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 },
        'claude-opus-4-6': { inputPerMTok: 5, outputPerMTok: 25, cacheWritePerMTok: 6.25, cacheReadPerMTok: 0.5 },
        'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cacheWritePerMTok: 1.25, cacheReadPerMTok: 0.1 },
      },
      additionalProperties: {
        type: 'object',
        properties: {
          inputPerMTok: { type: 'number', minimum: 0 },
          outputPerMTok: { type: 'number', minimum: 0 },
          cacheWritePerMTok: { type: 'number', minimum: 0 },
          cacheReadPerMTok: { type: 'number', minimum: 0 },
        },
        required: ['inputPerMTok', 'outputPerMTok'],
        additionalProperties: false,
      },
      description:
        'Price per million tokens (USD) by model name, for cost accounting and budgets (defaults are list prices at release; adjust to your contract). Input written to the prompt cache costs `cacheWritePerMTok` (default 1.25 × input), input read from it `cacheReadPerMTok` (default 0.1 × input). Models not listed (local Ollama models) cost nothing.',
    },
  },
  {
    key: 'ai.temperature',
    schema: { type: 'number', default: 0, minimum: 0, maximum: 1, description: 'Sampling temperature. Only temperature-0 calls are answered from the response cache.' },
  },
  {
    key: 'ai.cacheTtlSeconds',
    schema: { type: 'integer', default: 86400, minimum: 0, description: 'How long a cached model response (temperature 0 only) stays valid; 0 turns the cache off.' },
  },
  {
    key: 'ai.maxOutputTokens',
    schema: { type: 'integer', default: 4096, minimum: 256, description: 'Most tokens the model may produce per turn.' },
  },
  {
    key: 'ai.phase.maxTurns',
    schema: { type: 'integer', default: 30, minimum: 1, description: 'Most model turns in one phase.' },
  },
  {
    key: 'ai.phase.maxTokens',
    schema: { type: 'integer', default: 400000, minimum: 1000, description: 'Most tokens (input + output) one phase may use.' },
  },
  {
    key: 'ai.phase.timeLimitSeconds',
    schema: { type: 'integer', default: 900, minimum: 1, description: 'Wall-clock limit for one phase.' },
  },
  {
    key: 'ai.requestTimeoutSeconds',
    schema: { type: 'integer', default: 180, minimum: 1, description: 'Limit for one model request (a request that runs over is retried as a transient failure).' },
  },
  {
    key: 'ai.retries',
    schema: { type: 'integer', default: 3, minimum: 0, maximum: 10, description: 'Retries of a model request on transient errors (429, 5xx, connection reset, timeouts) before falling back to the next provider.' },
  },
  {
    key: 'ai.maxWriteBytes',
    env: 'DEPLOY_AGENT_AI_MAX_WRITE_BYTES',
    schema: {
      type: 'integer',
      default: 1048576,
      minimum: 1024,
      description: 'Largest file (in bytes) the model may write or produce with an edit in one tool call; a larger one is refused with a message the model sees. Keeps a runaway answer from filling the disk and the history database.',
    },
  },
  {
    key: 'ai.maxRetryWaitSeconds',
    env: 'DEPLOY_AGENT_AI_MAX_RETRY_WAIT_SECONDS',
    schema: {
      type: 'integer',
      default: 60,
      minimum: 0,
      maximum: 3600,
      description: 'Longest wait a provider may ask for (HTTP Retry-After, from Anthropic or Ollama) before a request is retried. A longer wait is not taken: the phase falls back to the next provider, or fails saying how long the provider asked to wait.',
    },
  },
  {
    key: 'ai.budget.maxTurns',
    schema: { type: 'integer', default: 80, minimum: 1, description: 'Most model turns per deployment, across its phases.' },
  },
  {
    key: 'ai.budget.maxTokens',
    schema: { type: 'integer', default: 1500000, minimum: 1000, description: 'Most tokens (input + output) per deployment.' },
  },
  {
    key: 'ai.budget.maxCostUsd',
    schema: { type: 'number', default: 2, minimum: 0, description: 'Most a deployment may spend on paid models (USD, from `ai.prices`).' },
  },
  {
    key: 'ai.escalation',
    schema: {
      type: 'boolean',
      default: true,
      description: 'When a phase fails on a local model in a measurable way (repeated malformed tool calls, edits that do not match, a prompt that does not fit), retry it on the next provider.',
    },
  },
  {
    key: 'ai.maxMalformedToolCalls',
    schema: { type: 'integer', default: 3, minimum: 0, description: 'Malformed tool calls answered with an error before the phase fails.' },
  },
];
