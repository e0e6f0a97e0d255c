/**
 * `modelstack label --env <name> labels.csv`: uploads ground truth for earlier predictions into the environment's
 * prediction records, as SageMaker ground-truth JSON Lines under `ground-truth/<hour>/`. The CSV has `id` and
 * `label` (classification), `value` (regression) or one column per target (multi-output regression), checked
 * against the model's manifest: one bad row and nothing is uploaded (exit 1, every problem listed). The bucket is
 * the deployed stack's `RecordsBucketName` output, the stack and region those the app recorded in the cloud
 * assembly (`--cdk-out`), as for `modelstack verify`; `--bucket` names it directly. Run it with credentials of the
 * ground-truth writer role (the stack's `GroundTruthWriterRoleArn` output): only that role may write there.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import { Command, InvalidArgumentError } from 'commander';
import { readManifest } from '../../lambda/core/manifest';
import { createRecordsS3Client } from '../../lambda/records/s3-capture-sink';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import { parseGroundTruthCsv } from '../../lib/records/ground-truth-labels';
import { uploadGroundTruth } from '../../lib/records/ground-truth-upload';
import { recordedEnvironment, recordsBucketOf } from '../../lib/records/records-location';
import type { CliContext } from '../cli-contract';

/** The AWS edge of `label` for a region; tests pass their own. */
export interface LabelAws {
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
}

export interface LabelCommandSeams {
  /** @default SDK clients with the default credential chain (S3 at `--s3-endpoint` when given) */
  readonly aws?: (region: string | undefined, s3Endpoint: string | undefined) => LabelAws;
  /** @default new Date() */
  readonly now?: () => Date;
}

interface LabelOptions {
  readonly env: string;
  readonly cdkOut: string;
  readonly bucket?: string;
  readonly model?: string;
  readonly region?: string;
  readonly s3Endpoint?: string;
}

function defaultAws(region: string | undefined, s3Endpoint: string | undefined): LabelAws {
  return {
    cloudFormation: new CloudFormationClient(region === undefined ? {} : { region }),
    s3: createRecordsS3Client(s3Endpoint, region === undefined ? {} : { region }),
  };
}

function parseUrl(text: string): string {
  if (!URL.canParse(text)) throw new InvalidArgumentError('must be a URL such as http://127.0.0.1:4569.');
  return text;
}

/** Bucket, region and model folder: from the options where given, else from the assembly and the deployed stack. */
async function target(context: CliContext, options: LabelOptions, aws: NonNullable<LabelCommandSeams['aws']>) {
  const needsAssembly = options.bucket === undefined || options.model === undefined;
  const recorded = needsAssembly ? recordedEnvironment(resolve(context.cwd, options.cdkOut), options.env, context.cwd) : undefined;
  const region = options.region ?? recorded?.region;
  const edge = aws(region, options.s3Endpoint);
  const bucket = options.bucket ?? (await recordsBucketOf(edge.cloudFormation, (recorded as { stackName: string }).stackName));
  const modelDirectory = options.model === undefined ? (recorded as { modelDirectory: string }).modelDirectory : resolve(context.cwd, options.model);
  return { bucket, modelDirectory, s3: edge.s3 };
}

export function labelCommand(context: CliContext, seams: LabelCommandSeams = {}): Command {
  return new Command('label')
    .description("Upload ground truth (CSV: id, and label, value or one column per target) into an environment's prediction records")
    .argument('<labels.csv>', 'the labels: a header row, then one row per labelled prediction')
    .requiredOption('--env <name>', 'the environment whose records receive the labels')
    .option('--cdk-out <dir>', 'the synthesized cloud assembly the environment is read from', DEFAULT_CDK_OUT)
    .option('--bucket <name>', "the records bucket (default: the deployed stack's RecordsBucketName output)")
    .option('--model <dir>', 'the model folder whose manifest the labels are checked against (default: the one recorded in the assembly)')
    .option('--region <region>', "the AWS region (default: the environment's)")
    .option('--s3-endpoint <url>', 'an S3-compatible server instead of S3', parseUrl)
    .action(async (file: string, options: LabelOptions) => {
      const path = resolve(context.cwd, file);
      const [text, where] = await Promise.all([readFile(path, 'utf8'), target(context, options, seams.aws ?? defaultAws)]);
      const manifest = await readManifest(join(where.modelDirectory, 'model.json'));
      const records = parseGroundTruthCsv(text, manifest, file);
      const upload = await uploadGroundTruth(where.s3, where.bucket, records, seams.now?.() ?? new Date());
      context.stdout(`modelstack: ${upload.count} label${upload.count === 1 ? '' : 's'} uploaded to s3://${upload.bucket}/${upload.key}`);
    });
}
