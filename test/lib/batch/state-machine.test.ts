/**
 * The synthesized batch state machine, checked twice: its definition by a real Amazon States Language validator
 * (asl-validator), and its flow by a local executor (aws-local-stepfunctions) whose Lambda edge is the batch host
 * in process, on a real S3 API (s3rver).
 *
 * aws-local-stepfunctions runs Map states from an array in the input only: it has no ItemReader (reading the
 * items from S3) and no ResultWriter (writing the map's results to S3). The local run therefore replaces the
 * ItemReader with an ItemsPath over the plan the Plan step wrote (the same JSON array the ItemReader would read),
 * and ends at the map; ResultWriter's files and the Summarize step are tested in test/lambda/batch/batch-host.test.ts
 * with a ResultWriter manifest and result file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
// asl-validator ships no types: one function from definition to { isValid, errors }.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errors: Array<{ message: string }> };
import { StateMachine } from 'aws-local-stepfunctions';
import { createBatchHandler, type BatchEvent } from '../../../lambda/hosts/batch-handler';
import type { ScoreResult } from '../../../lambda/batch/s3-batch';
import { sha256Hex } from '../../../lambda/core/model-source';
import { runtimeConfigFromEnv } from '../../../lambda/core/runtime-config';
import { synthBatch } from '../../support/batch';
import { EXAMPLE } from '../../support/sagemaker';
import { startLocalS3, type LocalS3 } from '../../support/s3rver';
import '../../support/promise-with-resolvers';

const BUCKET = 'batch-data';

type Json = Record<string, unknown>;

/** The template's definition with CloudFormation references replaced by plausible literal values. */
function definitionOf(template: Json): Json {
  const resources = template.Resources as Record<string, { Type: string; Properties: Json }>;
  const machine = Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const [, parts] = (machine?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const literal = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const ref = (part as { Ref?: string }).Ref;
    if (ref === 'AWS::Partition') return 'aws';
    if (ref !== undefined && resources[ref]?.Type === 'AWS::S3::Bucket') return BUCKET;
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt !== undefined && resources[getAtt[0]]?.Type === 'AWS::Lambda::Function') return 'arn:aws:lambda:eu-west-1:123456789012:function:batch';
    throw new Error(`unexpected reference in the definition: ${JSON.stringify(part)}`);
  };
  return JSON.parse(parts.map(literal).join('')) as Json;
}

const { template } = synthBatch({ maxConcurrency: 3, rowsPerChild: 1000 });
const definition = definitionOf(template.toJSON());

describe('Given the synthesized batch state machine', () => {
  test('When asl-validator checks the definition, then it is valid Amazon States Language', () => {
    const result = aslValidator(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  test('When asl-validator checks a definition with a broken transition, then it is refused (the check can fail)', () => {
    const broken = JSON.parse(JSON.stringify(definition)) as { States: Record<string, Json> };
    broken.States.Plan.Next = 'Nowhere';
    expect(aslValidator(broken).isValid).toBe(false);
  });

  test('Then the map is distributed, reads its items from the plan and writes its results under the output prefix', () => {
    const map = (definition.States as Record<string, Json>).ScoreParts;
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 3,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: BUCKET, 'Key.$': '$.run.plan.key' } },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: BUCKET, Prefix: 'batch/output/map-results' } },
      ItemSelector: { 'item.$': '$$.Map.Item.Value', 'output.$': '$.run.output' },
    });
  });
});

describe('Given the batch host in process and a CSV in S3', () => {
  let s3: LocalS3;
  const modelBytes = readFileSync(join(EXAMPLE, 'model.onnx'));
  const rows = readFileSync(join(EXAMPLE, 'test.csv'), 'utf8').trim().split('\n');

  beforeAll(async () => {
    s3 = await startLocalS3();
    await s3.client.send(new CreateBucketCommand({ Bucket: 'models' }));
    await s3.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'm/model.onnx', Body: modelBytes }));
    // 143 rows repeated to 2,600, so rowsPerChild 1000 makes three parts.
    const data = Array.from({ length: 2600 }, (_, i) => `c${i + 1},${rows[1 + (i % (rows.length - 1))]}`);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'batch/input/day.csv', Body: `id,${rows[0]}\n${data.join('\n')}\n` }));
  }, 60_000);

  afterAll(async () => {
    await s3?.close();
  });

  test('When the local executor runs the state machine up to the map, then every part is scored into the output prefix', async () => {
    const host = createBatchHandler({
      s3Client: s3.client,
      config: runtimeConfigFromEnv({ MODEL_BUCKET: 'models', MODEL_KEY: 'm/model.onnx', MODEL_SHA256: sha256Hex(modelBytes), MODEL_MANIFEST: join(EXAMPLE, 'model.json') }),
      locations: { input: { bucket: BUCKET, key: 'batch/input/' }, output: { bucket: BUCKET, key: 'batch/output/' } },
    });
    const local = JSON.parse(JSON.stringify(definition)) as { States: Record<string, Json> };
    const map = local.States.ScoreParts;
    delete map.ItemReader;
    delete map.ResultWriter;
    delete map.Next;
    map.ItemsPath = '$.run.plannedItems';
    map.End = true;
    delete local.States.Summarize;
    (local.States.Plan.ResultSelector as Json)['plannedItems.$'] = '$.Payload.plannedItems';
    const machine = new StateMachine(local as never, { validationOptions: { checkArn: false } });
    const execution = machine.run(
      { input: `s3://${BUCKET}/batch/input/day.csv`, output: `s3://${BUCKET}/batch/output/run-7` },
      {
        overrides: {
          taskResourceLocalHandlers: {
            // lambda:invoke takes { FunctionName, Payload } and wraps the result in Payload; the local executor
            // hands the parameters over as they are, so the handler unwraps and wraps.
            Plan: async (parameters) => {
              const result = (await host((parameters as unknown as { Payload: BatchEvent }).Payload)) as unknown as Json & { plan: { key: string } };
              // What the ItemReader would read: the plan's JSON array.
              const plan = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: result.plan.key }));
              return { Payload: { ...result, plannedItems: JSON.parse((await plan.Body?.transformToString()) ?? '[]') as unknown } } as never;
            },
            ScorePart: async (event) => (await host(event as unknown as BatchEvent)) as never,
          },
        },
      },
    );
    const output = (await execution.result) as unknown as { run: { items: number }; map: ScoreResult[] };
    expect(output.run.items).toBe(3);
    expect(output.map.map((r) => [r.id, r.rows, r.rejectedRows])).toEqual([
      ['part-000000', 1000, 0],
      ['part-000001', 1000, 0],
      ['part-000002', 600, 0],
    ]);
    const last = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'batch/output/run-7/results/part-000002.csv' }));
    const lines = ((await last.Body?.transformToString()) ?? '').trim().split('\n');
    expect(lines).toHaveLength(601);
    expect(lines[600]).toMatch(/^2600,c2600,/);
  }, 120_000);
});
