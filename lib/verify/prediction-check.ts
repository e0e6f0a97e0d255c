/** The check of an endpoint's answers on the sampled rows against the offline predictions, on either platform. */
import { comparePredictions } from './compare-predictions';
import type { SampleRows } from './sample-rows';
import { failedCheck, type VerifyCheck } from './verify-check';

/** Sends the sampled rows (through `invoke`) and compares the answers with the offline predictions. */
export async function predictionCheck(name: string, sample: SampleRows, tolerance: number, invoke: () => Promise<{ status: number; text: string }>): Promise<VerifyCheck> {
  const expected = `${sample.expected.length} predictions as offline (tolerance ${tolerance})`;
  try {
    const answer = await invoke();
    if (answer.status !== 200) return { name, expected, actual: `${answer.status} ${answer.text.slice(0, 120)}`, ok: false };
    const differences = comparePredictions((JSON.parse(answer.text) as { predictions?: unknown }).predictions, sample.expected, tolerance);
    return { name, expected, actual: differences.length === 0 ? 'as expected' : differences.join('; '), ok: differences.length === 0 };
  } catch (error) {
    return failedCheck(name, expected, error);
  }
}
