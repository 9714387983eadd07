// Reads the committed mpmath fixtures (fixtures/reference/*.json, made by generate.py there).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dtype } from '../../src/formats/index.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/reference/', import.meta.url));

export interface FixtureOutput {
  values: string[];
  flags: string[];
}

export interface FixtureDtype {
  cast: string[];
  kind: 'ordinary' | 'nan' | 'posInf' | 'masked';
  exact?: { logsumexp: string; softmax: string[]; 'log-softmax': string[] };
  exactRounded?: { logsumexp: string; softmax: string[]; 'log-softmax': string[] };
  algorithms: Record<string, Record<string, FixtureOutput>>;
}

export interface FixtureCase {
  name: string;
  input: string[];
  dtypes: Record<Dtype, FixtureDtype>;
}

export interface FixtureFile {
  region: string;
  description: string;
  cases: FixtureCase[];
}

export function fixtureFiles(): Array<{ file: string; fixture: FixtureFile }> {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(FIXTURE_DIR + file, 'utf8')) as FixtureFile }));
}

/** Python repr of a float (and 'nan', 'inf', '-inf') to a number. */
export function parsePythonFloat(text: string): number {
  if (text === 'nan') return NaN;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a float repr: ${text}`);
  return value;
}

export function parseRow(texts: string[]): Float64Array {
  return Float64Array.from(texts, parsePythonFloat);
}
