// CSV column selection: which of a record's fields are logits.
//
// A spec is a 1-based index ("3"), an inclusive range ("2-5", or "3-" for 3 to the last column)
// or, for any other text, a header name (matched after trimming; a name held by several columns
// selects all of them). Digits always mean an index, so a header named "3" can only be selected
// by its position; pandas writes such headers (0, 1, 2, ...) and its users think in positions.

import { UsageError } from '../../errors.js';
import { FLAG } from '../option-flags.js';

type ColumnSpec =
  | { kind: 'range'; first: number; last: number | undefined; text: string }
  | { kind: 'name'; name: string; text: string };

function parseSpec(raw: string, optionName: string): ColumnSpec {
  const text = raw.trim();
  if (text === '') throw new UsageError(`${optionName}: an empty column name or index`);
  const range = /^([0-9]+)(?:(-)([0-9]*))?$/.exec(text);
  if (range === null) return { kind: 'name', name: text, text };
  const first = Number(range[1]);
  const last = range[2] === undefined ? first : range[3] === '' ? undefined : Number(range[3]);
  if (first === 0 || last === 0) {
    throw new UsageError(`${optionName}: column '${text}': column indices start at 1`);
  }
  if (last !== undefined && last < first) {
    throw new UsageError(`${optionName}: column range '${text}' ends before it starts`);
  }
  return { kind: 'range', first, last, text };
}

/** True if any spec is a header name, so the input must have a header line to resolve it. */
export function specsUseNames(specs: readonly string[] | undefined): boolean {
  return (specs ?? []).some((raw) => parseSpec(raw, FLAG.columns).kind === 'name');
}

/** Throws on a malformed spec (empty, index 0, backwards range) before any input is read; `optionName` is the flag. */
export function checkSpecs(specs: readonly string[] | undefined, optionName: string): void {
  for (const raw of specs ?? []) parseSpec(raw, optionName);
}

const LISTED_COLUMNS = 20;

function describeColumns(count: number, names: readonly string[] | undefined): string {
  if (names === undefined) return `the input has ${count} column${count === 1 ? '' : 's'} and no header`;
  const listed = names.slice(0, LISTED_COLUMNS).map((name, i) => `${i + 1} '${name}'`);
  const more = count > LISTED_COLUMNS ? `, ... (${count} columns)` : '';
  return `available: ${listed.join(', ')}${more}`;
}

function matchSpec(
  spec: ColumnSpec,
  count: number,
  names: readonly string[] | undefined,
  optionName: string,
): number[] {
  if (spec.kind === 'name') {
    const matches: number[] = [];
    names?.forEach((name, i) => {
      if (name === spec.name) matches.push(i);
    });
    if (matches.length === 0) {
      throw new UsageError(`${optionName}: no column named '${spec.name}'; ${describeColumns(count, names)}`);
    }
    return matches;
  }
  const last = spec.last ?? count;
  if (spec.first > count || last > count) {
    throw new UsageError(
      `${optionName}: column ${spec.text} does not exist; ${describeColumns(count, names)}`,
    );
  }
  const indices: number[] = [];
  for (let index = spec.first; index <= last; index++) indices.push(index - 1);
  return indices;
}

/**
 * The 0-based indices of the kept fields, ascending (file order whatever the order of the specs):
 * those named by `include` (all if it is empty or absent), minus those named by `exclude`.
 * `names` is the trimmed header, or undefined if the input has none; `includeFlag` names the
 * option `include` came from in messages.
 */
export function resolveColumns(
  count: number,
  names: readonly string[] | undefined,
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  includeFlag: string = FLAG.columns,
): number[] {
  const kept = new Array<boolean>(count).fill(include === undefined || include.length === 0);
  for (const raw of include ?? []) {
    for (const index of matchSpec(parseSpec(raw, includeFlag), count, names, includeFlag)) kept[index] = true;
  }
  for (const raw of exclude ?? []) {
    for (const index of matchSpec(parseSpec(raw, FLAG.excludeColumns), count, names, FLAG.excludeColumns)) {
      kept[index] = false;
    }
  }
  const indices: number[] = [];
  kept.forEach((keep, index) => {
    if (keep) indices.push(index);
  });
  if (indices.length === 0) {
    throw new UsageError(`no columns left after column selection; ${describeColumns(count, names)}`);
  }
  return indices;
}
