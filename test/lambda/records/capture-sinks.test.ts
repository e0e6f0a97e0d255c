/**
 * The capture sinks: one log line per record in Lambda (lambda/records/log-line-sink.ts), and buffered JSON Lines
 * objects in a records bucket elsewhere (lambda/records/s3-capture-sink.ts), against a real S3-compatible server
 * (s3rver) on loopback, also behind the local server with `capture` on.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { startServer } from '../../../lambda/hosts/local-server';
import { logLineSink, MAX_CAPTURE_LINE_BYTES } from '../../../lambda/records/log-line-sink';
import type { CaptureRecord } from '../../../lambda/records/record-format';
import { S3CaptureSink } from '../../../lambda/records/s3-capture-sink';
import { startLocalS3, type LocalS3 } from '../../support/s3rver';
import { EXAMPLES, expected } from '../../support/serving';

const AT = new Date(Date.UTC(2026, 11, 5, 7, 30));

describe('Given the log line sink', () => {
  test('When a record is written, then it is one line with its newline', () => {
    const written: string[] = [];
    logLineSink({ write: (t) => written.push(t) }).write({ line: '{"a":1}', at: AT });
    expect(written).toEqual(['{"a":1}\n']);
  });

  test('When records are larger than a log event, then they are dropped and reported once', () => {
    const written: string[] = [];
    const reports: string[] = [];
    const sink = logLineSink({ write: (t) => written.push(t), onDropped: (m) => reports.push(m) });
    const big = `"${'x'.repeat(MAX_CAPTURE_LINE_BYTES)}"`;
    sink.write({ line: big, at: AT });
    sink.write({ line: big, at: AT });
    expect(written).toEqual([]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/was not captured: a log event holds at most/);
  });
});

async function texts(client: S3Client, bucket: string, prefix: string): Promise<Map<string, string>> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const out = new Map<string, string>();
  for (const { Key } of listed.Contents ?? []) {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
    out.set(Key as string, await (object.Body as { transformToString(): Promise<string> }).transformToString());
  }
  return out;
}

describe('Given the S3 sink and an S3-compatible server', () => {
  let s3: LocalS3;
  let afterEnv: (() => void) | undefined;
  afterEach(() => {
    afterEnv?.();
    afterEnv = undefined;
  });
  beforeAll(async () => {
    s3 = await startLocalS3();
    await s3.client.send(new CreateBucketCommand({ Bucket: 'records' }));
  });
  afterAll(async () => s3.close());

  test('When records of two hours are closed, then each hour folder gets one JSON Lines object', async () => {
    const sink = new S3CaptureSink({ bucket: 'records', name: 'hours', client: s3.client });
    sink.write({ line: '{"n":1}', at: AT });
    sink.write({ line: '{"n":2}', at: AT });
    sink.write({ line: '{"n":3}', at: new Date(AT.getTime() + 3600_000) });
    await sink.close();
    const objects = await texts(s3.client, 'records', 'capture/hours/');
    const byFolder = [...objects].map(([key, text]) => [key.split('/').slice(0, 7).join('/'), text]);
    expect(byFolder.sort()).toEqual([
      ['capture/hours/live/2026/12/05/07', '{"n":1}\n{"n":2}\n'],
      ['capture/hours/live/2026/12/05/08', '{"n":3}\n'],
    ]);
    expect([...objects.keys()].every((k) => k.endsWith('.jsonl'))).toBe(true);
  });

  test('When maxRecords are waiting, then they are written without waiting for the timer', async () => {
    const sink = new S3CaptureSink({ bucket: 'records', name: 'count', client: s3.client, maxRecords: 2, flushIntervalMs: 3_600_000 });
    sink.write({ line: '{"n":1}', at: AT });
    sink.write({ line: '{"n":2}', at: AT });
    await sink.flush();
    expect(sink.written).toBe(1);
    expect([...(await texts(s3.client, 'records', 'capture/count/')).values()]).toEqual(['{"n":1}\n{"n":2}\n']);
    await sink.close();
  });

  test('When the bucket does not exist, then writes fail quietly: reported once, records counted as dropped', async () => {
    const reports: string[] = [];
    const sink = new S3CaptureSink({ bucket: 'no-such-bucket', name: 'x', client: s3.client, maxRecords: 1, onError: (m) => reports.push(m) });
    sink.write({ line: '{"n":1}', at: AT });
    sink.write({ line: '{"n":2}', at: AT });
    await sink.close();
    expect(sink.dropped).toBe(2);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/s3:\/\/no-such-bucket\/capture\/x\/live\/2026\/12\/05\/07\/.*NoSuchBucket.*requests are not affected/);
  });

  test('When the local server captures with a long timer and is closed, then every answered prediction is in the bucket', async () => {
    const errors: string[] = [];
    // The server's own client takes its credentials from the environment, as `modelstack serve` does.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    afterEnv = () => {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    };
    const server = await startServer({
      model: join(EXAMPLES, 'iris'),
      port: 0,
      announce: () => undefined,
      capture: { bucket: 'records', samplingPercentage: 100, captureInputs: true, endpoint: s3.endpoint, flushIntervalMs: 3_600_000, name: 'served', onError: (m) => errors.push(m) },
    });
    const ids: string[] = [];
    for (const instance of expected.iris.instances.slice(0, 3)) {
      const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [instance] }) });
      expect(response.status).toBe(200);
      ids.push(response.headers.get('x-inference-id') as string);
    }
    await server.close();
    expect(errors).toEqual([]);
    const lines = [...(await texts(s3.client, 'records', 'capture/served/live/')).values()].join('').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as CaptureRecord);
    expect(records.map((r) => r.eventMetadata.inferenceId).sort()).toEqual([...ids].sort());
    const first = records.find((r) => r.eventMetadata.inferenceId === ids[0]) as CaptureRecord;
    expect(JSON.parse(first.captureData.endpointInput?.data ?? '')).toEqual({ instances: [expected.iris.instances[0]] });
  });
});
