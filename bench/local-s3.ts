/**
 * A local S3-compatible server (s3rver, loopback only, random port) holding one model object, for the cold-start
 * benchmark: the handler downloads and verifies the model exactly as in Lambda, only from 127.0.0.1.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { makeTempDir, removeTempDir } from './processes';

/** s3rver ships no types; this is the part used here. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Environment for a child process whose AWS SDK must talk to this server (and nothing else). */
  readonly childEnv: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const CREDENTIAL = 'S3RVER';

/** Starts s3rver on 127.0.0.1 (port 0) with one bucket, and uploads `objects` into it. */
export async function startLocalS3(bucket: string, objects: ReadonlyArray<{ key: string; body: Uint8Array }>): Promise<LocalS3> {
  const directory = makeTempDir('s3');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types; typed by the cast
  const S3rver = require('s3rver') as S3rverConstructor;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: true,
    configureBuckets: [{ name: bucket }],
  });
  // The SDK's "Node.js < 22 will not be supported after 2027" notice says nothing about this benchmark; silence it
  // in this process only (children keep their own behaviour).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const closeServer = async () => {
    try {
      await server.close();
    } finally {
      removeTempDir(directory);
    }
  };
  try {
    // An IP endpoint makes the SDK use path-style addressing (http://127.0.0.1:port/bucket/key); s3rver does not
    // speak the flexible-checksum (aws-chunked) uploads, hence WHEN_REQUIRED.
    const client = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: CREDENTIAL, secretAccessKey: CREDENTIAL },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    for (const { key, body } of objects) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
    client.destroy();
  } catch (error) {
    await closeServer();
    throw error;
  }
  return {
    endpoint,
    bucket,
    childEnv: {
      // SDK v3 reads the service-specific endpoint from the environment; with an IP it addresses path-style.
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIAL,
      AWS_SECRET_ACCESS_KEY: CREDENTIAL,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      // Nothing but the variables above: no shared config files, no instance metadata lookups.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/modelstack-bench/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/modelstack-bench/credentials',
      AWS_SDK_LOAD_CONFIG: '0',
    },
    close: closeServer,
  };
}
