import { DeployAgentError } from '../errors';
import { estimateTokens } from './cost';
import { renderRepoMap } from './repo-map';
import { requirementTag } from '../report/requirements';
import { TEXT_PROTOCOL_INSTRUCTIONS } from './text-fallback';
import type { AgentPhase, PhaseContext } from './types';

export interface PhasePrompt {
  system: string;
  user: string;
  estimatedTokens: number;
  /** Sections shortened or left out to fit, in the order it happened. */
  shrunk: string[];
}

export interface PromptOptions {
  /** Tokens the system prompt + first message may take (the model's context minus the answer's room). */
  maxPromptTokens: number;
  /** false: the model has no native tool calling; the text protocol goes into the system prompt. */
  nativeTools: boolean;
}

const ROLE: Record<AgentPhase, string> = {
  implement:
    'You implement a change in a software repository. Explore only what you need (list_files, read_file, search), then make the change with write_file / edit_file, following the project\'s conventions. Do not write tests in this phase. Keep changes focused; never hard-code credentials. Call finish with a short summary when done.',
  tests:
    'You write automated tests for a change that was just implemented in this repository. Use the project\'s test framework and conventions, modelled on the example test. Cover every acceptance criterion, and start the name of each test with the tag of the criterion it checks (e.g. "[AC2] …"; as a test function name test_ac2_… or TestAC2…): the review counts a criterion as tested only when a test carrying its tag ran. Put test files where the framework finds them. Do not change the implementation unless a test cannot be written otherwise. Call finish with a summary listing the test files.',
  fix: 'A change in this repository fails its tests, or the type check or linter on the files it wrote. Find the cause from the failing output, then fix it with the smallest change (in the implementation or, if the test itself is wrong, in the test). Do not delete or skip tests, or silence the type checker or linter, to make them pass. Call finish with a summary of the fix.',
};

const RULES = 'Paths are relative to the workspace root. Each tool call stands alone; an edit that fails is reported and the others still apply. Work in few turns: batch independent tool calls.';

/** The system prompt; its first line names the phase (logs, caches and test doubles rely on it). */
export function systemPrompt(phase: AgentPhase, nativeTools: boolean): string {
  return [`deploy-agent phase: ${phase}`, '', ROLE[phase], RULES, ...(nativeTools ? [] : ['', TEXT_PROTOCOL_INSTRUCTIONS])].join('\n');
}

interface Section {
  title: string;
  text: string;
  /** Essential sections are never shortened; the prompt fails to fit without them. */
  essential?: boolean;
  /** Cut to at most this share of what is left (tail kept for logs, head otherwise). */
  keep?: 'head' | 'tail';
}

/**
 * The phase's first message, from the caller's context as data. Sections come in the
 * phase's order of importance; when the prompt would not fit, the repository map shrinks
 * first, then the other optional sections are shortened, from the least important. When even
 * the essential sections do not fit, a `CONTEXT_TOO_SMALL` error says by how much.
 */
export function buildPhasePrompt(phase: AgentPhase, context: PhaseContext, options: PromptOptions): PhasePrompt {
  const system = systemPrompt(phase, options.nativeTools);
  const sections = sectionsFor(phase, context);
  const shrunk: string[] = [];
  const mapFiles = typeof context.repoMap === 'object' ? context.repoMap.files : undefined;
  const mapText = typeof context.repoMap === 'string' ? context.repoMap : undefined;

  const frame = (s: Section) => `## ${s.title}\n${s.text}`;
  let budget = options.maxPromptTokens - estimateTokens(system) - 16;
  const essentials = sections.filter((s) => s.essential);
  const essentialTokens = essentials.reduce((n, s) => n + estimateTokens(frame(s)) + 1, 0);
  if (essentialTokens > budget) {
    throw new DeployAgentError(
      'CONTEXT_TOO_SMALL',
      `The ${phase} prompt needs about ${essentialTokens + estimateTokens(system)} tokens but the model's context leaves room for ${options.maxPromptTokens}.`,
      'Use a model with a larger context (deployAgent.ollama.maxContextTokens, or a cloud model), or shorten the recommendation.',
      { details: { phase, needed: essentialTokens + estimateTokens(system), available: options.maxPromptTokens } },
    );
  }
  budget -= essentialTokens;

  // Optional sections in order of importance; each gets what it needs while room remains.
  const chosen = new Map<Section, string>();
  for (const section of sections) {
    if (section.essential) continue;
    const full = frame(section);
    const need = estimateTokens(full) + 1;
    if (need <= budget) {
      chosen.set(section, full);
      budget -= need;
    } else if (budget > 200) {
      const chars = (budget - 40) * 4;
      const body = section.keep === 'tail' ? `…\n${section.text.slice(-chars)}` : `${section.text.slice(0, chars)}\n…`;
      chosen.set(section, `## ${section.title} (shortened)\n${body}`);
      budget -= estimateTokens(chosen.get(section)!) + 1;
      shrunk.push(section.title);
    } else {
      shrunk.push(section.title);
    }
  }

  // The repository map last: it takes whatever room is left, rendered to fit.
  let map = '';
  if (mapFiles || mapText) {
    const room = budget - 20;
    if (mapFiles) {
      map = renderRepoMap(mapFiles, room);
      const fullSize = estimateTokens(renderRepoMap(mapFiles, Number.MAX_SAFE_INTEGER));
      if (fullSize > room) shrunk.unshift('Repository map');
    } else if (mapText) {
      if (estimateTokens(mapText) <= room) map = mapText;
      else {
        map = room > 50 ? `${mapText.slice(0, room * 4)}\n…` : '';
        shrunk.unshift('Repository map');
      }
    }
  }

  const parts: string[] = [];
  for (const section of sections) {
    if (section.essential) parts.push(frame(section));
    else if (chosen.has(section)) parts.push(chosen.get(section)!);
  }
  if (map) parts.push(`## Repository map\n${map}`);
  parts.push(phase === 'fix' ? 'Fix the failure now.' : phase === 'tests' ? 'Write the tests now.' : 'Implement the change now.');
  const user = parts.join('\n\n');
  return { system, user, estimatedTokens: estimateTokens(system) + estimateTokens(user), shrunk };
}

