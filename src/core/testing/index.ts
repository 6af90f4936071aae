/** src/core/testing: runs a project's tests in the sandbox and reads the results (see run-tests.ts). */
export { runTests, workersFor } from './run-tests';
export { chooseFramework, detectFromFiles, frameworkFromProfileName, type FrameworkChoice } from './detect';
export { scrubEnv, testEnv, isSecretVariable } from './env';
export { isTestFile, selectTests } from './scope';
export { runProcess, type ProcessResult } from './run-process';
export type * from './types';
export { runSandboxTests } from './pipeline-port';
