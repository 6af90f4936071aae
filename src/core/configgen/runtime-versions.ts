import type { ProjectProfile } from '../analysis/types';
import type { Choice, Unknown } from './types';

/**
 * The version each runtime is assumed to be when a project declares none: the current long-term
 * release line of each, pinned. An assumption is always shown as one (a choice with low confidence
 * and an unknown that says how to declare the version), never as something the project said.
 */
export const ASSUMED_VERSIONS: Record<string, string> = {
  node: '22',
  bun: '1.1.34',
  deno: '2.1.4',
  python: '3.12',
  go: '1.23',
  rust: '1.82.0',
  java: '21',
  jvm: '21',
  ruby: '3.3',
  php: '8.3',
  dotnet: '8.0',
  elixir: '1.17',
};

/** Where each runtime's version is declared, for the hint of an assumed one. */
const DECLARE: Record<string, string> = {
  node: 'a .nvmrc (e.g. 22.12.0) or "engines": { "node": ">=22" } in package.json',
  bun: 'a "packageManager": "bun@1.1.34" in package.json',
  deno: 'a .dvmrc (e.g. 2.1.4)',
  python: 'a .python-version (e.g. 3.12.7) or requires-python in pyproject.toml',
  go: 'the go directive of go.mod',
  rust: 'rust-version in Cargo.toml or a rust-toolchain.toml',
  java: '<java.version> in pom.xml or a Gradle toolchain',
  jvm: 'a Gradle toolchain or a .java-version',
  ruby: 'a .ruby-version or ruby "…" in the Gemfile',
  php: '"php": "^8.3" in composer.json\'s require',
  dotnet: '<TargetFramework> in the project file',
  elixir: 'elixir: "~> 1.17" in mix.exs',
};

export interface RuntimeVersion {
  name: string;
  /** As declared (`20`, `3.12.3`, `1.22`) or assumed. */
  version: string;
  assumed: boolean;
}

/** The runtime version the generated files pin, recorded as a choice (and an unknown when assumed). */
export function runtimeVersion(profile: ProjectProfile, choices: Choice[], unknowns: Unknown[], name = profile.runtime?.name): RuntimeVersion | undefined {
  if (!name) return undefined;
  const declared = profile.runtime?.name === name ? usable(name, profile.runtime.version) : undefined;
  const evidence = profile.detections.runtime?.evidence ?? [];
  if (declared) {
    choices.push({ what: `${name} version`, value: declared, evidence, reason: `the version the project declares (${evidence.join(', ') || 'its manifest'})`, confidence: profile.detections.runtime?.confidence ?? 0.8 });
    return { name, version: declared, assumed: false };
  }
  const assumed = ASSUMED_VERSIONS[name];
  if (!assumed) return undefined;
  choices.push({ what: `${name} version`, value: assumed, evidence: [], reason: `assumed: the project declares no ${name} version (${assumed} is the current long-term line)`, confidence: 0.4 });
  unknowns.push({ what: `${name} version`, why: `the project declares none; ${assumed} is assumed`, hint: `Declare it with ${DECLARE[name] ?? 'its version file'}, then generate again.` });
  return { name, version: assumed, assumed: true };
}

/** A declared version as an image tag can carry it: numbers only, a channel (`stable`) or a range's floor as it was cleaned. */
function usable(name: string, version: string | null): string | undefined {
  if (!version || !/^\d+(\.\d+){0,2}$/.test(version)) return undefined;
  if (name === 'java' || name === 'jvm') return version.startsWith('1.') ? version.split('.')[1] : version.split('.')[0];
  if (name === 'dotnet') return /^\d+\.\d+$/.test(version) ? version : `${version.split('.')[0]}.0`;
  return version;
}

/**
 * The versions a CI matrix runs: what the manifest declares as supported (`>=20` → the maintained
 * lines from 20 on; `^18 || ^20` → 18 and 20), else the one pinned or assumed version.
 */
export function supportedVersions(name: string, declaredRange: string | undefined, pinned: RuntimeVersion): { versions: string[]; reason: string } {
  const lines: Record<string, string[]> = { node: ['18', '20', '22'], python: ['3.9', '3.10', '3.11', '3.12', '3.13'] };
  const known = lines[name];
  if (known && declaredRange && !/^\s*\d+(\.\d+){0,2}\s*$/.test(declaredRange)) {
    const matching = known.filter((v) => satisfies(v, declaredRange));
    if (matching.length) return { versions: matching, reason: `the maintained ${name} lines that satisfy ${declaredRange}` };
  }
  return { versions: [pinned.version], reason: pinned.assumed ? `the assumed ${name} ${pinned.version}` : `the ${name} version the project pins` };
}

/** Enough of a version range for the usual manifests: `>=3.11`, `^20`, `~3.12`, `>=18 <21`, `^18 || ^20`, `3.11.*`. */
export function satisfies(version: string, range: string): boolean {
  const v = parts(version);
  return range.split('||').some((alternative) => {
    const terms = alternative.trim().split(/[\s,]+/).filter(Boolean);
    return terms.length > 0 && terms.every((term) => {
      const m = /^(>=|<=|>|<|==|=|\^|~=|~)?\s*v?(\d+(?:\.\d+)*)(\.\*)?$/.exec(term);
      if (!m) return true;
      const op = m[1] ?? '=';
      const bound = parts(m[2]!);
      const cmp = compare(v, bound);
      switch (op) {
        case '>=': return cmp >= 0;
        case '>': return cmp > 0;
        case '<=': return cmp <= 0;
        case '<': return cmp < 0;
        case '^': return cmp >= 0 && v[0] === bound[0];
        case '~':
        case '~=': return cmp >= 0 && v[0] === bound[0] && (bound.length < 2 || v[1] === bound[1] || op === '~=');
        default: return bound.every((n, i) => v[i] === n);
      }
    });
  });
}

function parts(version: string): number[] {
  return version.split('.').map((n) => Number(n));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
