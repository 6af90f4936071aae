import { resolveConfig, type ResolvedConfig } from '../../../src/core/config/resolve';
import { createModelRouter, type ModelRouter, type ModelRouterOptions } from '../../../src/core/ai';
import { FakeAnthropic } from '../../support/fake-anthropic';
import { FakeOllama, type FakeOllamaModel } from '../../support/fake-ollama';

export interface Fakes {
  ollama: FakeOllama;
  anthropic: FakeAnthropic;
  close(): Promise<void>;
}

export async function startFakes(options: { models?: FakeOllamaModel[]; apiKey?: string } = {}): Promise<Fakes> {
  const ollama = new FakeOllama({ models: options.models });
  const anthropic = new FakeAnthropic({ apiKey: options.apiKey });
  await Promise.all([ollama.listen(), anthropic.listen()]);
  return { ollama, anthropic, close: async () => void (await Promise.all([ollama.close(), anthropic.close()])) };
}

export function testConfig(fakes: Fakes | undefined, overrides: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig({
    editor: {
      ...(fakes ? { 'ollama.host': fakes.ollama.url, 'anthropic.baseUrl': fakes.anthropic.url } : {}),
      'ai.retries': 2,
      'ai.requestTimeoutSeconds': 5,
      ...overrides,
    },
  });
}

/** A router against the fakes, with short backoff so retries do not slow the tests. */
export function testRouter(fakes: Fakes, options: Partial<ModelRouterOptions> & { overrides?: Record<string, unknown>; withKey?: boolean } = {}): ModelRouter {
  const { overrides, withKey = true, ...rest } = options;
  return createModelRouter({
    config: testConfig(fakes, overrides),
    env: {},
    secrets: { anthropicApiKey: async () => (withKey ? fakes.anthropic.apiKey : undefined) },
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 50,
    ...rest,
  });
}
