/**
 * Compares the predictions an endpoint answered with the ones made offline: labels exactly, probabilities and
 * values within a tolerance (absolute, or relative to the expected value when that is larger than 1, so a
 * regression in the hundreds gets the same precision as a probability).
 */
import type { Prediction } from '../../lambda/core/types';

/** The tolerance unless told otherwise: float32 results of the same model on another CPU differ far less. */
export const DEFAULT_TOLERANCE = 1e-4;

/** Whether `actual` is within `tolerance` of `expected`. */
export function close(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

/** One line per difference (`row 2: probability of "malignant" 0.9 (expected 0.1)`); empty when they agree. */
export function comparePredictions(actual: unknown, expected: readonly Prediction[], tolerance: number = DEFAULT_TOLERANCE): string[] {
  if (!Array.isArray(actual)) return [`the answer has no predictions array (got ${JSON.stringify(actual)?.slice(0, 200)})`];
  if (actual.length !== expected.length) return [`${actual.length} predictions for ${expected.length} rows`];
  return expected.flatMap((want, row) => differencesOf(actual[row], want, tolerance).map((line) => `row ${row + 1}: ${line}`));
}

function differencesOf(got: unknown, want: Prediction, tolerance: number): string[] {
  const answer = (typeof got === 'object' && got !== null ? got : {}) as Record<string, unknown>;
  if ('value' in want) {
    const value = answer.value;
    return typeof value === 'number' && close(value, want.value, tolerance) ? [] : [`value ${JSON.stringify(value)} (expected ${want.value})`];
  }
  const problems: string[] = [];
  if (answer.label !== want.label) problems.push(`label ${JSON.stringify(answer.label)} (expected ${JSON.stringify(want.label)})`);
  const probabilities = (typeof answer.probabilities === 'object' && answer.probabilities !== null ? answer.probabilities : {}) as Record<string, unknown>;
  for (const [label, p] of Object.entries(want.probabilities)) {
    const q = probabilities[label];
    if (typeof q !== 'number' || !close(q, p, tolerance)) problems.push(`probability of ${JSON.stringify(label)} ${JSON.stringify(q)} (expected ${p})`);
  }
  return problems;
}
