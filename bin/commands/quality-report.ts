/**
 * `modelstack quality-report <captures> <ground-truth> --model <dir>`: the quality job's join and metrics offline,
 * over local folders (or what was downloaded from the records bucket), window by window; writes the HTML report
 * (and JSON on request) and exits 1 when a window with enough labels breaks one of the manifest's minimums, for a
 * scheduled CI job. A thin wrapper over `lib/quality/quality-report.ts`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { CaptureFormatError } from '../../lambda/records/record-reader';
import { QUALITY_DEFAULTS } from '../../lib/quality/quality-defaults';
import { buildQualityReport, renderQualityReport } from '../../lib/quality/quality-report';
import { CheckFailedError, type CliContext } from '../cli-contract';

interface QualityReportOptions {
  readonly model: string;
  readonly windowHours: number;
  readonly minLabelled: number;
  readonly html: string;
  readonly json?: string;
}

const wholeNumber = (min: number, max: number) => (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
  return value;
};

export function qualityReportCommand(context: CliContext): Command {
  return new Command('quality-report')
    .description('Live quality offline: join captured predictions with ground truth by inference id, score each window with the evaluation library, measure feature drift; write an HTML report; exit 1 when a minimum is broken')
    .argument('<captures>', 'folder (or file) of capture records (.jsonl), e.g. a download of capture/ from the records bucket')
    .argument('<ground-truth>', 'folder (or file) of ground-truth records (.jsonl), e.g. a download of ground-truth/')
    .requiredOption('--model <dir>', 'the model directory (model.json; profile.json and evaluation.json when present)')
    .option('--window-hours <hours>', 'hours per window', wholeNumber(1, 24 * 31), QUALITY_DEFAULTS.window.toHours())
    .option('--min-labelled <count>', 'labelled predictions a window needs to be judged', wholeNumber(1, 10_000_000), QUALITY_DEFAULTS.minLabelledPredictions)
    .option('--html <file>', 'where to write the HTML report', 'quality-report.html')
    .option('--json <file>', 'also write the report as JSON')
    .action(async (captures: string, groundTruth: string, options: QualityReportOptions) => {
      let report;
      try {
        report = await buildQualityReport({
          modelDir: resolve(context.cwd, options.model),
          captures: resolve(context.cwd, captures),
          groundTruth: resolve(context.cwd, groundTruth),
          windowHours: options.windowHours,
          minLabelledPredictions: options.minLabelled,
        });
      } catch (error) {
        if (error instanceof CaptureFormatError) throw new CheckFailedError(error.message);
        throw error;
      }
      for (const w of report.windows) {
        const figure = w.live?.accuracy ?? w.live?.rmse;
        context.stdout(`${w.window.start}  ${w.predictions} predictions, ${w.labelled} labelled${figure === undefined ? '' : `, ${w.live?.accuracy === undefined ? 'rmse' : 'accuracy'} ${figure.toFixed(4)}`}`);
      }
      const html = resolve(context.cwd, options.html);
      writeFileSync(html, renderQualityReport(report));
      context.stdout(`wrote ${html}`);
      if (options.json !== undefined) writeFileSync(resolve(context.cwd, options.json), `${JSON.stringify(report, null, 2)}\n`);
      if (report.windows.length === 0) throw new CheckFailedError(`no captured prediction under ${captures}: nothing to report`);
      if (report.breaches.length > 0) throw new CheckFailedError(`the live quality of ${report.model.name} broke its minimums:\n${report.breaches.map((b) => `  - ${b}`).join('\n')}`);
    });
}
