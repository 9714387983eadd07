import type { Report } from '../report/report.js';

/**
 * The report as JSON. JSON has no literal for NaN or Infinity (JSON.stringify would silently
 * write null), so they are written as the strings "NaN", "Infinity" and "-Infinity".
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, nonFiniteAsString, 2)}\n`;
}

export function nonFiniteAsString(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  return value;
}
