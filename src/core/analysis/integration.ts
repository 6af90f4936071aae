import type { Recommendation } from '../recommendation/types';
import type { IntegrationOptions, IntegrationReport, ProjectProfile, StructureMap } from './types';

export async function analyzeIntegration(root: string, profile: ProjectProfile, recommendation: Recommendation, options: IntegrationOptions = {}): Promise<IntegrationReport> {
  void root;
  void profile;
  void recommendation;
  void options;
  throw new Error('not yet');
}

export function buildRepoMap(map: StructureMap, tokenBudget: number): string {
  void map;
  void tokenBudget;
  return '';
}
