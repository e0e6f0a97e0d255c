/**
 * `modelstack forget --env <name> --id <id>...`: deletes the prediction records (captures and ground truth) of the
 * given prediction ids from the environment's records bucket ({@link forgetRecords}), e.g. for a person's request
 * to erase their data. The bucket is found as `modelstack label` finds it (`--bucket` names it). It needs read,
 * write and delete rights on the records, which the ground-truth writer role does not have: run it as an operator.
 */
import { resolve } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { Command, InvalidArgumentError } from 'commander';
import { createRecordsS3Client } from '../../lambda/records/s3-capture-sink';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import { forgetRecords } from '../../lib/records/forget-records';
import { recordedEnvironment, recordsBucketOf } from '../../lib/records/records-location';
import type { CliContext } from '../cli-contract';
import type { LabelCommandSeams } from './label';

interface ForgetOptions {
  readonly env: string;
  readonly id: string[];
  readonly cdkOut: string;
  readonly bucket?: string;
  readonly region?: string;
  readonly s3Endpoint?: string;
}

const ID = /^[A-Za-z0-9._:/@+=#-]{1,72}$/;

function collectId(value: string, previous: string[] = []): string[] {
  if (!ID.test(value)) throw new InvalidArgumentError('must be a prediction id (letters, digits and - _ . : / @ + =, optionally #<index>).');
  return [...previous, value];
}

function parseUrl(text: string): string {
  if (!URL.canParse(text)) throw new InvalidArgumentError('must be a URL such as http://127.0.0.1:4569.');
  return text;
}

export function forgetCommand(context: CliContext, seams: Pick<LabelCommandSeams, 'aws'> = {}): Command {
  return new Command('forget')
    .description("Delete the captured predictions and ground truth of the given prediction ids from an environment's prediction records")
    .requiredOption('--env <name>', 'the environment whose records are cleaned')
    .requiredOption('--id <id>', 'a prediction id (repeat for several)', collectId)
    .option('--cdk-out <dir>', 'the synthesized cloud assembly the environment is read from', DEFAULT_CDK_OUT)
    .option('--bucket <name>', "the records bucket (default: the deployed stack's RecordsBucketName output)")
    .option('--region <region>', "the AWS region (default: the environment's)")
    .option('--s3-endpoint <url>', 'an S3-compatible server instead of S3', parseUrl)
    .action(async (options: ForgetOptions) => {
      const recorded = options.bucket === undefined ? recordedEnvironment(resolve(context.cwd, options.cdkOut), options.env, context.cwd) : undefined;
      const region = options.region ?? recorded?.region;
      const edge = (seams.aws ?? ((r, endpoint) => ({ cloudFormation: new CloudFormationClient(r === undefined ? {} : { region: r }), s3: createRecordsS3Client(endpoint, r === undefined ? {} : { region: r }) })))(region, options.s3Endpoint);
      const bucket = options.bucket ?? (await recordsBucketOf(edge.cloudFormation, (recorded as { stackName: string }).stackName));
      const result = await forgetRecords(edge.s3, bucket, options.id);
      context.stdout(`modelstack: ${result.removedLines} record${result.removedLines === 1 ? '' : 's'} removed from ${result.changed.length} of ${result.scanned} objects in s3://${bucket}`);
      for (const key of result.changed) context.stdout(`  ${key}`);
    });
}
