// "Before the model runs": core's previewDeployment (strategy decision, environment, ranked
// integration points), translated for the panel.
import type { DeploymentPreview } from '../../core/pipeline/preview';
import type { PreviewView } from '../../protocol/panel';

export function previewView(file: string, preview: DeploymentPreview): PreviewView {
  const s = preview.strategy;
  return {
    file,
    title: preview.recommendation.title,
    description: preview.recommendation.description,
    acceptanceCriteria: preview.recommendation.acceptanceCriteria ?? [],
    strategy: {
      requested: s.requested,
      chosen: s.chosen,
      basis: s.basis,
      predictions: Object.entries(s.probabilities)
        .map(([strategy, probability]) => ({ strategy, probability: probability ?? 0 }))
        .sort((a, b) => b.probability - a.probability),
      successBar: s.successBar,
      reasons: s.reasons,
      levers: { repairRounds: s.levers.repairRounds, testScope: s.levers.testScope, draftPr: s.levers.draftPr, timeLimitMs: s.levers.timeLimitMs, typecheckGate: Boolean(s.levers.typecheckGate), lintGate: Boolean(s.levers.lintGate) },
      samples: s.samples,
      ...(s.blocked ? { blocked: s.blocked.message } : {}),
    },
    environment: {
      name: preview.environment.environment,
      confidence: preview.environment.confidence,
      evidence: preview.environment.evidence.map((e) => ({ source: e.source, value: e.value, suggests: e.suggests, ...(e.applied === false ? { applied: false, ...(e.note ? { note: e.note } : {}) } : {}) })),
    },
    integrationPoints: preview.integrationPoints.map((p) => ({ path: p.path, symbols: p.symbols, why: p.why, ...(p.score !== undefined ? { score: p.score } : {}) })),
    ...(preview.suggestedLocations ? { suggestedLocations: preview.suggestedLocations } : {}),
    warnings: [...preview.warnings, ...preview.missingDependencies.map((d) => `Missing ${d.ecosystem} dependency ${d.name}: ${d.reason}`)],
    dataGaps: preview.dataGaps,
    durationMs: preview.durationMs,
  };
}
