/**
 * SageMaker data capture files of a production and a shadow variant, made by running two real models through the
 * runtime (`createInferenceApp`) on the same rows, in SageMaker's layout
 * (`capture/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl`). Half the requests are CSV and half JSON instances;
 * SageMaker base64-encodes outputs it does not treat as text, so half the answers are base64; some requests carry
 * an inferenceId, the others are paired by their input. Shared by the shadow-report and pipeline gate tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OnnxModel } from '../../lambda/core/model';
import { createInferenceApp } from '../../lambda/serving/app';
import type { CaptureRecord } from '../../lib/shadow/capture-records';

/** One answer of a variant. */
export interface CapturedPrediction {
  readonly label: string;
  readonly probabilities: Record<string, number>;
}

/** What to capture. */
export interface ShadowCaptureOptions {
  /** Folder the `capture/` tree is written under. */
  readonly directory: string;
  /** The endpoint's name in the layout. */
  readonly endpoint: string;
  /** The production variant's model (`primary`). */
  readonly production: OnnxModel;
  /** The shadow variant's model (`shadow`). */
  readonly shadow: OnnxModel;
  /** Feature rows, comma-separated, in the manifest's order. */
  readonly rows: readonly string[];
  /** Time of the first request; one second apart. */
  readonly start: Date;
}

function record(input: string, inputType: string, output: string, index: number, variant: string, time: Date, withInferenceId: boolean): CaptureRecord {
  return {
    captureData: {
      endpointInput: { observedContentType: inputType, mode: 'INPUT', data: input, encoding: inputType === 'text/csv' ? 'CSV' : 'JSON' },
      endpointOutput:
        index % 2 === 0
          ? { observedContentType: 'application/json', mode: 'OUTPUT', data: output, encoding: 'JSON' }
          : { observedContentType: 'application/json', mode: 'OUTPUT', data: Buffer.from(output).toString('base64'), encoding: 'BASE64' },
    },
    eventMetadata: { eventId: `${variant}-${index}`, inferenceTime: time.toISOString(), ...(withInferenceId ? { inferenceId: `req-${index}` } : {}) },
    eventVersion: '0',
  };
}

/** Writes the two variants' capture files; returns each variant's answers in row order. */
export async function writeShadowCapture(options: ShadowCaptureOptions): Promise<Record<'production' | 'shadow', CapturedPrediction[]>> {
  const apps = { primary: createInferenceApp({ model: options.production }), shadow: createInferenceApp({ model: options.shadow }) };
  const answers: Record<'production' | 'shadow', CapturedPrediction[]> = { production: [], shadow: [] };
  const lines: Record<'primary' | 'shadow', string[]> = { primary: [], shadow: [] };
  for (const [index, row] of options.rows.entries()) {
    const csv = index % 2 === 0;
    const body = csv ? `${row}\n` : JSON.stringify({ instances: [row.split(',').map(Number)] });
    const type = csv ? 'text/csv' : 'application/json';
    const time = new Date(options.start.getTime() + index * 1000);
    for (const variant of ['primary', 'shadow'] as const) {
      const response = await apps[variant].handle({ method: 'POST', path: '/invocations', headers: { 'content-type': type }, body });
      const output = String(response.body);
      answers[variant === 'primary' ? 'production' : 'shadow'].push(...(JSON.parse(output) as { predictions: CapturedPrediction[] }).predictions);
      lines[variant].push(JSON.stringify(record(body, type, output, index, variant, time, index % 3 !== 0)));
    }
  }
  const hour = options.start.toISOString().slice(0, 13).replace(/[-T]/g, '/');
  for (const variant of ['primary', 'shadow'] as const) {
    const hourDir = join(options.directory, 'capture', options.endpoint, variant, hour);
    mkdirSync(hourDir, { recursive: true });
    writeFileSync(join(hourDir, `${variant}-capture.jsonl`), `${lines[variant].join('\n')}\n`);
  }
  return answers;
}

/** Agreement of two answer lists: the share of rows with the same label. */
export function agreementOf(answers: Record<'production' | 'shadow', readonly CapturedPrediction[]>): number {
  return answers.production.filter((p, i) => p.label === answers.shadow[i].label).length / answers.production.length;
}
