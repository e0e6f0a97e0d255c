/**
 * The shell commands of the pipeline's steps, written once: the build runs what `.ci/run` runs, the gate and
 * verify steps run the modelstack CLI exactly as a developer would on a laptop.
 */

/** Environment every step sets, as `.ci/run` does: no CUDA download, no CDK telemetry or version check. */
export const STEP_ENVIRONMENT: Readonly<Record<string, string>> = {
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  CDK_DISABLE_CLI_TELEMETRY: '1',
  CDK_DISABLE_VERSION_CHECK: '1',
};

/** Where the gate writes its reports; the step's output artifact. */
export const GATE_REPORT_DIRECTORY = 'gate-report';

/** The variables the gate exports for the approvals' messages. */
export const GATE_VARIABLES = { verdict: 'GATE_VERDICT', cost: 'GATE_COST' } as const;

/** Build: install, test (tsc, jest, compliance packs), synthesize (every pack again, as errors). */
export function buildCommands(): string[] {
  return ['npm ci --no-audit --no-fund', 'npm test', 'npx cdk synth -q'];
}

/** What the gate compares. */
export interface GateCommandOptions {
  /** The candidate model folder, relative to the repository root. */
  readonly modelDirectory: string;
  /** The production environment: its stack holds the live model's SHA-256 (an output). */
  readonly productionEnvironment: string;
  /** The production stack's name. */
  readonly productionStack: string;
  /** The production stack's region. */
  readonly productionRegion: string;
}

/**
 * Gate: evaluate the candidate with the live production model as `--baseline` (found in the repository's
 * history by the SHA-256 the production stack reports), then price the production stack of this synth.
 * Either failing stops the pipeline. The verdict and the cost line are exported for the approvals.
 */
export function gateCommands(options: GateCommandOptions): string[] {
  const out = GATE_REPORT_DIRECTORY;
  return [
    'npm ci --no-audit --no-fund',
    `npx tsx bin/modelstack.ts gate ${options.modelDirectory} --production-stack ${options.productionStack} --region ${options.productionRegion} --out ${out}`,
    `npx tsx bin/modelstack.ts estimate --env ${options.productionEnvironment} --cdk-out cdk.out --markdown > ${out}/estimate.md`,
    `export ${GATE_VARIABLES.verdict}="$(cat ${out}/verdict.txt)"`,
    // The estimate's first total line, e.g. "Expected $412.30 a month".
    `export ${GATE_VARIABLES.cost}="$(grep -m1 -o '^\\*\\*Expected [^*]*\\*\\*' ${out}/estimate.md | tr -d '*')"`,
  ];
}

/** Verify: the deployed endpoint serves this commit's model and answers as it does offline. */
export function verifyCommands(environment: string, stackName: string): string[] {
  return ['npm ci --no-audit --no-fund', `npx tsx bin/modelstack.ts verify --env ${environment} --stack ${stackName}`];
}
