/**
 * `modelstack new`: a project of its own for a model, depending on the modelstack package. With a model and its
 * data, the model folder is made ready for every environment: `init` writes the manifest, the evaluation data
 * goes next to it, and the evaluation the promotion gate reads is run.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { evaluateModel, evaluationPathOf } from '../evaluation/evaluate-model';
import { writeEvaluation } from '../evaluation/evaluation-record';
import { runInit, type InitResult } from '../init/init';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../package-root';
import { ScaffoldError } from './scaffold-error';
import * as templates from './templates';

/** The model folder in a new project. */
export const SCAFFOLD_MODEL_DIRECTORY = 'model';

/** Options of {@link scaffoldProject}. */
export interface ScaffoldOptions {
  /** The project's folder: new, or empty. */
  readonly directory: string;
  /** The ONNX model to put in the model folder. @default - none: the folder is left for `modelstack init` */
  readonly model?: string;
  /** Training CSV for `init` (feature names, types, ranges, labels). Needs `model`. @default - none */
  readonly data?: string;
  /** The target column of the data. @default - what `init` finds */
  readonly target?: string;
  /** Held-out CSV the evaluation runs on. @default - `data` */
  readonly test?: string;
  /** The `modelstack` dependency spec written to package.json. @default - `^` this package's version */
  readonly modelstackSpec?: string;
}

/** What {@link scaffoldProject} did. */
export interface ScaffoldResult {
  /** The project's folder (absolute). */
  readonly directory: string;
  /** The files written, relative to the folder. */
  readonly written: readonly string[];
  /** What `init` guessed, when a model was given. */
  readonly init?: InitResult;
  /** Things to review, as sentences. */
  readonly notes: readonly string[];
}

interface PackageJson {
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** Versions the project pins: those this package was built and tested with. */
function versions(modelstackSpec: string | undefined): Pick<templates.ProjectTemplateInput, 'dependencies' | 'devDependencies'> {
  const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, own.devDependencies[name]]));
  return {
    dependencies: { modelstack: modelstackSpec ?? `^${PACKAGE_VERSION}`, ...pick(['aws-cdk-lib', 'constructs']) },
    devDependencies: pick(['@types/node', 'aws-cdk', 'tsx', 'typescript']),
  };
}

function checkOptions(options: ScaffoldOptions, directory: string): void {
  const problems: string[] = [];
  if (existsSync(directory) && readdirSync(directory).length > 0) problems.push(`<dir>: ${directory} exists and is not empty; give a new or empty folder`);
  if (options.model === undefined && (options.data ?? options.target ?? options.test) !== undefined) {
    problems.push('--data, --target and --test need --model: they describe the model put in the project');
  }
  if (options.test !== undefined && options.data === undefined) problems.push('--test needs --data: init profiles the training data');
  for (const [flag, file] of [['--model', options.model], ['--data', options.data], ['--test', options.test]] as const) {
    if (file !== undefined && !existsSync(file)) problems.push(`${flag}: ${file} does not exist`);
  }
  if (problems.length > 0) throw new ScaffoldError(problems);
}

/** Puts the model in the folder; with data, adds the evaluation section and runs the evaluation. */
async function prepareModel(options: ScaffoldOptions, modelDir: string, notes: string[]): Promise<InitResult | undefined> {
  if (options.model === undefined) return undefined;
  const result = await runInit({
    model: resolve(options.model),
    out: modelDir,
    ...(options.data === undefined ? {} : { data: resolve(options.data) }),
    ...(options.target === undefined ? {} : { target: options.target }),
  });
  if (options.data === undefined || options.target === undefined) {
    notes.push('no --data and --target: model.json has no evaluation section, and prod synthesizes only after a passing `modelstack evaluate`');
    return result;
  }
  const evaluationData = resolve(options.test ?? options.data);
  const dataName = basename(evaluationData);
  copyFileSync(evaluationData, join(modelDir, dataName));
  const manifestPath = join(modelDir, 'model.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, evaluation: { data: dataName, target: options.target } }, null, 2)}\n`);
  const record = await evaluateModel({ modelDir });
  await writeEvaluation(evaluationPathOf(modelDir), record);
  if (options.test === undefined) {
    notes.push(`the evaluation ran on ${dataName}, the training data: replace it with held-out rows (--test, or evaluation.data in model.json) before trusting prod's promotion gate`);
  }
  if (!record.verdict.passed) notes.push(`the evaluation failed (${record.verdict.failures.join('; ')}): prod's promotion gate will refuse this model`);
  return result;
}

/** Writes the project (see the module comment); throws {@link ScaffoldError} naming each bad option. */
export async function scaffoldProject(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const directory = resolve(options.directory);
  checkOptions(options, directory);
  const modelDir = join(directory, SCAFFOLD_MODEL_DIRECTORY);
  mkdirSync(modelDir, { recursive: true });
  const notes: string[] = [];
  const init = await prepareModel(options, modelDir, notes);
  const input: templates.ProjectTemplateInput = {
    projectName: basename(directory).toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
    ...versions(options.modelstackSpec),
    modelDirectory: SCAFFOLD_MODEL_DIRECTORY,
    hasModel: options.model !== undefined,
  };
  const files: Record<string, string> = {
    'package.json': templates.packageJson(input),
    'cdk.json': templates.cdkJson(),
    'tsconfig.json': templates.tsconfigJson(),
    'bin/app.ts': templates.appTs(),
    'environments.ts': templates.environmentsTs(input),
    'README.md': templates.readme(input),
    '.gitignore': templates.gitignore(),
    '.npmrc': templates.npmrc(),
    '.github/workflows/modelstack.yml': templates.ciWorkflow(input),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, file)), { recursive: true });
    writeFileSync(join(directory, file), text);
  }
  const modelFiles = readdirSync(modelDir).map((file) => relative(directory, join(modelDir, file)));
  return { directory, written: [...Object.keys(files), ...modelFiles].sort(), ...(init === undefined ? {} : { init }), notes };
}
