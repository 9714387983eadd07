import { describe, expect, test } from 'vitest';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { flagNames } from '../../src/algorithms/flags.js';
import { RESULT_KINDS } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS } from '../../src/formats/index.js';
import { fixtureFiles, parsePythonFloat, parseRow } from '../support/reference-fixtures.js';

// Every algorithm x function x dtype against an independent emulation: fixtures/reference/
// generate.py rounds every operation exactly with Python fractions and mpmath. float32,
// float16 and bfloat16 outputs must match exactly, flags too (both sides round each result
// once; exp/log could differ only where a float64 libm result straddles a rounding midpoint of
// the narrow format, which no fixture row hits).
// float64 cannot be held to 1 ulp: Math.exp, Math.log and Math.log1p are within 1 ulp of the
// correctly rounded value (libm.test.ts checks that), and an algorithm can amplify that one ulp.
// exp-lse on [3, 3, 3] is the witness: V8's log1p(2) is 1 ulp below the correctly rounded
// log(3), L = 3 + log1p(2) carries that absolute error, x_i - L cancels to a quarter of the
// magnitude, and the result lands 6 ulps from the mpmath emulation's. So float64 outputs are
// compared within 8 ulps, and flags exactly.
const FLOAT64_ULP_TOLERANCE = 8;

const files = fixtureFiles();

describe.each(files.map(({ file, fixture }) => ({ file, fixture })))('$file', ({ fixture }) => {
  for (const dtype of DTYPES) {
    const format = FORMATS[dtype];
    test(`${dtype}: casts, outputs and flags of every algorithm`, () => {
      const kernel = new FormatKernel(format);
      const problems: string[] = [];
      for (const fixtureCase of fixture.cases) {
        const expected = fixtureCase.dtypes[dtype];
        const input = parseRow(fixtureCase.input);
        const cast = input.map((v) => format.round(v));
        const expectedCast = parseRow(expected.cast);
        for (let j = 0; j < cast.length; j++) {
          if (!Object.is(cast[j], expectedCast[j])) problems.push(`${fixtureCase.name}: cast[${j}] of ${input[j]} got ${cast[j]}, expected ${expectedCast[j]}`);
        }
        // Rows with NaN or +Infinity are excluded from the analysis: the kernel never sees them.
        if (expected.kind !== 'ordinary' && expected.kind !== 'masked') continue;
        kernel.run(expectedCast, expectedCast.length);
        for (const kind of RESULT_KINDS) {
          const want = expected.algorithms[kind.algorithm]?.[kind.function];
          if (!want) {
            problems.push(`${fixtureCase.name}: fixture lacks ${kind.function}/${kind.algorithm}`);
            continue;
          }
          const where = `${fixtureCase.name} ${kind.function}/${kind.algorithm}/${dtype}`;
          const gotFlags = flagNames(kernel.flags[kind.id]).sort().join(',');
          const wantFlags = [...want.flags].sort().join(',');
          if (gotFlags !== wantFlags) problems.push(`${where}: flags got [${gotFlags}], expected [${wantFlags}]`);
          want.values.forEach((text, i) => {
            const wantValue = parsePythonFloat(text);
            const got = kernel.outputs[kind.id][i];
            if (Object.is(got, wantValue)) return;
            if (dtype === 'float64' && Number.isFinite(got) && Number.isFinite(wantValue)) {
              const ulps = format.ulpDistance(got, wantValue);
              if (ulps <= FLOAT64_ULP_TOLERANCE) return;
              problems.push(`${where}[${i}]: got ${got}, expected ${wantValue}, ${ulps} ulps apart (tolerance ${FLOAT64_ULP_TOLERANCE})`);
              return;
            }
            problems.push(`${where}[${i}]: input ${fixtureCase.input[i] ?? ''}, got ${got}, expected ${wantValue} (exact match required)`);
          });
        }
      }
      expect(problems.slice(0, 30)).toEqual([]);
    });
  }
});

test('the fixtures cover every region the contract names', () => {
  const regions = files.map(({ fixture }) => fixture.region);
  for (const region of ['special_rows', 'k1', 'ties', 'wide_rows', 'thresholds_float16', 'thresholds_bfloat16', 'thresholds_float32', 'thresholds_float64', 'huge_positive', 'tiny_negative']) {
    expect(regions).toContain(region);
  }
});
