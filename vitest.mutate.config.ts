// The test run Stryker uses (npm run mutate): the unit tests of the folders it mutates (MUTATE,
// as in stryker.config.mjs; all four by default). They import src/ directly. The CLI, input,
// render, report and e2e tests are left out: they reach these folders through dist/ or the bin,
// which Stryker does not instrument, or only through cli/ and report/, and would cost minutes
// per run. A folder's mutants are run against that folder's tests only.
import { defineConfig } from 'vitest/config';

const folders = (process.env.MUTATE ?? 'formats,algorithms,reference,metrics').split(',').map((name) => name.trim()).filter(Boolean);

export default defineConfig({
  test: {
    include: folders.map((folder) => `test/${folder}/**/*.test.ts`),
    // Stryker runs one test process (its concurrency); one worker inside it keeps to one core.
    maxWorkers: 1,
    testTimeout: 120_000,
  },
});
