/**
 * A recommendation: one unit of change described in words. The JSON Schema that validates it
 * (and gives IntelliSense in VS Code) lives beside this file; these types mirror it.
 */
export type RecommendationCategory =
  | 'feature'
  | 'refactor'
  | 'test'
  | 'fix'
  | 'deployment-config'
  | 'ci'
  | 'documentation'
  | 'performance'
  | 'security'
  | 'dependency'
  | 'other';

export type RecommendationPriority = 'low' | 'medium' | 'high' | 'critical';

export interface Recommendation {
  title: string;
  description: string;
  id?: string;
  category?: RecommendationCategory;
  source?: { book?: string; chapter?: string; url?: string };
  acceptanceCriteria?: string[];
  dataRequirements?: { tables?: string[]; features?: string[] };
  integrationPoints?: { existingSystems?: string[]; dependencies?: string[] };
  targetFiles?: string[];
  priority?: RecommendationPriority;
}
