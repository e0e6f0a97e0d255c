import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerImage } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { manifestStamp } from '../../../lambda/core/manifest-file';
import { parseManifest, type Manifest } from '../../../lambda/core/manifest';
import { BundleError } from '../../../lib/bundling/bundle-error';
import {
  LAMBDA_UNZIPPED_LIMIT_BYTES,
  LAMBDA_ZIPPED_LIMIT_BYTES,
  assertWithinLambdaLimits,
  formatBytes,
  listFiles,
  type BundleReport,
} from '../../../lib/bundling/bundle-size';
import { OnnxRuntimeBundling, bundleInferenceRuntime } from '../../../lib/bundling/lambda-bundling';
import { ONNXRUNTIME_BINDING_EXPORT } from '../../../lib/bundling/onnxruntime-files';
import { PROJECT_ROOT } from '../../support/app';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'breast-cancer');
const HANDLER = path.join(PROJECT_ROOT, 'lambda', 'hosts', 'lambda-handler.ts');
const MANIFEST: Manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'model.json'), 'utf8')));

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-bundle-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Built {
  readonly dir: string;
  readonly report: BundleReport;
  readonly files: string[];
}

function build(architecture: Architecture, bundleAwsSdk = true): Built {
  const dir = tempDir();
  const report = bundleInferenceRuntime({ entry: HANDLER, outputDir: dir, architecture, manifest: MANIFEST, bundleAwsSdk });
  // The measured sizes, for the record (README / report): x64 about 49 MB unzipped, 19 MB zipped.
  console.info(
    `bundle ${architecture.name}${bundleAwsSdk ? '' : ' (AWS SDK external)'}: ${formatBytes(report.unzippedBytes)} unzipped, ` +
      `${formatBytes(report.zippedBytes)} zipped, ${report.fileCount} files`,
  );
  return { dir, report, files: listFiles(dir) };
}

function hashTree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((file) => [file, createHash('sha256').update(fs.readFileSync(path.join(dir, file))).digest('hex')]));
}

