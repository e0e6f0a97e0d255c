/**
 * Compares a production variant with its shadow from SageMaker data capture: requests are paired (by
 * `inferenceId`, else `eventId`, else identical input in time order), and their predictions compared. For
 * classification: the agreement rate and, per label, the share of predictions and the mean probability
 * difference; for regression: the differences of the values. Capture files carry no timings, so latency is
 * reported as unavailable with where to read it (`ModelLatency` by `VariantName`).
 */
import { payloadText, type VariantRecord } from './capture-records';

/** Per-label comparison (classification). */
export interface LabelShift {
  readonly label: string;
  /** Share of production predictions with this label, 0-1. */
  readonly productionShare: number;
  readonly shadowShare: number;
  /** shadowShare - productionShare. */
  readonly shift: number;
  /** Mean of shadow - production probability of this label over paired instances. */
  readonly meanProbabilityDifference: number;
}

/** Value comparison (regression). */
export interface ValueDifferences {
  readonly meanProduction: number;
  readonly meanShadow: number;
  readonly meanAbsoluteDifference: number;
  readonly maxAbsoluteDifference: number;
}

/** The comparison. */
export interface ShadowReport {
  readonly production: string;
  readonly shadow: string;
  /** Requests captured per variant. */
  readonly requests: { readonly production: number; readonly shadow: number };
  /** Requests found on both sides. */
  readonly pairedRequests: number;
  /** Instances compared (a request may carry several). */
  readonly comparedInstances: number;
  /** Paired requests where one side returned no predictions (an error response). */
  readonly failedResponses: { readonly production: number; readonly shadow: number };
  readonly task: 'classification' | 'regression' | 'unknown';
  /** Share of instances with the same label, 0-1 (classification). */
  readonly agreementRate?: number;
  readonly labels?: readonly LabelShift[];
  readonly values?: ValueDifferences;
  readonly latency: { readonly available: false; readonly note: string };
  /** First and last inference time seen. */
  readonly period?: { readonly from: string; readonly to: string };
}

type Prediction = { readonly label?: string; readonly probabilities?: Record<string, number>; readonly value?: number };

function predictionsOf(record: VariantRecord): Prediction[] | undefined {
  const output = record.record.captureData.endpointOutput;
  if (output === undefined) return undefined;
  try {
    const body = JSON.parse(payloadText(output)) as { predictions?: unknown };
    return Array.isArray(body.predictions) ? (body.predictions as Prediction[]) : undefined;
  } catch {
    return undefined;
  }
}

const keyOf = (r: VariantRecord): string => r.record.eventMetadata.inferenceId ?? r.record.eventMetadata.eventId;
const inputOf = (r: VariantRecord): string => {
  const input = r.record.captureData.endpointInput;
  return input === undefined ? '' : payloadText(input);
};

/** Pairs production and shadow records. */
function pair(production: VariantRecord[], shadow: VariantRecord[]): Array<[VariantRecord, VariantRecord]> {
  const byKey = new Map(shadow.map((r) => [keyOf(r), r]));
  const used = new Set<VariantRecord>();
  const pairs: Array<[VariantRecord, VariantRecord]> = [];
  const unmatched: VariantRecord[] = [];
  for (const p of production) {
    const s = byKey.get(keyOf(p));
    if (s !== undefined && !used.has(s)) {
      used.add(s);
      pairs.push([p, s]);
    } else unmatched.push(p);
  }
  const byInput = new Map<string, VariantRecord[]>();
  const byTime = (a: VariantRecord, b: VariantRecord) => a.record.eventMetadata.inferenceTime.localeCompare(b.record.eventMetadata.inferenceTime);
  for (const s of shadow.filter((r) => !used.has(r)).sort(byTime)) byInput.set(inputOf(s), [...(byInput.get(inputOf(s)) ?? []), s]);
  for (const p of unmatched.sort(byTime)) {
    const s = byInput.get(inputOf(p))?.shift();
    if (s !== undefined) pairs.push([p, s]);
  }
  return pairs;
}

