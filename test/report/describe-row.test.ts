// describeRow on hand-made row references: how the table, the findings and the checks name a row.

import { describe, expect, it } from 'vitest';
import { describeRow } from '../../src/report/findings.js';

describe('describeRow', () => {
  it('a row by its index and line, or its index alone', () => {
    expect(describeRow({ row: 12, line: 14 })).toBe('row 12, line 14');
    expect(describeRow({ row: 3, line: null })).toBe('row 3');
    expect(describeRow(null)).toBe('');
  });

  it('a row of a JSON record holding several rows: by record and position, not by its index', () => {
    expect(describeRow({ row: 40, line: 4, record: 3, position: 7 })).toBe('record 3, position 7, line 4');
  });

  it('an id after the place', () => {
    expect(describeRow({ row: 12, line: 14, id: 'img_0412' })).toBe("row 12, line 14, id 'img_0412'");
    expect(describeRow({ row: 40, line: 4, record: 3, position: 7, id: '17' })).toBe("record 3, position 7, line 4, id '17'");
  });

  it('an id with quotes or control characters stays on one line', () => {
    expect(describeRow({ row: 0, line: 1, id: 'a\'b"c\nd\\' })).toBe("row 0, line 1, id 'a'b\"c\\nd\\\\'");
  });

  it('in a merged report, after the shard', () => {
    expect(describeRow({ shard: 'b.jsonl', row: 2, line: 3, record: 2, position: 0, id: 'x' })).toBe("b.jsonl record 2, position 0, line 3, id 'x'");
  });
});
