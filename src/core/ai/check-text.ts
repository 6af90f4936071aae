import type { ProvidersCheck } from './types';

/**
 * `deploy-agent ai check` and "Deploy Agent: Check Model Providers" (its output channel) in words:
 * per provider its state, why, the fix and the model of each phase, each on a line of its own, so
 * a fix that ends with a full stop is never run on into the phase list.
 */
export function formatProvidersCheck(check: ProvidersCheck): string {
  const lines: string[] = [];
  for (const p of check.providers) {
    const title = p.provider === 'ollama' ? 'Ollama' : 'Anthropic';
    const state = !p.configured ? 'not configured' : p.reachable ? `reachable${p.version ? `, version ${p.version}` : ''}` : 'unreachable';
    lines.push(`${title}: ${state}`);
    if (p.reason) lines.push(`  why:    ${p.reason}`);
    if (p.hint) lines.push(`  fix:    ${p.hint}`);
    if (p.models) lines.push(`  models: ${p.models.length ? p.models.join(', ') : '(none)'}`);
    for (const [phase, s] of Object.entries(p.phases)) {
      const details = s.ready ? `ready${s.contextLength ? `, context ${s.contextLength}` : ''}${s.supportsTools ? ', tools' : ', text protocol (no tool support)'}` : `not ready${s.problem ? `: ${s.problem}` : ''}`;
      lines.push(`  ${phase.padEnd(9)} ${s.model} — ${details}`);
    }
    lines.push('');
  }
  lines.push(check.ok ? 'At least one provider can serve every phase.' : 'No provider can serve every phase yet; see the fixes above.');
  return lines.join('\n') + '\n';
}
