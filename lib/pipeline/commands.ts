/**
 * The shell commands of the pipeline's steps, written once: the build runs what `.ci/run` runs, the gate and
 * verify steps run the modelstack CLI exactly as a developer would on a laptop.
 */
import { SHADOW_BASELINE_CONTEXT, SHADOW_PLAN_FILE } from './shadow-settings';

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

/** Environment variables the gate and record steps read: the artifact bucket and this run's execution id. */
export const BUCKET_VARIABLE = 'ARTIFACT_BUCKET';
export const EXECUTION_VARIABLE = 'PIPELINE_EXECUTION_ID';

/** Where, in the artifact bucket, the synth production last deployed is kept (the base of the cost and review diffs). */
export function deployedSynthKey(environment: string): string {
  return `${DEPLOYED_PREFIX}${environment}/cdk.out.tgz`;
}

/** The prefix of {@link deployedSynthKey}. */
export const DEPLOYED_PREFIX = 'deployed/';

/** Where, in the artifact bucket, a run's approval summary is written; `executionId` may be a pipeline variable. */
export function approvalSummaryKey(executionId: string): string {
  return `approvals/${executionId}/approval.md`;
}

/**
 * Build: install, test (tsc, jest, compliance packs), synthesize (every pack again, as errors). `beforeSynth` (the
 * model drop's copy) runs after the tests, which are the repository's own, and before the synth that deploys.
 */
export function buildCommands(beforeSynth: readonly string[] = [], shadowBaseline?: ShadowBaselineOptions): string[] {
  if (shadowBaseline === undefined) return ['npm ci --no-audit --no-fund', 'npm test', ...beforeSynth, 'npx cdk synth -q'];
  const dir = SHADOW_BASELINE_DIRECTORY;
  return [
    'npm ci --no-audit --no-fund',
    'npm test',
    ...beforeSynth,
    // The shadow phase's production variant: the model production serves, restored from history, with the plan.
    `npx tsx bin/modelstack.ts shadow-baseline ${shadowBaseline.modelDirectory} --production-stack ${shadowBaseline.productionStack} --region ${shadowBaseline.productionRegion} --out ${dir}`,
    `npx cdk synth -q -c ${SHADOW_BASELINE_CONTEXT}=${dir}`,
    `cp ${dir}/${SHADOW_PLAN_FILE} cdk.out/${SHADOW_PLAN_FILE}`,
  ];
}

/** Where the build restores the model production serves for a shadow phase (relative to the repository root). */
export const SHADOW_BASELINE_DIRECTORY = 'shadow-baseline';
/** The environment variable of the shadow report step holding the environment's records bucket (a stack output). */
export const RECORDS_BUCKET_VARIABLE = 'RECORDS_BUCKET';
/** Where the shadow report step writes its reports; the step's output artifact. */
export const SHADOW_REPORT_DIRECTORY = 'shadow-report';

/** What the build compares to decide a shadow phase: the candidate folder and the production stack. */
export interface ShadowBaselineOptions {
  /** The candidate model folder, relative to the repository root. */
  readonly modelDirectory: string;
  /** The production stack, whose ModelSha256 output names the model it serves. */
  readonly productionStack: string;
  /** Its region. */
  readonly productionRegion: string;
}

/** The thresholds of a shadow phase's report. */
export interface ShadowReportThresholds {
  /** Least label agreement (classification). */
  readonly minAgreement?: number;
  /** Largest mean absolute difference of values (regression). */
  readonly maxMeanAbsoluteDifference?: number;
  /** Fewest paired requests. */
  readonly minPairedRequests: number;
}

/**
 * Shadow report: when the build's plan says this run shadowed, copy the endpoint's capture prefix, then compare the
 * two variants' answers captured since the build with `modelstack shadow-report`, which exits 1 below the thresholds.
 * The step's input is the repository (for the CLI) with the build's output as `cdk.out/` (for the plan).
 */
