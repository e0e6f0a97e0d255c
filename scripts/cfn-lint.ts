/**
 * `npm run lint:cfn`: the standard CloudFormation linter over every template modelstack ships. It makes a Python
 * virtual environment (`.venv-tools/`, with cfn-lint and its dependencies pinned in requirements-cfn-lint.txt),
 * synthesizes every environment of config/environments.ts and the extra configurations the tests build
 * (test/support/configurations.ts), and the delivery pipeline stack of the shipped environments (the tests'
 * pipeline block and shadow phase, test/support/pipeline.ts), and runs cfn-lint over all of them for their regions.
 * The pipeline's stages hold copies of the environments' stacks, already linted as environments, so they are not
 * linted twice; the shadow phase's staging stack is not a copy, and is linted.
 *
 * It fails (exit 1) on any error, on any warning not listed in cfn-lint-ignores.json, and on an entry of that file
 * that matched nothing; without Python 3 it fails naming what to install. `npm test` never runs it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { buildStacks } from '../bin/build';
import { buildPipelineStack } from '../bin/build-pipeline';
import { environments } from '../config/environments';
import { ALL_ENVIRONMENTS } from '../test/support/configurations';
import { cdkJsonContext, PROJECT_ROOT } from '../test/support/app';
import { TEST_PIPELINE_CONFIG, TEST_SHADOW_BASELINE, TEST_SHADOW_CONFIG } from '../test/support/pipeline';

/** The pinned linter and its dependencies. */
export const REQUIREMENTS_FILE = 'requirements-cfn-lint.txt';
/** The virtual environment the linter is installed into (gitignored). */
export const VENV_DIRECTORY = '.venv-tools';
/** The warnings that stay, each with its reason. */
export const IGNORES_FILE = 'cfn-lint-ignores.json';
/** Oldest Python that cfn-lint 1.x supports. */
const MIN_PYTHON = [3, 9] as const;

/** One finding of `cfn-lint --format json`. */
export interface CfnLintFinding {
  readonly Filename: string;
  /** 'Error', 'Warning' or 'Informational'. */
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path?: ReadonlyArray<string | number>; readonly Start?: { readonly LineNumber?: number } };
}

/** One entry of cfn-lint-ignores.json: a rule on some resources, and why it stays. */
export interface CfnLintIgnore {
  readonly rule: string;
  /** Regular expressions over logical ids. */
  readonly resources: readonly string[];
  readonly reason: string;
}

/** Output, and where to find Python (tests point it at a missing interpreter). */
export interface LintIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** @default 'python3', or the PYTHON environment variable */
  readonly python?: string;
  /** @default the project root */
  readonly root?: string;
}

/** What to install when there is no usable Python. */
export function pythonMissingMessage(python: string, detail: string): string {
  return [
    `npm run lint:cfn needs Python ${MIN_PYTHON.join('.')}+ with its venv module to install cfn-lint, and '${python}' ${detail}.`,
    'Install Python 3 and venv (Debian/Ubuntu: sudo apt-get install python3 python3-venv; macOS: brew install python@3.12;',
    'Windows: https://www.python.org/downloads/), or point PYTHON at an interpreter, then run npm run lint:cfn again.',
  ].join('\n');
}

/** `undefined` when `python` is a usable Python 3 with venv, else why not. */
function checkPython(python: string): string | undefined {
  const probe = `import sys, venv; sys.exit(0 if sys.version_info >= ${JSON.stringify(MIN_PYTHON).replace('[', '(').replace(']', ')')} else 3)`;
  const result = spawnSync(python, ['-c', probe], { encoding: 'utf8' });
  if (result.error !== undefined) return 'could not be started';
  if (result.status === 3) return `is older than ${MIN_PYTHON.join('.')}`;
  if (result.status !== 0) return `has no venv module (${result.stderr.trim().split('\n').pop() ?? 'import failed'})`;
  return undefined;
}

