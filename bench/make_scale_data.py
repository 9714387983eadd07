#!/usr/bin/env python3
"""Make the scale benchmark's input: bench/out/scale.csv and bench/out/scale.npy.

200,000 rows x 100 classes of normal(0, 8) logits from numpy.random.default_rng(20261128);
every 97th row (row index % 97 == 0) is multiplied by 20, then every 113th row's first logit
(index % 113 == 0) is set to 1000. The CSV has a header line (c0,...,c99) and writes each value
with 9 significant digits ('%.9g', what a float32 needs to round-trip), about 230 MB. The .npy
holds the same array cast to float32 (numpy.save), 80 MB. bench/out/scale-labels.txt holds one
label per row (the row's argmax, replaced by a class drawn from default_rng(SEED + 1) on every
10th row: a model that is right 90 % of the time), for the labelled run.

The files are written once: when both exist with the sizes recorded in bench/out/scale.json
(written last, after both files are complete), nothing is done. --force regenerates them.

usage: python3 bench/make_scale_data.py [--force] [--out DIR]
"""
import argparse, json, os, sys, time

import numpy as np

ROWS, K, SEED = 200_000, 100, 20261128
CHUNK_ROWS = 10_000  # rows formatted per write: ~11 MB of text at a time


def make_logits():
    rng = np.random.default_rng(SEED)
    x = rng.normal(0.0, 8.0, size=(ROWS, K))
    x[::97] *= 20.0      # row indices 0, 97, 194, ...
    x[::113, 0] = 1000.0  # row indices 0, 113, 226, ...
    return x


def make_labels(x):
    labels = np.argmax(x, axis=1)
    rng = np.random.default_rng(SEED + 1)
    labels[::10] = rng.integers(0, K, size=labels[::10].shape[0])
    return labels


def write_csv(path, x):
    # One '%' format per row (100 fields at once): ~10 s for the 20M values, no per-value loop.
    row_format = ','.join(['%.9g'] * K) + '\n'
    with open(path, 'w', encoding='ascii', newline='\n') as f:
        f.write(','.join(f'c{j}' for j in range(K)) + '\n')
        for start in range(0, ROWS, CHUNK_ROWS):
            f.write(''.join([row_format % tuple(row) for row in x[start:start + CHUNK_ROWS].tolist()]))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--force', action='store_true', help='regenerate even when the files exist')
    parser.add_argument('--out', default=os.path.join(here, 'out'), help='output folder (default bench/out)')
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    csv_path, npy_path = os.path.join(args.out, 'scale.csv'), os.path.join(args.out, 'scale.npy')
    labels_path = os.path.join(args.out, 'scale-labels.txt')
    manifest_path = os.path.join(args.out, 'scale.json')
    parameters = {'rows': ROWS, 'classes': K, 'seed': SEED, 'distribution': 'normal(0, 8)',
                  'every97thRowTimes': 20, 'every113thRowFirstLogit': 1000, 'csvFormat': '%.9g',
                  'npyDtype': 'float32', 'labels': 'argmax, every 10th row drawn from default_rng(seed + 1)'}

    if not args.force and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
        sizes_ok = all(os.path.exists(p) and os.path.getsize(p) == manifest.get(key)
                       for p, key in ((csv_path, 'csvBytes'), (npy_path, 'npyBytes'), (labels_path, 'labelsBytes')))
        if sizes_ok and manifest.get('parameters') == parameters:
            print(f'make_scale_data: {csv_path} ({manifest["csvBytes"] / 1e6:.1f} MB) and {npy_path} '
                  f'exist with the expected sizes; skipped (--force regenerates)', file=sys.stderr)
            return

    if os.path.exists(manifest_path):
        os.remove(manifest_path)  # an interrupted run leaves no manifest, so the next run redoes it
    t0 = time.perf_counter()
    x = make_logits()
    np.save(npy_path, x.astype(np.float32))
    write_csv(csv_path, x)
    with open(labels_path, 'w', encoding='ascii', newline='\n') as f:
        f.write('\n'.join(str(int(v)) for v in make_labels(x)) + '\n')
    manifest = {'parameters': parameters, 'csvBytes': os.path.getsize(csv_path),
                'npyBytes': os.path.getsize(npy_path), 'labelsBytes': os.path.getsize(labels_path),
                'numpy': np.__version__}
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'make_scale_data: wrote {csv_path} ({manifest["csvBytes"] / 1e6:.1f} MB) and {npy_path} '
          f'({manifest["npyBytes"] / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s', file=sys.stderr)


if __name__ == '__main__':
    main()
