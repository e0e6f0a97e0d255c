/** `modelstack new` in process: what it writes, and each option it refuses. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments } from '../../../config/load';
import { CDK_CONTEXT } from '../../../lib/scaffold/cdk-context';
import { scaffoldProject } from '../../../lib/scaffold/scaffold';
import { ScaffoldError } from '../../../lib/scaffold/scaffold-error';
import { PROJECT_ROOT } from '../../support/app';

const IRIS = join(PROJECT_ROOT, 'examples', 'iris');
let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'modelstack-new-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('Given a new folder and the iris model with its data', () => {
  test('When the project is scaffolded, then it holds the app, the config, the CI workflow and a model ready for prod', async () => {
    const result = await scaffoldProject({
      directory: join(work, 'demo'),
      model: join(IRIS, 'model.onnx'),
      data: join(IRIS, 'train.csv'),
      target: 'species',
      test: join(IRIS, 'test.csv'),
    });
    expect(result.written).toEqual([
      '.github/workflows/modelstack.yml',
      '.gitignore',
      '.npmrc',
      'README.md',
      'bin/app.ts',
      'cdk.json',
      'environments.ts',
      'model/evaluation.json',
      'model/model.json',
      'model/model.onnx',
      'model/profile.json',
      'model/test.csv',
      'package.json',
      'tsconfig.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(result.directory, 'model', 'model.json'), 'utf8')) as { evaluation: unknown };
    expect(manifest.evaluation).toEqual({ data: 'test.csv', target: 'species' });
    const workflow = readFileSync(join(result.directory, '.github', 'workflows', 'modelstack.yml'), 'utf8');
    for (const step of ['npx cdk synth -q', 'npx modelstack evaluate model', 'npx modelstack estimate']) expect(workflow).toContain(step);
    expect(result.notes.filter((note) => note.includes('training data'))).toEqual([]);
  });

  test('When no --test is given, then the evaluation runs on --data and a note says to replace it with held-out rows', async () => {
    const result = await scaffoldProject({ directory: join(work, 'demo'), model: join(IRIS, 'model.onnx'), data: join(IRIS, 'train.csv'), target: 'species' });
    expect(result.notes.join('\n')).toContain('the evaluation ran on train.csv, the training data');
  });
});

describe('Given the files it writes', () => {
  test('When its environments.ts is loaded as the app loads it, then dev and prod validate against the schema', async () => {
    const result = await scaffoldProject({
      directory: join(work, 'demo'),
      model: join(IRIS, 'model.onnx'),
      data: join(IRIS, 'train.csv'),
      target: 'species',
      modelstackSpec: 'file:../modelstack.tgz',
    });
    const pkg = JSON.parse(readFileSync(join(result.directory, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.modelstack).toBe('file:../modelstack.tgz');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['aws-cdk-lib', 'constructs', 'modelstack']);
    const { environments } = (await import(join(result.directory, 'environments.ts'))) as { environments: Record<string, unknown> };
    const loaded = loadEnvironments(environments, { projectRoot: result.directory });
    expect(loaded.map((env) => [env.name, env.config.protection])).toEqual([
      ['dev', 'standard'],
      ['prod', 'production'],
    ]);
  });

  test("When cdk.json's context is compared with this repository's, then they are the same flags", async () => {
    const result = await scaffoldProject({ directory: join(work, 'demo') });
    const written = JSON.parse(readFileSync(join(result.directory, 'cdk.json'), 'utf8')) as { context: unknown };
    const repository = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: unknown };
    expect(written.context).toEqual(repository.context);
    expect(written.context).toEqual(CDK_CONTEXT);
  });
});

describe('Given bad options', () => {
  test('When the folder exists and is not empty, then it is refused naming the folder', async () => {
    mkdirSync(join(work, 'busy'));
    writeFileSync(join(work, 'busy', 'file.txt'), 'x');
    await expect(scaffoldProject({ directory: join(work, 'busy') })).rejects.toThrow(/<dir>: .*busy exists and is not empty/);
  });

  test('When --data is given without --model, then it is refused naming both', async () => {
    await expect(scaffoldProject({ directory: join(work, 'demo'), data: join(IRIS, 'train.csv') })).rejects.toThrow(/--data, --target and --test need --model/);
  });

  test('When --test is given without --data, then it is refused', async () => {
    await expect(scaffoldProject({ directory: join(work, 'demo'), model: join(IRIS, 'model.onnx'), test: join(IRIS, 'test.csv') })).rejects.toThrow(/--test needs --data/);
  });

  test('When --model names a missing file, then it is refused naming the option and the path, as a failed check', async () => {
    const failure = scaffoldProject({ directory: join(work, 'demo'), model: join(work, 'nope.onnx') });
    await expect(failure).rejects.toThrow(/--model: .*nope\.onnx does not exist/);
    await expect(failure).rejects.toBeInstanceOf(ScaffoldError);
  });
});
