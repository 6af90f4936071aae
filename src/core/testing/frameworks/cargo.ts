import { createHash } from 'node:crypto';
import path from 'node:path';
import envPaths from 'env-paths';
import { parseCargoTest } from '../parsers/cargo';
import { findExecutable, toolchainDirs } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, toolMissing } from './common';

/**
 * `cargo test --no-fail-fast`, read from libtest's stable human output (its JSON format needs a
 * nightly toolchain, or RUSTC_BOOTSTRAP, which would also change how the user's crates build).
 * Integration test files (tests/NAME.rs) run as `--test NAME`; a unit test lives in its source
 * file, so anything else runs the whole suite. Builds go to a per-repository target folder in
 * Deploy Agent's cache, so a second deployment compiles incrementally and the sandbox gets no
 * target/. No coverage: stable cargo has none without cargo-llvm-cov or tarpaulin.
 */
export const cargoTest: FrameworkAdapter = {
  id: 'cargo-test',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const cargo = findExecutable('cargo', ctx.env, toolchainDirs());
    if (!cargo) throw toolMissing('cargo-test', 'the cargo command was not found', 'Install Rust (rustup) and put ~/.cargo/bin on PATH, then deploy again.');
    const integration = ctx.files.filter((f) => /^tests\/[^/]+\.rs$/.test(f));
    const targets = integration.length === ctx.files.length ? integration.flatMap((f) => ['--test', path.basename(f, '.rs')]) : [];
    const key = createHash('sha256').update(path.resolve(ctx.repoRoot ?? ctx.projectDir)).update(path.relative(ctx.repoRoot ?? ctx.projectDir, ctx.projectDir)).digest('hex').slice(0, 16);
    // Confined, the build goes to Deploy Agent's own target folder even when the user has a shared one: a test must not plant build results there.
    const targetDir = (ctx.confinement?.kind !== 'unconfined' && ctx.confinement ? undefined : ctx.env.CARGO_TARGET_DIR) ?? path.join(envPaths('deploy-agent', { suffix: '' }).cache, 'cargo-target', key);
    const args = ['test', '--no-fail-fast', '--color', 'never', '--jobs', String(ctx.workers), ...targets, '--', '--color', 'never', `--test-threads=${ctx.workers}`];
    return {
      command: cargo,
      args,
      env: { CARGO_TARGET_DIR: targetDir, CARGO_TERM_COLOR: 'never' },
      display: display(['cargo', ...args]),
      wholeStdout: true,
      byproducts: ['Cargo.lock'],
      ...(ctx.coverage ? { coverageNote: 'cargo test measures no coverage on a stable toolchain (cargo-llvm-cov or tarpaulin would)' } : {}),
      parse: (finished) => parseCargoTest(finished.stdout ?? finished.output, finished.code, finished.stderr),
    };
  },
};
