// Mutation testing (npm run mutate): not part of npm test or CI; on two cores a folder takes from
// minutes to hours (docs/mutation-testing.md: how to run it, timings, scores, survivors).
// MUTATE=metrics (or algorithms, reference, formats; comma-separated) picks the folders mutated
// and, in vitest.mutate.config.ts, the test folders run; the default is all four.
// `MUTATE=metrics npm run mutate -- --mutate 'src/metrics/accumulate.ts:96-215'` narrows further.
const folders = (process.env.MUTATE ?? 'formats,algorithms,reference,metrics').split(',').map((name) => name.trim()).filter(Boolean);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: folders.map((folder) => `src/${folder}/**/*.ts`),
  // One test process: the machine has two cores and benchmarks may be running on the other.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
