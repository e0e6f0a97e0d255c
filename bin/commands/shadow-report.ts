/**
 * `modelstack shadow-report <capture files or dirs...>`: compares a production variant with its shadow from
 * SageMaker data capture files (offline), prints a table, and writes JSON and Markdown. A thin wrapper over
 * `lib/shadow/`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { captureFiles, CaptureFormatError, readVariantRecords } from '../../lib/shadow/capture-records';
import { compareShadow, formatShadowMarkdown, formatShadowTable } from '../../lib/shadow/shadow-report';
import { CheckFailedError, type CliContext } from '../cli-contract';

interface ShadowReportOptions {
  readonly production: string;
  readonly shadow: string;
  readonly json?: string;
  readonly markdown?: string;
  readonly minAgreement?: number;
}

function parseRate(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new InvalidArgumentError('must be a number from 0 to 1.');
  return value;
}

export function shadowReportCommand(context: CliContext): Command {
  return new Command('shadow-report')
    .description('Compare a SageMaker production variant with its shadow from data capture files (JSON Lines)')
    .argument('<paths...>', 'capture files (.jsonl) or directories holding them (SageMaker layout: .../<endpoint>/<variant>/yyyy/mm/dd/hh/)')
    .option('--production <variant>', 'production variant name', 'primary')
    .option('--shadow <variant>', 'shadow variant name', 'shadow')
    .option('--json <file>', 'write the report as JSON')
    .option('--markdown <file>', 'write the report as Markdown')
    .option('--min-agreement <rate>', 'fail (exit 1) when label agreement is below this rate (0-1)', parseRate)
    .action((paths: string[], options: ShadowReportOptions) => {
      let records;
      try {
        records = readVariantRecords(captureFiles(paths.map((p) => resolve(context.cwd, p))), [options.production, options.shadow]);
      } catch (error) {
        if (error instanceof CaptureFormatError) throw new CheckFailedError(error.message);
        throw error;
      }
      const report = compareShadow(records, options.production, options.shadow);
      context.stdout(formatShadowTable(report));
      if (options.json !== undefined) writeFileSync(resolve(context.cwd, options.json), `${JSON.stringify(report, null, 2)}\n`);
      if (options.markdown !== undefined) writeFileSync(resolve(context.cwd, options.markdown), formatShadowMarkdown(report));
      if (report.pairedRequests === 0) {
        throw new CheckFailedError(`no request was captured on both ${options.production} and ${options.shadow}: nothing to compare`);
      }
      if (options.minAgreement !== undefined && (report.agreementRate ?? 0) < options.minAgreement) {
        throw new CheckFailedError(`label agreement ${(report.agreementRate ?? 0).toFixed(3)} is below --min-agreement ${options.minAgreement}`);
      }
    });
}