/** Creates or refreshes the virtual environment when the requirements changed; returns the cfn-lint executable. */
function ensureVenv(root: string, python: string, io: LintIo): string {
  const venv = join(root, VENV_DIRECTORY);
  const bin = join(venv, process.platform === 'win32' ? 'Scripts' : 'bin');
  const requirements = join(root, REQUIREMENTS_FILE);
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = join(venv, 'requirements.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return join(bin, 'cfn-lint');
  io.stdout(`Installing ${REQUIREMENTS_FILE} into ${VENV_DIRECTORY}/ ...`);
  const steps: Array<[string, string[]]> = [
    [python, ['-m', 'venv', venv]],
    [join(bin, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
  writeFileSync(stamp, digest);
  return join(bin, 'cfn-lint');
}

/**
 * The top-level stacks the lint covers: every environment and extra configuration, then the pipeline stack (with a
 * shadow phase on staging), then the shadow phase's staging stack, which differs from staging's own: the production
 * model as its production variant, the candidate as its shadow variant.
 */
export async function buildLintedStacks(app: App): Promise<Stack[]> {
  const stacks: Stack[] = await buildStacks(app, { projectRoot: PROJECT_ROOT, environments: ALL_ENVIRONMENTS });
  const withShadow = { ...environments, staging: { ...environments.staging, shadow: TEST_SHADOW_CONFIG } };
  const pipeline = await buildPipelineStack(app, { projectRoot: PROJECT_ROOT, environments: withShadow, pipeline: TEST_PIPELINE_CONFIG, shadowBaselineDirectory: join(PROJECT_ROOT, TEST_SHADOW_BASELINE) });
  if (pipeline === undefined) throw new Error('the pipeline block built no pipeline stack');
  const shadowStage = app.node.findChild('Pipeline-staging-shadow');
  const shadowStack = shadowStage.node.children.find((child): child is Stack => child instanceof Stack);
  if (shadowStack === undefined) throw new Error('the pipeline built no shadow phase stack');
  return [...stacks, pipeline, shadowStack];
}

/** Synthesizes every linted stack into `outdir`; returns the templates and their regions. */
export async function synthesizeTemplates(outdir: string): Promise<{ templates: string[]; regions: string[] }> {
  // Bundling is skipped: it changes asset hashes only, never a template's shape.
  const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stacks = await buildLintedStacks(app);
  const assembly = app.synth();
  return {
    // A stage's stacks are in its own nested assembly (the stage's outdir), the app's at the top.
    templates: stacks.map((stack) => join(Stage.of(stack)?.outdir ?? assembly.directory, stack.templateFile)),
    regions: [...new Set(stacks.map((stack) => stack.region))].sort(),
  };
}

/** Runs cfn-lint over `templates` for `regions` and returns its findings. */
function runCfnLint(cfnLint: string, templates: readonly string[], regions: readonly string[]): CfnLintFinding[] {
  const result = spawnSync(cfnLint, ['--format', 'json', '--regions', ...regions, '--', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 means it could not lint.
  if (result.error !== undefined || result.status === null || (result.status & 1) === 1) {
    throw new Error(`cfn-lint could not run (exit ${result.status ?? result.signal}): ${result.error?.message ?? result.stderr}`);
  }
  return JSON.parse(result.stdout || '[]') as CfnLintFinding[];
}

/** Reads and checks cfn-lint-ignores.json: every entry needs a rule, resource patterns and a reason. */
export function loadIgnores(file: string): CfnLintIgnore[] {
  const document = JSON.parse(readFileSync(file, 'utf8')) as { ignores?: unknown };
  if (!Array.isArray(document.ignores)) throw new Error(`${file}: "ignores" must be a list`);
  return document.ignores.map((entry: Partial<CfnLintIgnore>, index) => {
    const where = `${file}: ignores[${index}]`;
    if (typeof entry.rule !== 'string' || !/^[EWI]\d{4}$/.test(entry.rule)) throw new Error(`${where}.rule must be a cfn-lint rule id such as W3005, got ${JSON.stringify(entry.rule)}`);
    if (!Array.isArray(entry.resources) || entry.resources.length === 0) throw new Error(`${where}.resources must list logical-id patterns`);
    for (const pattern of entry.resources as unknown[]) new RegExp(String(pattern));
    if (typeof entry.reason !== 'string' || entry.reason.length < 40) throw new Error(`${where}.reason must say why the finding stays (at least a sentence)`);
    return entry as CfnLintIgnore;
  });
}

/** The logical id a finding is about, when it is about a resource. */
function resourceOf(finding: CfnLintFinding): string | undefined {
  const path = finding.Location.Path ?? [];
  return path[0] === 'Resources' && typeof path[1] === 'string' ? path[1] : undefined;
}

/** Splits findings into failures (errors, unlisted warnings) and ignored ones, and names the entries that matched nothing. */
export function classifyFindings(findings: readonly CfnLintFinding[], ignores: readonly CfnLintIgnore[]) {
  const used = new Set<CfnLintIgnore>();
  const failures: CfnLintFinding[] = [];
  const ignored: CfnLintFinding[] = [];
  for (const finding of findings) {
    const resource = resourceOf(finding);
    const entry =
      finding.Level === 'Error' || resource === undefined
        ? undefined
        : ignores.find((ignore) => ignore.rule === finding.Rule.Id && ignore.resources.some((pattern) => new RegExp(pattern).test(resource)));
    if (entry === undefined) failures.push(finding);
    else {
      used.add(entry);
      ignored.push(finding);
    }
  }
  return { failures, ignored, unused: ignores.filter((ignore) => !used.has(ignore)) };
}

function describeFinding(finding: CfnLintFinding): string {
  return `${finding.Level} ${finding.Rule.Id} ${finding.Filename}:${finding.Location.Start?.LineNumber ?? '?'} ${resourceOf(finding) ?? ''}\n    ${finding.Message}`;
}

/** Runs the whole lint; resolves with the exit code. */
export async function lintCfn(io: LintIo): Promise<number> {
  const root = io.root ?? PROJECT_ROOT;
  const python = io.python ?? process.env.PYTHON ?? 'python3';
  const missing = checkPython(python);
  if (missing !== undefined) {
    io.stderr(pythonMissingMessage(python, missing));
    return 1;
  }
  const ignores = loadIgnores(join(root, IGNORES_FILE));
  const cfnLint = ensureVenv(root, python, io);
  const outdir = mkdtempSync(join(tmpdir(), 'modelstack-cfn-lint-'));
  try {
    const { templates, regions } = await synthesizeTemplates(outdir);
    const { failures, ignored, unused } = classifyFindings(runCfnLint(cfnLint, templates, regions), ignores);
    for (const finding of failures) io.stderr(describeFinding(finding));
    for (const entry of unused) io.stderr(`${IGNORES_FILE}: the ${entry.rule} entry for ${entry.resources.join(', ')} matched nothing; remove it`);
    io.stdout(`cfn-lint over ${templates.length} templates (${regions.join(', ')}): ${failures.length} failing, ${ignored.length} listed in ${IGNORES_FILE}`);
    return failures.length > 0 || unused.length > 0 ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  lintCfn({ stdout: (line) => console.log(line), stderr: (line) => console.error(line) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
