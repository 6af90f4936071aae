// What every UI scenario (test/e2e/scenarios/NN-name.mjs) is given by test/e2e/run.mjs.
// A scenario exports `name` and `async run(ctx)`; scenarios run in file-name order, each on a
// fresh page of the same code-server (one workspace, one user-data folder), so a scenario that
// changes the workspace or the settings should put them back or work in its own folder.

/**
 * @typedef {object} ScenarioContext
 * @property {import('playwright-core').Page} page a new page (closed after the scenario)
 * @property {import('playwright-core').BrowserContext} browserContext
 * @property {{ url: string, port: number }} server the running code-server
 * @property {string} workspace the fixture git repository the workbench opens
 * @property {string} tmp this run's temp folder (removed at the end unless something failed)
 * @property {string} userDataDir code-server's user-data folder (settings, logs)
 * @property {any} suite the extension-host suite's results (its `extras` carry what the host computed)
 * @property {(name: string, action: () => Promise<void>) => Promise<void>} check records one UI check
 * @property {(page: import('playwright-core').Page, file: string) => Promise<void>} screenshot saves screenshots/<file>
 * @property {(name: string, action: () => Promise<any>) => Promise<any>} timed times a phase (in last-run.json)
 * @property {(name: string, value: number) => void} figure records a figure measured in the workbench (last-run.json `figures`)
 * @property {(cleanup: () => Promise<void>) => void} onCleanup runs at the end of the whole run
 * @property {(message: string) => void} log
 */
export {};
