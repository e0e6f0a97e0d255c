/**
 * The price of one batch run per million rows, read from the synthesized state machine and its function: Step
 * Functions state transitions, Lambda requests and GB-seconds, S3 requests, or, with the Batch Transform engine,
 * instance-hours. Throughput and sizes are assumptions written here once, each with where it comes from.
 */
import { literalNumber, type CfnResource, type CfnTemplate, type CfnValue } from './cloudformation-template';
import type { RegionPrices } from './price-table';

/** Rows scored per second per vCPU by the runtime (breast-cancer, CSV, one thread; docs/batch.md). */
export const BATCH_ROWS_PER_SECOND_PER_VCPU = 10_000;
/** Lambda allocates one vCPU per 1,769 MB. */
const MB_PER_VCPU = 1769;
/** Input bytes per row (the breast-cancer CSV: 226 bytes). */
export const BATCH_BYTES_PER_ROW = 250;
/** How fast the plan step reads the input from S3 inside Lambda. */
const PLAN_BYTES_PER_SECOND = 100e6;
/** Transitions of the parent execution (start, Plan, ScoreParts, Summarize, end) and of each Standard child. */
const PARENT_TRANSITIONS = 5;
const CHILD_TRANSITIONS = 3;
/** Billed minutes of a transform job before its instances score anything (provisioning, model download). */
const TRANSFORM_STARTUP_SECONDS = 300;
const ROWS = 1_000_000;

/** One line of a batch run's price. */
export interface BatchRunLine {
  readonly description: string;
  readonly priceKey: string;
  readonly quantity: number;
  readonly unitUsd: number;
  readonly usd: number;
  readonly basis: string;
}

export interface BatchRunEstimate {
  readonly stateMachine: string;
  readonly engine: 'lambda' | 'sagemaker-transform';
  readonly rows: number;
  readonly lines: readonly BatchRunLine[];
  readonly totalUsd: number;
  /** Price keys the table does not have (their lines are left out; the total is then incomplete). */
  readonly missingPrices: readonly string[];
}

/** The state machine's definition as one string, references rendered as `<ref>`. */
function definitionText(resource: CfnResource): string {
  const join = resource.Properties?.DefinitionString as { 'Fn::Join'?: [string, CfnValue[]] } | string | undefined;
  if (typeof join === 'string') return join;
  return (join?.['Fn::Join']?.[1] ?? []).map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
}

type Draft = Omit<BatchRunLine, 'unitUsd' | 'usd'>;

function lambdaDrafts(text: string, template: CfnTemplate): Draft[] {
  const rowsPerChild = Number(/"rowsPerChild":(\d+)/.exec(text)?.[1] ?? '100000');
  const fn = Object.values(template.Resources ?? {}).find((r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties?.Environment ?? {}).includes('BATCH_INPUT_URI'));
  const memoryMb = literalNumber(fn?.Properties?.MemorySize, template) ?? 2048;
  const parts = Math.ceil(ROWS / rowsPerChild);
  const scoreSeconds = ROWS / (BATCH_ROWS_PER_SECOND_PER_VCPU * Math.max(memoryMb / MB_PER_VCPU, 0.1));
  const planSeconds = (ROWS * BATCH_BYTES_PER_ROW) / PLAN_BYTES_PER_SECOND;
  const gb = memoryMb / 1024;
  return [
    { description: 'state transitions', priceKey: 'stepfunctions.standard.transitions', quantity: PARENT_TRANSITIONS + parts * CHILD_TRANSITIONS, basis: `${PARENT_TRANSITIONS} + ${parts} parts (${rowsPerChild.toLocaleString('en-US')} rows each) × ${CHILD_TRANSITIONS}` },
    { description: 'Lambda requests', priceKey: 'lambda.requests', quantity: parts + 2, basis: `plan + ${parts} parts + summarize` },
    { description: `Lambda compute (${memoryMb} MB)`, priceKey: 'lambda.x86_64.duration', quantity: (scoreSeconds + planSeconds) * gb, basis: `${Math.round(scoreSeconds)} s scoring at ${BATCH_ROWS_PER_SECOND_PER_VCPU.toLocaleString('en-US')} rows/s per vCPU + ${Math.round(planSeconds)} s planning ${BATCH_BYTES_PER_ROW} B rows at ${PLAN_BYTES_PER_SECOND / 1e6} MB/s, × ${gb} GB` },
    { description: 'S3 GET requests', priceKey: 's3.standard.get', quantity: 2 + parts + 3, basis: `plan read, ItemReader, ${parts} ranged reads, summary reads` },
    { description: 'S3 PUT and LIST requests', priceKey: 's3.standard.put', quantity: 2 + parts * 2 + 4, basis: `list + plan, 2 per part (results, rejected), summary and ResultWriter files` },
  ];
}

