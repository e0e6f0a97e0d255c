/**
 * The model versions stored in an environment's bucket: every `models/<name>/<sha256>.onnx` (content-addressed,
 * none deleted), which one the stack serves (its `ModelKey` output), and each one's evaluation as committed next
 * to it in the repository (`evaluation.json` of the newest commit whose `model.onnx` has those bytes).
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EvaluationRecord } from '../evaluation/evaluation-record';
import { metricValue } from '../evaluation/metric-names';
import { describeStack, outputOf } from '../verify/stack-facts';
import { commitOfModel, modelFileAt, modelHistory } from './production-model';

/** One stored version. */
export interface ModelVersion {
  readonly sha256: string;
  readonly key: string;
  readonly lastModified?: Date;
  readonly sizeBytes?: number;
  /** Whether the stack serves it. */
  readonly live: boolean;
  /** The commit whose `model.onnx` has these bytes; undefined when none does. */
  readonly commit?: string;
  /** Its committed evaluation; undefined when that commit has none for these bytes. */
  readonly evaluation?: { readonly version: string; readonly keyMetric: string; readonly value?: number; readonly passed: boolean };
}

/** Where to look. */
export interface ListVersionsOptions {
  readonly s3: Pick<S3Client, 'send'>;
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  readonly stackName: string;
  /** The manifest's model name: the key prefix `models/<name>/`. */
  readonly modelName: string;
  /** The model folder in a git working tree, for the evaluations. */
  readonly modelDirectory: string;
}

const KEY = /^models\/[a-z0-9-]+\/([0-9a-f]{64})\.onnx$/;

/** The stored versions, newest upload first. */
export async function listModelVersions(options: ListVersionsOptions): Promise<ModelVersion[]> {
  const stack = await describeStack(options.cloudFormation, options.stackName);
  const bucket = outputOf(stack, 'ModelBucketName');
  const liveKey = outputOf(stack, 'ModelKey');
  const objects: Array<{ key: string; sha256: string; lastModified?: Date; size?: number }> = [];
  let token: string | undefined;
  do {
    const page = await options.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `models/${options.modelName}/`, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const match = KEY.exec(object.Key ?? '');
      if (match !== null) objects.push({ key: match[0], sha256: match[1], lastModified: object.LastModified, size: object.Size });
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  const history = await modelHistory(options.modelDirectory);
  const versions: ModelVersion[] = [];
  for (const object of objects) {
    const commit = await commitOfModel(history, object.sha256);
    const evaluation = commit === undefined ? undefined : await evaluationAt(history, commit, object.sha256);
    versions.push({ sha256: object.sha256, key: object.key, lastModified: object.lastModified, sizeBytes: object.size, live: object.key === liveKey, commit, evaluation });
  }
  return versions.sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
}

async function evaluationAt(history: Awaited<ReturnType<typeof modelHistory>>, commit: string, sha256: string): Promise<ModelVersion['evaluation']> {
  const bytes = await modelFileAt(history, commit, 'evaluation.json');
  if (bytes === undefined) return undefined;
  const record = JSON.parse(bytes.toString('utf8')) as EvaluationRecord;
  // An evaluation.json left over from an older model says nothing about these bytes.
  if (record.model.sha256 !== sha256) return undefined;
  return { version: record.model.version, keyMetric: record.keyMetric, value: metricValue(record.metrics, record.keyMetric), passed: record.verdict.passed };
}

/** One line per version for the terminal. */
export function formatVersions(versions: readonly ModelVersion[]): string[] {
  if (versions.length === 0) return ['no model versions stored'];
  return versions.map((v) => {
    const figures = v.evaluation === undefined ? 'not evaluated in this repository' : `${v.evaluation.version}, ${v.evaluation.keyMetric} ${v.evaluation.value?.toFixed(4) ?? 'n/a'}, ${v.evaluation.passed ? 'passed' : 'failed'}`;
    const when = v.lastModified?.toISOString() ?? 'unknown time';
    return `${v.live ? '* live' : '      '} ${v.sha256.slice(0, 12)}  ${when}  ${figures}${v.commit === undefined ? '' : `  (commit ${v.commit.slice(0, 12)})`}`;
  });
}
