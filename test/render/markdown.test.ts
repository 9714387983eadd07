import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { report, result } from './hand-made.js';

describe('the Markdown title', () => {
  test('with no checks it shows the worst verdict, not a green tick above FAIL cells', () => {
    const failing = renderMarkdown(report([result({ dtype: 'float16', algorithm: 'naive', verdict: 'fail', nan: 3 }), result({ dtype: 'float16', algorithm: 'max-shift', verdict: 'ok' })], ['float16']), false);
    expect(failing.split('\n').slice(0, 3)).toEqual(['## logitcheck 🔴', '', 'Results: 1 FAIL, 1 ok. No checks were requested (`--fail-on`, `--max-ulp`...), so the exit status is 0.']);
    const warning = renderMarkdown(report([result({ dtype: 'float16', algorithm: 'naive', verdict: 'warn' })], ['float16']), false);
    expect(warning.startsWith('## logitcheck 🟡\n')).toBe(true);
    const fine = renderMarkdown(report([result({ dtype: 'float16', algorithm: 'naive', verdict: 'ok' })], ['float16']), false);
    expect(fine.startsWith('## logitcheck ✅\n')).toBe(true);
  });

  test('with checks, the checks decide the title', () => {
    const passed = renderMarkdown(report([result({ dtype: 'float16', algorithm: 'naive', verdict: 'fail', nan: 3 })], ['float16'], [{ check: 'max-ulp 4', limit: 4, passed: true, failures: [] }]), false);
    expect(passed.split('\n').slice(0, 3)).toEqual(['## logitcheck ✅', '', 'All 1 checks passed.']);
  });
});
