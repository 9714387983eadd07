// What `--labels VALUE` names: a file, a part of a file, or a column of the CSV input.
//
//   1. VALUE is an existing path: that file (a text file of one label per line, a .npy, a .npz
//      holding one array). An existing file wins over a column of the same name.
//   2. VALUE is FILE:PART and FILE exists: the column PART (header name or 1-based index) of the
//      CSV file FILE, or the array PART of the .npz FILE. The last ':' splits, so a path holding
//      ':' still works when the whole of it exists (rule 1).
//   3. Otherwise: a column of the input (header name or 1-based index), for CSV input only; the
//      CSV reader says "no such file, and no column named ..." when there is none.

import { statSync } from 'node:fs';

export type LabelsSpec = { kind: 'column'; column: string } | { kind: 'file'; path: string; part?: string };

export function parseLabelsOption(value: string): LabelsSpec {
  if (exists(value)) return { kind: 'file', path: value };
  const colon = value.lastIndexOf(':');
  if (colon > 0 && colon < value.length - 1 && exists(value.slice(0, colon))) {
    return { kind: 'file', path: value.slice(0, colon), part: value.slice(colon + 1) };
  }
  return { kind: 'column', column: value };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
