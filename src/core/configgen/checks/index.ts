import type { Redactor } from '../../security/redactor';
import type { CheckReport, GeneratedFile } from '../types';
import { checkDockerfile } from './dockerfile';
import { checkDockerignore, checkEnvExample, checkJenkinsfile, checkTarget } from './other-files';
import { checkNoSecrets } from './secrets';
import { checkCompose, checkGitlabCi, checkWorkflow, parseYaml } from './yaml-files';

export { repositorySecrets } from './secrets';

/** Which check a file gets, by its path (a file no check knows still gets the secret check, and YAML its parser). */
async function checksFor(file: GeneratedFile, all: readonly GeneratedFile[]): Promise<{ ran: string[]; problems: CheckReport['problems'] }> {
  const base = file.path.split('/').pop()!;
  if (base === '.dockerignore') return checkDockerignore(file.path, file.content, all.find((f) => f.path === file.path.replace(/\.dockerignore$/, 'Dockerfile'))?.content);
  if (/^Dockerfile(\..+)?$|\.Dockerfile$|^Containerfile$/.test(base)) return checkDockerfile(file.path, file.content);
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(file.path)) return checkWorkflow(file.path, file.content);
  if (base === '.gitlab-ci.yml') return checkGitlabCi(file.path, file.content);
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(base)) return checkCompose(file.path, file.content);
  if (base === 'Jenkinsfile') return checkJenkinsfile(file.path, file.content);
  if (/^\.env\.(example|sample|template)$/.test(base)) return checkEnvExample(file.path, file.content);
  if (file.path === '.deploy-agent/config.json') return checkTarget(file.path, file.content);
  if (/\.ya?ml$/.test(base)) {
    const problems: CheckReport['problems'] = [];
    parseYaml(file.path, file.content, problems);
    return { ran: ['yaml'], problems };
  }
  return { ran: [], problems: [] };
}

/**
 * The checks of every generated (or model-adapted) deployment file: its parser or linter, and for
 * every file that no secret of the repository and no token is in it.
 */
export async function checkGeneratedFiles(files: readonly GeneratedFile[], secrets: Redactor): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const file of files) {
    const own = await checksFor(file, files);
    const secret = checkNoSecrets(file.path, file.content, secrets);
    reports.push({ file: file.path, ran: [...own.ran, ...secret.ran], problems: [...own.problems, ...secret.problems] });
  }
  return reports;
}

/** The problems as lines a person (or the model, in a repair round) reads: `file:line: [rule] message`. */
export function formatProblems(reports: readonly CheckReport[]): string {
  return reports
    .flatMap((r) => r.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: [${p.rule}] ${p.message}`))
    .join('\n');
}