export function shadowReportCommands(endpointName: string, thresholds: ShadowReportThresholds): string[] {
  const plan = `cdk.out/${SHADOW_PLAN_FILE}`;
  const out = SHADOW_REPORT_DIRECTORY;
  const gate = [
    `--min-paired ${thresholds.minPairedRequests}`,
    ...(thresholds.minAgreement === undefined ? [] : [`--min-agreement ${thresholds.minAgreement}`]),
    ...(thresholds.maxMeanAbsoluteDifference === undefined ? [] : [`--max-mean-difference ${thresholds.maxMeanAbsoluteDifference}`]),
  ].join(' ');
  return [
    'npm ci --no-audit --no-fund',
    `mkdir -p shadow-capture ${out}`,
    `if node -e "process.exit(require('./${plan}').shadowing === true ? 0 : 1)"; then aws s3 sync "s3://$${RECORDS_BUCKET_VARIABLE}/capture/${endpointName}/" shadow-capture/ --only-show-errors; fi`,
    `npx tsx bin/modelstack.ts shadow-report shadow-capture --plan ${plan} ${gate} --json ${out}/report.json --markdown ${out}/report.md`,
  ];
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
  const env = options.productionEnvironment;
  const base = `${out}/deployed-cdk.out`;
  return [
    'npm ci --no-audit --no-fund',
    `npx tsx bin/modelstack.ts gate ${options.modelDirectory} --production-stack ${options.productionStack} --region ${options.productionRegion} --out ${out}`,
    `npx tsx bin/modelstack.ts estimate --env ${env} --cdk-out cdk.out --markdown > ${out}/estimate.md`,
    `export ${GATE_VARIABLES.verdict}="$(cat ${out}/verdict.txt)"`,
    // The estimate's first total line, e.g. "Expected $412.30 a month".
    `export ${GATE_VARIABLES.cost}="$(grep -m1 -o '^\\*\\*Expected [^*]*\\*\\*' ${out}/estimate.md | tr -d '*')"`,
    // The synth production last deployed (kept by the record step after it): the base of the line-by-line cost
    // difference and of the review. A first release has none, and the summary says so.
    `if aws s3 cp "s3://$${BUCKET_VARIABLE}/${deployedSynthKey(env)}" ${out}/deployed-cdk.out.tgz; then mkdir -p ${base} && tar -xzf ${out}/deployed-cdk.out.tgz -C ${base}; fi`,
    `if [ -d ${base} ]; then npx tsx bin/modelstack.ts estimate --env ${env} --cdk-out cdk.out --compare ${base} --markdown --allow-over-budget > ${out}/cost-difference.md; else echo "No synth of ${env} has been deployed by this pipeline yet: no cost difference (first release)." > ${out}/cost-difference.md; fi`,
    `if [ -d ${base} ]; then npx tsx bin/modelstack.ts review ${base} cdk.out --env ${env} --output ${out}/review.md; else echo "No synth of ${env} has been deployed by this pipeline yet: nothing to review against (first release)." > ${out}/review.md; fi`,
    `{ echo "# Approval summary"; echo; cat ${out}/summary.md; echo; echo "# Cost difference (${env})"; echo; cat ${out}/cost-difference.md; echo; echo "# Review (${env})"; echo; cat ${out}/review.md; } > ${out}/approval.md`,
    `aws s3 cp ${out}/approval.md "s3://$${BUCKET_VARIABLE}/${approvalSummaryKey(`$${EXECUTION_VARIABLE}`)}" --content-type "text/markdown; charset=utf-8"`,
  ];
}

/** Record: after production is deployed and verified, keep its synth as the next run's base. */
export function recordDeployedCommands(environment: string): string[] {
  // The step's input is the synth's output: its working directory is cdk.out.
  return ['tar -czf /tmp/deployed-cdk.out.tgz .', `aws s3 cp /tmp/deployed-cdk.out.tgz "s3://$${BUCKET_VARIABLE}/${deployedSynthKey(environment)}"`];
}

/** Verify: the deployed endpoint serves this commit's model and answers as it does offline. */
export function verifyCommands(environment: string, stackName: string): string[] {
  return ['npm ci --no-audit --no-fund', `npx tsx bin/modelstack.ts verify --env ${environment} --stack ${stackName}`];
}
