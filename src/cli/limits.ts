import Table from 'cli-table3';
import { FORMATS, type Dtype } from '../formats/index.js';
import { nonFiniteAsString } from '../render/json.js';
import { Output, type CliIO } from './io.js';

export type LimitsFormat = 'table' | 'json' | 'markdown';

/** The figures of each dtype that decide where softmax breaks (SPEC section 1). */
export function limitsOf(dtypes: Dtype[]) {
  return dtypes.map((dtype) => {
    const format = FORMATS[dtype];
    return {
      dtype,
      alias: format.alias,
      precision: format.precision,
      maxFinite: format.maxFinite,
      minNormal: format.minNormal,
      minSubnormal: format.minSubnormal,
      unitRoundoff: format.unitRoundoff,
      expOverflowAbove: format.expThresholds.overflow,
      expSubnormalBelow: format.expThresholds.subnormal,
      expZeroBelow: format.expThresholds.zero,
    };
  });
}

const HEAD = ['dtype', 'p', 'max finite', 'min normal', 'min subnormal', 'unit roundoff', 'exp(x) = Inf for x >', 'exp(x) subnormal for x <', 'exp(x) = 0 for x <'];

export async function limits(dtypes: Dtype[], format: LimitsFormat, io: CliIO): Promise<number> {
  const rows = limitsOf(dtypes);
  let text: string;
  if (format === 'json') {
    text = `${JSON.stringify({ schema: 'logitcheck.limits/1', dtypes: rows }, nonFiniteAsString, 2)}\n`;
  } else {
    const cells = rows.map((r) => [
      `${r.dtype} (${r.alias})`,
      String(r.precision),
      String(r.maxFinite),
      String(r.minNormal),
      String(r.minSubnormal),
      String(r.unitRoundoff),
      r.expOverflowAbove,
      r.expSubnormalBelow,
      r.expZeroBelow,
    ]);
    if (format === 'markdown') {
      text = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...cells.map((c) => `| ${c.join(' | ')} |`)].join('\n') + '\n';
    } else {
      const table = new Table({ head: HEAD, style: { head: [], border: [] } });
      table.push(...cells);
      text = `${table.toString()}\nexp thresholds assume a correctly rounded exp; logitcheck's exp is float64 Math.exp rounded once to the dtype.\n`;
    }
  }
  await new Output(io.stdout, 'the limits').write(text);
  return 0;
}