describe('Given the handler bundled for x86_64', () => {
  const x64 = build(Architecture.X86_64);

  test('When listed, then it holds the handler, its source map, the manifest and onnxruntime for linux/x64 only', () => {
    const { files } = x64;
    expect(files.filter((f) => !f.startsWith('node_modules/'))).toEqual(['index.js', 'index.js.map', 'model.json', 'model.json.sha256', 'runtime-config.js']);
    expect(files.filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/'))).toEqual([
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    ]);
    expect(files.filter((f) => /darwin|win32|arm64|\.dll$|\.dylib$/.test(f))).toEqual([]);
  });

  test('When listed, then node_modules has only runtime JavaScript and package.json files besides the binaries', () => {
    const modules = x64.files.filter((f) => f.startsWith('node_modules/') && !f.includes('/bin/'));
    expect(modules.filter((f) => !/\.js$|package\.json$/.test(f))).toEqual([]);
    expect(modules.filter((f) => f.endsWith('.d.ts') || f.endsWith('.map'))).toEqual([]);
    // onnxruntime-node's JavaScript, onnxruntime-common's included, is one packed file (plus the binding's re-export).
    expect(modules.filter((f) => f.includes('/onnxruntime-'))).toEqual([
      'node_modules/onnxruntime-node/dist/binding.js',
      'node_modules/onnxruntime-node/dist/index.js',
      'node_modules/onnxruntime-node/package.json',
    ]);
  });

  test('When its onnxruntime-node is required, then one module and the binding load, and dist/binding.js is the packed one\'s binding', () => {
    const ort = path.join(x64.dir, 'node_modules', 'onnxruntime-node');
    const script =
      `const ort = require(${JSON.stringify(ort)});` +
      `const loaded = Object.keys(require.cache).map((k) => require('node:path').relative(${JSON.stringify(x64.dir)}, k));` +
      `const binding = require(${JSON.stringify(path.join(ort, 'dist', 'binding'))});` +
      `binding.initOrt();` +
      `const tensor = new ort.Tensor('float32', new Float32Array(2), [1, 2]);` +
      `process.stdout.write(JSON.stringify({ loaded, same: binding === ort[${JSON.stringify(ONNXRUNTIME_BINDING_EXPORT)}], tensor: tensor instanceof ort.Tensor, session: typeof ort.InferenceSession.create }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as Record<string, unknown>;
    expect(result).toEqual({
      loaded: ['node_modules/onnxruntime-node/dist/index.js', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'],
      same: true,
      tensor: true,
      session: 'function',
    });
  });

  test('When measured, then it is under both Lambda limits and the report adds up', () => {
    const { report, files, dir } = x64;
    expect(report.unzippedBytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
    expect(report.zippedBytes).toBeLessThan(LAMBDA_ZIPPED_LIMIT_BYTES);
    expect(report.unzippedBytes).toBe(files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0));
    expect(report.fileCount).toBe(files.length);
    expect(report.zippedBytes).toBeLessThan(report.unzippedBytes);
    expect(report.largestFiles[0].path).toBe('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1');
    // About 49 MB / 19 MB: libonnxruntime.so.1 is 46 MB of it.
    expect(report.unzippedBytes).toBeGreaterThan(40_000_000);
    expect(report.unzippedBytes).toBeLessThan(60_000_000);
  });

  test('When read, then model.json is the manifest and index.js points to its external source map', () => {
    expect(JSON.parse(fs.readFileSync(path.join(x64.dir, 'model.json'), 'utf8'))).toEqual(MANIFEST);
    const index = fs.readFileSync(path.join(x64.dir, 'index.js'), 'utf8');
    expect(index.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    expect(index).toContain('require("onnxruntime-node")');
    const map = JSON.parse(fs.readFileSync(path.join(x64.dir, 'index.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources).toContain('lambda/hosts/lambda-handler.ts');
    expect(map.sources.every((s) => !path.isAbsolute(s) && !s.startsWith('..'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  test('When read, then model.json.sha256 is the stamp of model.json, so the runtime reads it without the schema', () => {
    const text = fs.readFileSync(path.join(x64.dir, 'model.json'), 'utf8');
    expect(fs.readFileSync(path.join(x64.dir, 'model.json.sha256'), 'utf8')).toBe(`${manifestStamp(text)}\n`);
  });

  test('When bundled again elsewhere, then every file is byte-identical (stable asset hash)', () => {
    const again = build(Architecture.X86_64);
    expect(hashTree(again.dir)).toEqual(hashTree(x64.dir));
  });

  test('When copied out of the repository and run with node, then the bundled handler answers predictions from the real model', () => {
    const runDir = tempDir();
    fs.cpSync(x64.dir, path.join(runDir, 'bundle'), { recursive: true });
    const resultPath = path.join(runDir, 'result.json');
    const script = path.join(runDir, 'invoke.js');
    fs.writeFileSync(
      script,
      `
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const [bundleDir, modelPath, expectedPath, resultPath] = process.argv.slice(2);
const bytes = fs.readFileSync(modelPath);
const env = {
  MODEL_BUCKET: 'model-bucket',
  MODEL_KEY: 'models/breast-cancer/model.onnx',
  MODEL_SHA256: crypto.createHash('sha256').update(bytes).digest('hex'),
};
// As in Lambda, where the module's own handler reads the function's configuration at import.
Object.assign(process.env, env);
const { createHandler } = require(path.join(bundleDir, 'index.js'));
const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
const handler = createHandler({ env, modelSource: async () => bytes });
handler({
  version: '2.0',
  rawPath: '/invocations',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ instances: expected.instances }),
  isBase64Encoded: false,
  requestContext: { http: { method: 'POST' }, requestId: 'test' },
}).then((response) => {
  const ort = require.resolve('onnxruntime-node', { paths: [bundleDir] });
  const schemasLoaded = Object.keys(require.cache).some((file) => file.endsWith('runtime-config.js'));
  fs.writeFileSync(resultPath, JSON.stringify({ statusCode: response.statusCode, body: JSON.parse(response.body), ort, schemasLoaded }));
}, (error) => { console.error(error); process.exit(1); });
`,
    );
    execFileSync(process.execPath, [script, path.join(runDir, 'bundle'), path.join(EXAMPLE, 'model.onnx'), path.join(EXAMPLE, 'expected.json'), resultPath], {
      cwd: runDir,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: '', POWERTOOLS_METRICS_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
    const result = JSON.parse(fs.readFileSync(resultPath, 'utf8')) as {
      statusCode: number;
      body: { predictions: Array<{ label: string; probabilities: Record<string, number> }> };
      ort: string;
      schemasLoaded: boolean;
    };
    // A valid configuration is read without the schemas, which are bundled apart (runtime-config.js).
    expect(result.schemasLoaded).toBe(false);
    const expected = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'expected.json'), 'utf8')) as {
      float32Predictions: Array<{ label: string; probabilities: Record<string, number> }>;
    };
    expect(result.ort.startsWith(path.join(runDir, 'bundle', 'node_modules', 'onnxruntime-node'))).toBe(true);
    expect(result.statusCode).toBe(200);
    expect(result.body.predictions.map((p) => p.label)).toEqual(expected.float32Predictions.map((p) => p.label));
    result.body.predictions.forEach((prediction, i) => {
      for (const [label, probability] of Object.entries(expected.float32Predictions[i].probabilities)) {
        expect(prediction.probabilities[label]).toBeCloseTo(probability, 5);
      }
    });
  });
});

describe('Given the bundled handler and a bad configuration', () => {
  test('When it loads, then the schemas bundled apart name the problem, and the failure is permanent (503, no Retry-After)', () => {
    const bundle = build(Architecture.X86_64);
    const script = `
const { createHandler } = require(${JSON.stringify(path.join(bundle.dir, 'index.js'))});
const { RuntimeConfigError, isPermanentLoadError } = require(${JSON.stringify(path.join(bundle.dir, 'index.js'))});
const failures = [];
const observability = () => ({
  logger: { addContext() {} },
  hooks: { onRequest() {} },
  flush() {},
  recordModelLoad() {},
  recordModelLoadFailure(error) { failures.push({ name: error.name, message: error.message, permanent: isPermanentLoadError(error) }); },
});
const handler = createHandler({ env: { MODEL_BUCKET: 'model-bucket', MODEL_KEY: 'k', MODEL_SHA256: '${'0'.repeat(64)}', MAX_BATCH_SIZE: 'many' }, observability, modelSource: async () => new Uint8Array() });
handler({ version: '2.0', rawPath: '/invocations', headers: {}, body: '{}', isBase64Encoded: false, requestContext: { http: { method: 'POST' }, requestId: 't' } }).then((response) => {
  const schemasLoaded = Object.keys(require.cache).some((file) => file.endsWith('runtime-config.js'));
  process.stdout.write(JSON.stringify({ statusCode: response.statusCode, retryAfter: response.headers['retry-after'] ?? null, failures, schemasLoaded }));
});
`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as Record<string, unknown>;
    expect(result).toEqual({
      statusCode: 503,
      retryAfter: null,
      failures: [{ name: 'RuntimeConfigError', message: expect.stringContaining('MAX_BATCH_SIZE: must be a positive whole number (got "many")') as unknown, permanent: true }],
      schemasLoaded: true,
    });
  });
});

describe('Given the handler bundled for arm64', () => {
  test('When listed, then only the linux/arm64 binaries are there and the bundle is under the limits', () => {
    const arm = build(Architecture.ARM_64);
    expect(arm.files.filter((f) => f.includes('/bin/'))).toEqual([
      'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node',
    ]);
    expect(arm.files.filter((f) => /darwin|win32|x64/.test(f))).toEqual([]);
    expect(arm.report.architecture).toBe('arm64');
    expect(arm.report.unzippedBytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
    expect(arm.report.zippedBytes).toBeLessThan(LAMBDA_ZIPPED_LIMIT_BYTES);
  });
});

describe('Given the AWS SDK left external', () => {
  test('When bundled, then index.js requires @aws-sdk/client-s3 from the runtime and is smaller', () => {
    const external = build(Architecture.X86_64, false);
    const index = fs.readFileSync(path.join(external.dir, 'index.js'), 'utf8');
    expect(index).toContain('require("@aws-sdk/client-s3")');
    expect(external.files.some((f) => f.startsWith('node_modules/@aws-sdk'))).toBe(false);
    const bundledIndex = fs.statSync(path.join(build(Architecture.X86_64, true).dir, 'index.js')).size;
    expect(fs.statSync(path.join(external.dir, 'index.js')).size).toBeLessThan(bundledIndex);
  });
});

describe('Given bundles over the Lambda limits', () => {
  const largest = [{ path: 'node_modules/big.so', bytes: 300_000_000, deflatedBytes: 60_000_000 }];

  test('When the unzipped size is over 250 MB, then the error gives the measured size, the limit and the largest files', () => {
    const report: BundleReport = { unzippedBytes: 300_000_000, zippedBytes: 10_000_000, fileCount: 1, largestFiles: largest, architecture: 'x86_64' };
    expect(() => assertWithinLambdaLimits(report)).toThrow(BundleError);
    expect(() => assertWithinLambdaLimits(report)).toThrow(
      /unzipped size 300\.00 MB \(300,000,000 bytes\) is over Lambda's limit of 262\.14 MB \(262,144,000 bytes\)[\s\S]*Largest files:\n {4}node_modules\/big\.so: 300\.00 MB/,
    );
  });

  test('When the zipped size is over 50 MB, then the error gives the measured size and the limit', () => {
    const report: BundleReport = { unzippedBytes: 100_000_000, zippedBytes: 60_000_000, fileCount: 1, largestFiles: largest, architecture: 'arm64' };
    expect(() => assertWithinLambdaLimits(report)).toThrow(/\(arm64\) is too large:\n {2}- zipped size 60\.00 MB \(60,000,000 bytes\) is over Lambda's limit of 52\.43 MB \(52,428,800 bytes\)/);
  });

  test('When both are under, then nothing is thrown', () => {
    const report: BundleReport = { unzippedBytes: LAMBDA_UNZIPPED_LIMIT_BYTES, zippedBytes: LAMBDA_ZIPPED_LIMIT_BYTES, fileCount: 1, largestFiles: largest, architecture: 'x86_64' };
    expect(() => assertWithinLambdaLimits(report)).not.toThrow();
  });
});

describe('Given bad bundling inputs', () => {
  test('When the entry does not exist, then the error names it', () => {
    const entry = path.join(os.tmpdir(), 'modelstack-no-handler.ts');
    expect(() => bundleInferenceRuntime({ entry, outputDir: tempDir(), architecture: Architecture.X86_64, manifest: MANIFEST })).toThrow(
      `entry '${entry}' does not exist`,
    );
  });

  test('When the architecture is neither x86_64 nor arm64, then it is refused', () => {
    expect(() =>
      bundleInferenceRuntime({ entry: HANDLER, outputDir: tempDir(), architecture: Architecture.custom('s390x', 'linux/s390x'), manifest: MANIFEST }),
    ).toThrow("architecture must be x86_64 or arm64 (onnxruntime-node ships Linux binaries for those only), got 's390x'");
  });

  test('When the entry does not compile, then esbuild\'s error is reported with the entry', () => {
    const dir = tempDir();
    const entry = path.join(dir, 'broken.ts');
    fs.writeFileSync(entry, "import { nothing } from './missing-module';\nexport const handler = nothing;\n");
    expect(() => bundleInferenceRuntime({ entry, outputDir: tempDir(), architecture: Architecture.X86_64, manifest: MANIFEST })).toThrow(
      new RegExp(`esbuild could not bundle '${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`),
    );
  });
});