function transformDrafts(text: string): Draft[] {
  const instanceType = /"InstanceType":"(ml\.[a-z0-9]+\.[a-z0-9]+)"/.exec(text)?.[1] ?? 'ml.c6i.large';
  const count = Number(/"InstanceCount":(\d+)/.exec(text)?.[1] ?? '1');
  const vcpus = Number(/\.(\d*)x?large$/.exec(instanceType)?.[1] || '1') * (instanceType.endsWith('xlarge') ? 4 : 2);
  const seconds = ROWS / (BATCH_ROWS_PER_SECOND_PER_VCPU * vcpus * count) + TRANSFORM_STARTUP_SECONDS;
  return [
    { description: 'state transitions', priceKey: 'stepfunctions.standard.transitions', quantity: 3, basis: 'start, transform job, end' },
    { description: `transform instances (${count} × ${instanceType})`, priceKey: `sagemaker.instance.${instanceType}`, quantity: (seconds / 3600) * count, basis: `${Math.round(seconds - TRANSFORM_STARTUP_SECONDS)} s scoring at ${BATCH_ROWS_PER_SECOND_PER_VCPU.toLocaleString('en-US')} rows/s per vCPU (${vcpus} vCPUs) + ${TRANSFORM_STARTUP_SECONDS / 60} min start-up; priced at the hosting rate of the instance type` },
    { description: 'S3 requests', priceKey: 's3.standard.get', quantity: 10, basis: 'the job reads the input objects and writes one output per object' },
  ];
}

/** The batch state machines of `template`, each priced per million rows. */
export function estimateBatchRuns(template: CfnTemplate, prices: RegionPrices): BatchRunEstimate[] {
  const estimates: BatchRunEstimate[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const text = definitionText(resource);
    const engine = text.includes('sagemaker:createTransformJob') ? 'sagemaker-transform' : text.includes('"action":"plan"') ? 'lambda' : undefined;
    if (engine === undefined) continue;
    const drafts = engine === 'lambda' ? lambdaDrafts(text, template) : transformDrafts(text);
    const missingPrices: string[] = [];
    const lines: BatchRunLine[] = [];
    for (const draft of drafts) {
      const price = prices.get(draft.priceKey);
      if (price === undefined) {
        missingPrices.push(draft.priceKey);
        continue;
      }
      lines.push({ ...draft, unitUsd: price.unitUsd, usd: draft.quantity * price.unitUsd });
    }
    estimates.push({ stateMachine: logicalId, engine, rows: ROWS, lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0), missingPrices });
  }
  return estimates;
}

/** Text lines for the estimate's report. */
export function formatBatchRuns(estimates: readonly BatchRunEstimate[]): string[] {
  return estimates.flatMap((estimate) => [
    `Batch run per ${estimate.rows.toLocaleString('en-US')} rows (${estimate.stateMachine}, ${estimate.engine}): $${estimate.totalUsd.toFixed(4)}${estimate.missingPrices.length > 0 ? ` (incomplete: no price for ${estimate.missingPrices.join(', ')})` : ''}`,
    ...estimate.lines.map((line) => `  ${line.description}: ${line.quantity.toLocaleString('en-US', { maximumFractionDigits: 2 })} × $${line.unitUsd.toPrecision(3)} = $${line.usd.toFixed(4)} (${line.basis})`),
  ]);
}
