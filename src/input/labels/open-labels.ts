// Opening what --labels FILE[:PART] names: a .npy, a .npz (PART: an array), a safetensors file
// (PART: a tensor), by extension or else by its first bytes; anything else is text (one label a
// line, or PART: a column of a CSV file).

import { UsageError } from '../../errors.js';
import { FLAG } from '../option-flags.js';
import { sniffTensorFormat, TENSOR_SNIFF_BYTES } from '../open/sniff.js';
import { fileHead } from '../open/byte-head.js';
import type { LabelSource } from './label-source.js';
import { npyLabels, npzLabels, safetensorsLabels } from './tensor-labels.js';
import { textLabels } from './text-labels.js';

export async function openLabelsFile(path: string, part: string | undefined, tempDirectory: string): Promise<LabelSource> {
  const lower = path.toLowerCase();
  const format = lower.endsWith('.npy') ? 'npy' : lower.endsWith('.npz') ? 'npz' : lower.endsWith('.safetensors') ? 'safetensors' : sniffTensorFormat(fileHead(path, TENSOR_SNIFF_BYTES));
  switch (format) {
    case 'npy':
      if (part !== undefined) throw new UsageError(`${FLAG.labels} ${path}:${part}: a .npy file holds one array; give ${FLAG.labels} ${path}`);
      return npyLabels(path);
    case 'npz':
      return npzLabels(path, part, tempDirectory, `${FLAG.labels} ${path}:NAME`);
    case 'safetensors':
      return safetensorsLabels(path, part, `${FLAG.labels} ${path}:NAME`);
    case undefined:
      return textLabels(path, part);
  }
}