function sectionsFor(phase: AgentPhase, c: PhaseContext): Section[] {
  const r = c.recommendation;
  // Tagged as the requirement table tags them (src/core/report/requirements.ts): tests name the criterion they check by its tag.
  const criteria = (r.acceptanceCriteria?.length ? r.acceptanceCriteria : [r.title]).map((a, i) => `- [${requirementTag(i)}] ${a}`).join('\n');
  const recommendation: Section = {
    title: 'Recommendation',
    essential: true,
    text: [
      `Title: ${r.title}`,
      r.category ? `Category: ${r.category}` : '',
      `Description: ${r.description}`,
      r.targetFiles?.length ? `Target files: ${r.targetFiles.join(', ')}` : '',
      r.integrationPoints?.existingSystems?.length ? `Existing systems: ${r.integrationPoints.existingSystems.join(', ')}` : '',
      r.integrationPoints?.dependencies?.length ? `Dependencies: ${r.integrationPoints.dependencies.join(', ')}` : '',
      r.dataRequirements?.tables?.length ? `Data tables: ${r.dataRequirements.tables.join(', ')}` : '',
      r.dataRequirements?.features?.length ? `Data features: ${r.dataRequirements.features.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  };
  const acceptance: Section = { title: 'Acceptance criteria', essential: true, text: criteria };
  const profile: Section | undefined = c.profile ? { title: 'Project profile', text: JSON.stringify(c.profile, null, 1) } : undefined;
  const added = c.userChoice?.addedFiles ?? [];
  const excluded = c.userChoice?.excludedIntegrationPoints ?? [];
  // The user's word on where the change goes outranks the analysis: never shortened.
  const choice: Section | undefined =
    added.length || excluded.length
      ? {
          title: "The user's choice of integration points",
          essential: true,
          text: [
            added.length ? `The user chose these files as places the change belongs; look at them first: ${added.join(', ')}.` : '',
            excluded.length ? `The user ruled out these places; do not change them unless nothing else can work: ${excluded.join(', ')}.` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        }
      : undefined;
  const conventions: Section | undefined = c.conventions?.length ? { title: 'Project conventions', text: c.conventions.map((x) => `- ${x}`).join('\n') } : undefined;
  const points: Section | undefined = c.integrationPoints?.length
    ? {
        title: 'Where the change likely belongs (ranked)',
        text: c.integrationPoints
          .map((p, i) => `${i + 1}. ${p.path}${p.symbols?.length ? ` [${p.symbols.join(', ')}]` : ''}${p.reason ? ` — ${p.reason}` : ''}`)
          .join('\n'),
      }
    : undefined;
  const changes: Section | undefined = c.changesSoFar
    ? {
        title: 'Changes so far',
        text:
          typeof c.changesSoFar === 'string'
            ? c.changesSoFar
            : c.changesSoFar.map((ch) => `- ${ch.path}${ch.summary ? `: ${ch.summary}` : ''}${ch.diff ? `\n${ch.diff}` : ''}`).join('\n'),
      }
    : undefined;
  const notes: Section | undefined = c.notes ? { title: 'Notes', text: c.notes } : undefined;
  const tf = c.testFramework;
  const framework: Section | undefined = tf
    ? {
        title: 'Test framework',
        essential: true,
        text: [`Framework: ${tf.name}`, tf.command ? `Run with: ${tf.command}` : '', ...(tf.conventions ?? []).map((x) => `- ${x}`)].filter(Boolean).join('\n'),
      }
    : undefined;
  const example: Section | undefined = tf?.exampleTest ? { title: `Example test from the repository (${tf.exampleTest.path})`, text: tf.exampleTest.content, keep: 'head' } : undefined;

  const list = (...xs: (Section | undefined)[]) => xs.filter((x): x is Section => x !== undefined);
  switch (phase) {
    case 'implement':
      return list(recommendation, acceptance, choice, points, conventions, profile, notes);
    case 'tests':
      return list(framework, example && { ...example, essential: estimateTokens(example.text) < 1500 }, acceptance, recommendation, choice, changes, conventions, profile, notes);
    case 'fix': {
      const failing: Section = { title: 'Failing test output', essential: true, text: tail(c.failingOutput ?? '(no output was captured)', 6000) };
      const pattern: Section | undefined = c.errorPattern
        ? {
            title: 'Known error pattern this matches',
            essential: true,
            text: [c.errorPattern.name ?? c.errorPattern.id ?? '', c.errorPattern.description, c.errorPattern.suggestion ? `Usual fix: ${c.errorPattern.suggestion}` : ''].filter(Boolean).join('\n'),
          }
        : undefined;
      return list(failing, pattern, choice, changes, { ...recommendation, essential: false }, { ...acceptance, essential: false }, framework && { ...framework, essential: false }, conventions, notes);
    }
  }
}

function tail(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `… (${text.length - maxChars} earlier characters left out)\n${text.slice(-maxChars)}`;
}