describe('Given OnnxRuntimeBundling as CDK local bundling', () => {
  test('When CDK serializes it into the asset cache key, then it is small plain data with no absolute path', () => {
    const bundling = new OnnxRuntimeBundling({ entry: HANDLER, architecture: Architecture.ARM_64, manifest: MANIFEST });
    // Absolute paths here would make the asset hash depend on where the repository is checked out.
    expect(JSON.parse(JSON.stringify(bundling))).toEqual({
      entry: 'lambda/hosts/lambda-handler.ts',
      architecture: 'arm64',
      manifest: MANIFEST,
      bundleAwsSdk: true,
    });
    expect(JSON.stringify(bundling)).not.toContain(PROJECT_ROOT);
  });

  test('When tryBundle runs, then it builds the bundle, returns true and keeps the report for every equal instance', () => {
    const dir = tempDir();
    const bundling = new OnnxRuntimeBundling({ entry: HANDLER, architecture: Architecture.ARM_64, manifest: MANIFEST });
    expect(bundling.report).toBeUndefined();
    expect(bundling.tryBundle(dir, { image: DockerImage.fromRegistry('none-local-only') })).toBe(true);
    expect(fs.existsSync(path.join(dir, 'index.js'))).toBe(true);
    expect(bundling.report?.architecture).toBe('arm64');
    const equal = new OnnxRuntimeBundling({ entry: HANDLER, architecture: Architecture.ARM_64, manifest: MANIFEST });
    expect(equal.report).toEqual(bundling.report);
  });
});
