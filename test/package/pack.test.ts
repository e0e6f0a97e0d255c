/**
 * The npm package used as a user uses it: packed, installed outside the repository, with no AWS credentials.
 * Both ways in: the project `modelstack new` scaffolds, and constructs composed by hand in a CDK app of one's own.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/app';
import { packAndInstall, run, type PackedInstall } from '../support/packed-package';

const IRIS = join(PROJECT_ROOT, 'examples', 'iris');

/** Every path in the tarball. */
function tarballFiles(tarball: string): string[] {
  return run('tar', ['-tzf', tarball], PROJECT_ROOT).trim().split('\n').map((line) => line.replace(/^package\//, ''));
}

/**
 * A CDK app of the user's own with no cdk.json (so none of this repository's feature flags), composing the
 * constructs by hand in two stacks: ModelStore, LambdaInference and Monitoring; and a ModelEndpoint with batch scoring.
 */
const HAND_COMPOSED_APP = (modelDir: string) => `
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { inspectModelArtifact, LambdaInference, ModelEndpoint, ModelFile, ModelStore, Monitoring } from 'modelstack';
import { readManifest } from 'modelstack/runtime';

async function main(): Promise<void> {
  const app = new App();
  const modelDir = ${JSON.stringify(modelDir)};
  const stack = new Stack(app, 'HandComposed', { env: { region: 'eu-west-1' } });
  const manifest = await readManifest(join(modelDir, 'model.json'));
  const store = new ModelStore(stack, 'Store', { modelName: manifest.name, model: ModelFile.fromPath(join(modelDir, 'model.onnx')) });
  const inference = new LambdaInference(stack, 'Inference', { store, manifest });
  new Monitoring(stack, 'Monitoring', { endpoint: inference, labels: manifest.task === 'regression' ? [] : manifest.output.labels });
  const withBatch = new Stack(app, 'WithBatch', { env: { region: 'eu-west-1' } });
  const model = await inspectModelArtifact(join(modelDir, 'model.onnx'), join(modelDir, 'model.json'));
  new ModelEndpoint(withBatch, 'Model', { model, batch: { maxConcurrency: 2 } });
  app.synth();
}
void main();
`;

describe('Given the package packed and installed into a folder outside the repository', () => {
  let install: PackedInstall;
  beforeAll(() => {
    install = packAndInstall();
  }, 600_000);
  afterAll(() => {
    if (install !== undefined) rmSync(install.root, { recursive: true, force: true });
  });

  test('When the tarball is listed, then it holds compiled JavaScript, declarations, the prebuilt hosts, the license and no TypeScript sources or tests', () => {
    const files = tarballFiles(install.tarball);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lambda/index.js', 'dist/bin/modelstack.js']));
    expect(files).toEqual(expect.arrayContaining(['dist/bundles/lambda-handler/index.js', 'dist/bundles/container/index.js', 'dist/bundles/batch-handler/index.js', 'dist/bundles/quality-handler/index.js', 'container/Dockerfile', 'pricing/prices.json', 'LICENSE']));
    // The packages bundled apart from index.js ship as packages/ (npm leaves node_modules folders out of a tarball).
    expect(files).toEqual(
      expect.arrayContaining(['dist/bundles/lambda-handler/packages/@aws-sdk/client-s3/index.js', 'dist/bundles/lambda-handler/packages/onnx-proto/index.js']),
    );
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => /^(test|bench|scripts|examples|config|lib|lambda|bin)\//.test(file))).toEqual([]);
  });

  test('When `modelstack new` scaffolds a project with the iris model, then it type-checks, synthesizes with the CDK CLI and estimates', () => {
    const project = join(install.root, 'demo');
    const cli = join(install.nodeModules, '.bin', 'modelstack');
    const created = run(cli, ['new', 'demo', '--model', join(IRIS, 'model.onnx'), '--data', join(IRIS, 'train.csv'), '--target', 'species', '--test', join(IRIS, 'test.csv'), '--modelstack', `file:${install.tarball}`], install.root);
    expect(created).toContain('created demo:');
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.modelstack).toBe(`file:${install.tarball}`);
    // `npm install`, without the network: the project's node_modules is the install's.
    symlinkSync(install.nodeModules, join(project, 'node_modules'));
    run(join(project, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], project);
    const synth = run(join(project, 'node_modules', '.bin', 'cdk'), ['synth', '-q'], project);
    expect(synth).toMatch(/Lambda bundle \(x86_64\)/);
    expect(readdirSync(join(project, 'cdk.out')).filter((file) => file.endsWith('.template.json')).sort()).toEqual(['modelstack-iris-dev.template.json', 'modelstack-iris-prod.template.json']);
    const estimate = run(cli, ['estimate'], project);
    expect(estimate).toContain('modelstack-iris-prod (environment prod, eu-west-1)');
    expect(estimate).toMatch(/traffic \(config: prod\.traffic\): 10M requests a month/);
  });

  describe('and an app of its own with no cdk.json composing the constructs by hand', () => {
    let outdir: string;
    beforeAll(() => {
      const app = join(install.root, 'hand');
      mkdirSync(app);
      symlinkSync(install.nodeModules, join(app, 'node_modules'));
      writeFileSync(join(app, 'app.ts'), HAND_COMPOSED_APP(IRIS));
      outdir = join(app, 'cdk.out');
      // No context at all: none of the feature flags this repository's cdk.json sets.
      run('env', [`CDK_OUTDIR=${outdir}`, join(app, 'node_modules', '.bin', 'tsx'), 'app.ts'], app);
    }, 600_000);

    test('When ModelStore, LambdaInference and Monitoring are composed in a stack, then it synthesizes', () => {
      expect(existsSync(join(outdir, 'HandComposed.template.json'))).toBe(true);
      const template = readFileSync(join(outdir, 'HandComposed.template.json'), 'utf8');
      expect(template).toContain('AWS::Lambda::Function');
    });

    test('When a ModelEndpoint with batch scoring is composed in a stack, then it synthesizes with the prebuilt batch handler', () => {
      const template = readFileSync(join(outdir, 'WithBatch.template.json'), 'utf8');
      expect(template).toContain('AWS::StepFunctions::StateMachine');
    });
  });

  test('When `modelstack batch` scores a CSV on two workers from the installed package, then every row is scored in order', () => {
    const folder = join(install.root, 'batch-local');
    mkdirSync(folder);
    const output = join(folder, 'scored.csv');
    const cli = join(install.nodeModules, '.bin', 'modelstack');
    run(cli, ['batch', IRIS, '--input', join(IRIS, 'test.csv'), '--output', output, '--workers', '2'], folder);
    const rows = readFileSync(join(IRIS, 'test.csv'), 'utf8').trim().split('\n').length - 1;
    const scored = readFileSync(output, 'utf8').trim().split('\n');
    expect(scored[0]).toMatch(/^row,.*predicted_label/);
    expect(scored.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  });
});