/** Builds the report from records already assigned to variants. */
export function compareShadow(records: readonly VariantRecord[], production: string, shadow: string): ShadowReport {
  const prod = records.filter((r) => r.variant === production);
  const shad = records.filter((r) => r.variant === shadow);
  const pairs = pair(prod, shad);
  const failed = { production: 0, shadow: 0 };
  const compared: Array<[Prediction, Prediction]> = [];
  for (const [p, s] of pairs) {
    const a = predictionsOf(p);
    const b = predictionsOf(s);
    if (a === undefined) failed.production++;
    if (b === undefined) failed.shadow++;
    if (a === undefined || b === undefined) continue;
    for (let i = 0; i < Math.min(a.length, b.length); i++) compared.push([a[i], b[i]]);
  }
  const times = records.map((r) => r.record.eventMetadata.inferenceTime).sort();
  const base = {
    production,
    shadow,
    requests: { production: prod.length, shadow: shad.length },
    pairedRequests: pairs.length,
    comparedInstances: compared.length,
    failedResponses: failed,
    latency: {
      available: false as const,
      note: 'SageMaker capture records carry no timings: compare ModelLatency in AWS/SageMaker by VariantName (production vs shadow) for the same period',
    },
    ...(times.length === 0 ? {} : { period: { from: times[0], to: times[times.length - 1] } }),
  };
  if (compared.length > 0 && compared.every(([a, b]) => typeof a.label === 'string' && typeof b.label === 'string')) {
    return { ...base, task: 'classification', ...classification(compared) };
  }
  if (compared.length > 0 && compared.every(([a, b]) => typeof a.value === 'number' && typeof b.value === 'number')) {
    return { ...base, task: 'regression', values: regression(compared) };
  }
  return { ...base, task: 'unknown' };
}

function classification(compared: Array<[Prediction, Prediction]>): { agreementRate: number; labels: LabelShift[] } {
  const labels = [...new Set(compared.flatMap(([a, b]) => [a.label as string, b.label as string, ...Object.keys(a.probabilities ?? {})]))];
  const n = compared.length;
  const agreementRate = compared.filter(([a, b]) => a.label === b.label).length / n;
  return {
    agreementRate,
    labels: labels.map((label) => {
      const productionShare = compared.filter(([a]) => a.label === label).length / n;
      const shadowShare = compared.filter(([, b]) => b.label === label).length / n;
      const diffs = compared.map(([a, b]) => (b.probabilities?.[label] ?? 0) - (a.probabilities?.[label] ?? 0));
      return { label, productionShare, shadowShare, shift: shadowShare - productionShare, meanProbabilityDifference: diffs.reduce((x, y) => x + y, 0) / n };
    }),
  };
}

function regression(compared: Array<[Prediction, Prediction]>): ValueDifferences {
  const n = compared.length;
  const abs = compared.map(([a, b]) => Math.abs((b.value as number) - (a.value as number)));
  return {
    meanProduction: compared.reduce((s, [a]) => s + (a.value as number), 0) / n,
    meanShadow: compared.reduce((s, [, b]) => s + (b.value as number), 0) / n,
    meanAbsoluteDifference: abs.reduce((x, y) => x + y, 0) / n,
    maxAbsoluteDifference: Math.max(...abs),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const signed = (x: number, digits = 4): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** The report as table rows: header first. */
function rows(report: ShadowReport): string[][] {
  const head = [
    ['metric', 'value'],
    ['variants', `${report.production} (production) vs ${report.shadow} (shadow)`],
    ['requests captured', `${report.requests.production} / ${report.requests.shadow}`],
    ['paired requests', String(report.pairedRequests)],
    ['compared instances', String(report.comparedInstances)],
    ['failed responses', `${report.failedResponses.production} / ${report.failedResponses.shadow}`],
  ];
  if (report.agreementRate !== undefined) head.push(['label agreement', pct(report.agreementRate)]);
  for (const label of report.labels ?? []) {
    head.push([`label ${label.label}`, `${pct(label.productionShare)} -> ${pct(label.shadowShare)} (${signed(100 * label.shift, 1)} pts), mean p diff ${signed(label.meanProbabilityDifference)}`]);
  }
  if (report.values !== undefined) {
    const v = report.values;
    head.push(['mean value', `${v.meanProduction.toFixed(4)} -> ${v.meanShadow.toFixed(4)}`], ['mean |difference|', v.meanAbsoluteDifference.toFixed(4)], ['max |difference|', v.maxAbsoluteDifference.toFixed(4)]);
  }
  head.push(['latency', `n/a: ${report.latency.note}`]);
  return head;
}

/** A plain-text table for the terminal. */
export function formatShadowTable(report: ShadowReport): string {
  const table = rows(report);
  const width = Math.max(...table.map((r) => r[0].length));
  return table.map(([k, v], i) => (i === 0 ? `${k.padEnd(width)}  ${v}\n${'-'.repeat(width)}  ${'-'.repeat(5)}` : `${k.padEnd(width)}  ${v}`)).join('\n');
}

/** Markdown for review. */
export function formatShadowMarkdown(report: ShadowReport): string {
  const [header, ...body] = rows(report);
  return [`# Shadow report: ${report.shadow} vs ${report.production}`, '', `| ${header.join(' | ')} |`, '| --- | --- |', ...body.map((r) => `| ${r.join(' | ')} |`), ''].join('\n');
}
