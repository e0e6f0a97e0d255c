/**
 * The capture sink of a server outside Lambda and SageMaker (`modelstack serve`, the container run elsewhere): records
 * are buffered in memory and written as JSON Lines objects under `capture/<name>/live/<yyyy>/<mm>/<dd>/<hh>/` of a
 * records bucket (one object per hour folder per flush), when `maxRecords` are waiting, every `flushIntervalMs`,
 * and at {@link S3CaptureSink.close} (the server's drain calls it, so a SIGTERM loses nothing buffered). A failed
 * write is reported once and its records are dropped (counted); it never reaches a request.
 */
import { randomBytes } from 'node:crypto';
import type { PutObjectCommand as PutObject, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { hourFolder, LAMBDA_CAPTURE_VARIANT, RECORD_PREFIXES } from './record-format';
import type { CaptureSink, CapturedLine } from '../serving/prediction-capture';

/** Defaults of {@link S3CaptureSinkOptions}, written once. */
export const S3_CAPTURE_DEFAULTS = { maxRecords: 1000, flushIntervalMs: 60_000 } as const;

export interface S3CaptureSinkOptions {
  /** The records bucket. */
  readonly bucket: string;
  /** The folder under `capture/`: the model's (or function's) name. */
  readonly name: string;
  /** @default createRecordsS3Client(endpoint) (the environment's region and credentials), closed at close */
  readonly client?: S3Client;
  /** An S3-compatible server's URL, for the default client. @default - S3 */
  readonly endpoint?: string;
  /** Records buffered before a write. @default S3_CAPTURE_DEFAULTS.maxRecords */
  readonly maxRecords?: number;
  /** Longest a record waits in the buffer. @default S3_CAPTURE_DEFAULTS.flushIntervalMs */
  readonly flushIntervalMs?: number;
  /** KMS key for SSE-KMS (else the bucket's default encryption applies). @default - the bucket's default */
  readonly kmsKeyId?: string;
  /** Told once, at the first failed write. @default console.error */
  readonly onError?: (message: string) => void;
}

/**
 * An S3 client for a records bucket; `endpoint` for an S3-compatible server (path-style addressing, a region of
 * `us-east-1` unless `config` says otherwise: such servers ignore it). Credentials come from the environment.
 */
export function createRecordsS3Client(endpoint?: string, config: S3ClientConfig = {}): S3Client {
  const { S3Client: Client } = s3Sdk();
  return new Client({
    ...(endpoint === undefined
      ? {}
      : { endpoint, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    ...config,
  });
}

/** Loaded at first use, as in `core/model-source.ts`: a server without capture never pays for the SDK. */
function s3Sdk(): { PutObjectCommand: typeof PutObject; S3Client: typeof S3Client } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-s3') as { PutObjectCommand: typeof PutObject; S3Client: typeof S3Client };
}

export class S3CaptureSink implements CaptureSink {
  /** Records whose write failed (dropped). */
  public dropped = 0;
  /** Objects written. */
  public written = 0;
  private buffer: CapturedLine[] = [];
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly maxRecords: number;
  private readonly timer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly prefix: string;
  private readonly unique = randomBytes(4).toString('hex');
  private sequence = 0;
  private reported = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: S3CaptureSinkOptions) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createRecordsS3Client(options.endpoint);
    this.maxRecords = options.maxRecords ?? S3_CAPTURE_DEFAULTS.maxRecords;
    this.prefix = `${RECORD_PREFIXES.capture}${options.name}/${LAMBDA_CAPTURE_VARIANT}/`;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? S3_CAPTURE_DEFAULTS.flushIntervalMs);
    this.timer.unref();
  }

  write(record: CapturedLine): void {
    if (this.closed !== undefined) return;
    this.buffer.push(record);
    if (this.buffer.length >= this.maxRecords) void this.flush();
  }

  /** Writes what is buffered; resolves when that and every earlier write are done (never rejects). */
  async flush(): Promise<void> {
    const records = this.buffer;
    this.buffer = [];
    const byHour = new Map<string, string[]>();
    for (const { line, at } of records) {
      const folder = hourFolder(at);
      const lines = byHour.get(folder) ?? [];
      lines.push(line);
      byHour.set(folder, lines);
    }
    for (const [folder, lines] of byHour) {
      const put = this.put(folder, lines).finally(() => this.inFlight.delete(put));
      this.inFlight.add(put);
    }
    await Promise.all([...this.inFlight]);
  }

  /** Flushes and stops; idempotent. Records written after this are ignored. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.timer);
      await this.flush();
      if (this.ownsClient) this.client.destroy();
    })();
    return this.closed;
  }

  private async put(folder: string, lines: readonly string[]): Promise<void> {
    const { PutObjectCommand } = s3Sdk();
    const key = `${this.prefix}${folder}${Date.now()}-${this.unique}-${++this.sequence}.jsonl`;
    const kms = this.options.kmsKeyId;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: `${lines.join('\n')}\n`,
          ContentType: 'application/jsonl',
          ...(kms === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kms }),
        }),
      );
      this.written++;
    } catch (error) {
      this.dropped += lines.length;
      if (!this.reported) {
        this.reported = true;
        const report = this.options.onError ?? ((message: string) => console.error(message));
        report(
          `modelstack: captured predictions could not be written to s3://${this.options.bucket}/${key} (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}); ` +
            'they are dropped, requests are not affected (this is reported once)',
        );
      }
    }
  }
}
