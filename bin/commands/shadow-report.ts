/**
 * `modelstack shadow-report <capture files or dirs...>`: compares a production variant with its shadow from
 * SageMaker data capture files (offline), prints a table, and writes JSON and Markdown. A thin wrapper over
 * `lib/shadow/`. With thresholds it is a gate (exit 1): the pipeline's shadow phase runs it with its `--plan`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { readShadowPlan, ShadowPlanError } from '../../lib/pipeline/shadow-plan';
import { captureFiles, CaptureFormatError, readVariantRecords, type VariantRecord } from '../../lib/shadow/capture-records';
import { compareShadow, formatShadowMarkdown, formatShadowTable, type ShadowReport } from '../../lib/shadow/shadow-report';
import { CheckFailedError, type CliContext } from '../cli-contract';

interface ShadowReportOptions {
  readonly production: string;
  readonly shadow: string;
  readonly json?: string;
  readonly markdown?: string;
  readonly minAgreement?: number;
  readonly maxMeanDifference?: number;
  readonly minPaired: number;
  readonly since?: Date;
  readonly plan?: string;
}

function parseRate(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new InvalidArgumentError('must be a number from 0 to 1.');
  return value;
}

function parseNonNegative(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a number of at least 0.');
  return value;
}

function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number of at least 1.');
  return value;
}

function parseTime(text: string): Date {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new InvalidArgumentError('must be an ISO 8601 time such as 2026-12-01T20:00:00Z.');
  return new Date(time);
}

/** The records of `paths` captured at or after `since`. */
function readRecords(context: CliContext, paths: readonly string[], options: ShadowReportOptions, since: Date | undefined): VariantRecord[] {
  try {
    const records = readVariantRecords(captureFiles(paths.map((p) => resolve(context.cwd, p))), [options.production, options.shadow]);
    return since === undefined ? records : records.filter((r) => Date.parse(r.record.eventMetadata.inferenceTime) >= since.getTime());
  } catch (error) {
    if (error instanceof CaptureFormatError) throw new CheckFailedError(error.message);
    throw error;
  }
}

/** Why the report fails its thresholds; empty when it passes. */
function failures(report: ShadowReport, options: ShadowReportOptions): string[] {
  const found: string[] = [];
  if (report.pairedRequests < options.minPaired) found.push(`${report.pairedRequests} requests were captured on both ${options.production} and ${options.shadow}; --min-paired is ${options.minPaired}: too little to compare`);
  if (options.minAgreement !== undefined && (report.agreementRate ?? 0) < options.minAgreement) {
    found.push(report.agreementRate === undefined ? `label agreement is not available (task ${report.task}); --min-agreement applies to classification` : `label agreement ${report.agreementRate.toFixed(3)} is below --min-agreement ${options.minAgreement}`);
  }
  if (options.maxMeanDifference !== undefined && !(report.values !== undefined && report.values.meanAbsoluteDifference <= options.maxMeanDifference)) {
    found.push(report.values === undefined ? `value differences are not available (task ${report.task}); --max-mean-difference applies to regression` : `mean |difference| ${report.values.meanAbsoluteDifference.toFixed(4)} is above --max-mean-difference ${options.maxMeanDifference}`);
  }
  return found;
}

function write(context: CliContext, options: ShadowReportOptions, json: unknown, markdown: string): void {
  if (options.json !== undefined) writeFileSync(resolve(context.cwd, options.json), `${JSON.stringify(json, null, 2)}\n`);
  if (options.markdown !== undefined) writeFileSync(resolve(context.cwd, options.markdown), markdown);
}

export function shadowReportCommand(context: CliContext): Command {
  return new Command('shadow-report')
    .description('Compare a SageMaker production variant with its shadow from data capture files (JSON Lines)')
    .argument('<paths...>', 'capture files (.jsonl) or directories holding them (SageMaker layout: .../<endpoint>/<variant>/yyyy/mm/dd/hh/)')
    .option('--production <variant>', 'production variant name', 'primary')
    .option('--shadow <variant>', 'shadow variant name', 'shadow')
    .option('--json <file>', 'write the report as JSON')
    .option('--markdown <file>', 'write the report as Markdown')
    .option('--min-agreement <rate>', 'fail (exit 1) when label agreement is below this rate (0-1; classification)', parseRate)
    .option('--max-mean-difference <value>', 'fail (exit 1) when the mean absolute difference of values is above this (regression)', parseNonNegative)
    .option('--min-paired <count>', 'fail (exit 1) when fewer requests were captured on both variants', parseCount, 1)
    .option('--since <time>', 'only records captured at or after this time (ISO 8601)', parseTime)
    .option('--plan <file>', "a pipeline shadow plan (modelstack shadow-baseline): its time is --since, and when it shadowed nothing the report says why and passes")
    .action((paths: string[], options: ShadowReportOptions) => {
      let since = options.since;
      if (options.plan !== undefined) {
        let plan;
        try {
          plan = readShadowPlan(resolve(context.cwd, options.plan));
        } catch (error) {
          if (error instanceof ShadowPlanError) throw new CheckFailedError(error.message);
          throw error;
        }
        if (!plan.shadowing) {
          context.stdout(`no shadow phase in this run: ${plan.reason}`);
          write(context, options, { skipped: true, reason: plan.reason }, `# Shadow report\n\nNo shadow phase in this run: ${plan.reason}.\n`);
          return;
        }
        since ??= new Date(plan.since);
      }
      const report = compareShadow(readRecords(context, paths, options, since), options.production, options.shadow);
      context.stdout(formatShadowTable(report));
      write(context, options, report, formatShadowMarkdown(report));
      const found = failures(report, options);
      if (found.length > 0) throw new CheckFailedError(`the shadow comparison fails:\n${found.map((f) => `  - ${f}`).join('\n')}`);
    });
}
