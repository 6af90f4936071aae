/**
 * Import boundaries inside src/core, checked by test/unit/layering.test.ts (and by
 * `npx depcruise src --config .dependency-cruiser.cjs`). The `vscode` boundary is ESLint's
 * (eslint.config.mjs); this one needs dependency-cruiser because it must also see type-only
 * and dynamic imports.
 *
 * Layers, from the bottom: deployment (the shared vocabulary of a deployment record: steps,
 * events, sandbox/test/ship data) ← the areas that do the work (sandbox, testing, git, report,
 * store, …) ← flow (the step runner) ← the flows (pipeline: code deployments; release) ← eval
 * (the agent eval suite, which runs whole deployments as the CLI does) ← cli, extension.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-below-pipeline',
      comment:
        'src/core/pipeline is a flow at the top of core: nothing else in core may import it but src/core/eval, which drives whole deployments from above as the CLI does. Move shared types down to src/core/deployment, the shared step machinery to src/core/flow.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '^src/core/(pipeline|eval)/' },
      to: { path: '^src/core/pipeline/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
