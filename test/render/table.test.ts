import { describe, expect, test } from 'vitest';
import { renderTable } from '../../src/render/table.js';
import { report, result } from './hand-made.js';

describe('the verdict matrix', () => {
  test('columns stay apart whatever the width of a count (was: "FAIL Inf x2047808WARN 13.9b max")', () => {
    const text = renderTable(
      report(
        [
          result({ dtype: 'float16', algorithm: 'naive', verdict: 'fail', inf: 2047808 }),
          result({ dtype: 'bfloat16', algorithm: 'naive', verdict: 'warn', maxBits: 13.9 }),
          result({ dtype: 'float16', algorithm: 'max-shift', verdict: 'fail', nan: 123456789012 }),
          result({ dtype: 'bfloat16', algorithm: 'max-shift', verdict: 'ok', meanBits: 0.25 }),
        ],
        ['float16', 'bfloat16'],
      ),
      { color: false, details: false },
    );
    const lines = text.split('\n');
    expect(lines).toContain('  naive           FAIL Inf x2047808       WARN 13.9b max');
    expect(lines).toContain('  max-shift       FAIL NaN x123456789012  ok 0.25b');
    expect(lines).toContain(`softmax           float16${' '.repeat(17)}bfloat16`);
  });

  test('every cell is followed by at least two spaces before the next one', () => {
    for (const count of [1, 12345, 1234567890, 2 ** 52]) {
      const text = renderTable(
        report(
          [
            result({ dtype: 'float16', algorithm: 'online', verdict: 'fail', inf: count }),
            result({ dtype: 'bfloat16', algorithm: 'online', verdict: 'fail', nan: count }),
          ],
          ['float16', 'bfloat16'],
        ),
        { color: false, details: false },
      );
      expect(text).toContain(`FAIL Inf x${count}  `);
    }
  });
});
