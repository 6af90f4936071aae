// What the extension-host suite reports besides pass/fail: figures the harness and the
// activation benchmark read from the results file.
// Kept on globalThis: the suite entry and the test file are separate bundles, each with its
// own copy of this module, and both must see the same object.
const holder = globalThis as { __deployAgentSuiteExtras?: Record<string, unknown> };
export const extras: Record<string, unknown> = (holder.__deployAgentSuiteExtras ??= {});

/** Environment variable naming the JSON results file (set by the harness; inherited by the extension host). */
export const RESULTS_ENV = 'DEPLOY_AGENT_VSCODE_TEST_RESULTS';
/** Environment variable naming the editor's user-data folder, where the output channel's log file lives. */
export const USER_DATA_ENV = 'DEPLOY_AGENT_VSCODE_TEST_USER_DATA';
