/**
 * The files `modelstack new` writes, as functions of what varies (project name, versions, the model's folder).
 * Each file is complete: the project type-checks, synthesizes and estimates as written.
 */
import { CDK_CONTEXT } from './cdk-context';

/** What the templates depend on. */
export interface ProjectTemplateInput {
  /** The npm package name of the project. */
  readonly projectName: string;
  /** Dependency specs by package name (`modelstack`, `aws-cdk-lib`, `constructs`). */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Dev dependency specs by package name (`aws-cdk`, `typescript`, `tsx`, `@types/node`). */
  readonly devDependencies: Readonly<Record<string, string>>;
  /** The model's folder, relative to the project. */
  readonly modelDirectory: string;
  /** Whether the model folder holds a model (`model.onnx` + `model.json`) yet. */
  readonly hasModel: boolean;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function packageJson(input: ProjectTemplateInput): string {
  return json({
    name: input.projectName,
    version: '0.1.0',
    private: true,
    scripts: {
      build: 'tsc --noEmit',
      synth: 'cdk synth -q',
      evaluate: `modelstack evaluate ${input.modelDirectory}`,
      estimate: 'modelstack estimate',
      serve: `modelstack serve ${input.modelDirectory}`,
    },
    dependencies: input.dependencies,
    devDependencies: input.devDependencies,
  });
}

export function cdkJson(): string {
  return json({ app: 'npx tsx bin/app.ts', context: CDK_CONTEXT });
}

export function tsconfigJson(): string {
  return json({
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node',
      lib: ['ES2022'],
      types: ['node'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ['bin', 'environments.ts'],
  });
}

export function appTs(): string {
  return `/**
 * The CDK app: \`npx cdk synth\` validates every environment of environments.ts and builds one stack each;
 * \`npx cdk synth -c env=prod\` builds one.
 */
import { join } from 'node:path';
import { runApp } from 'modelstack/app';
import { environments } from '../environments';

void runApp({ environments, projectRoot: join(__dirname, '..') });
`;
}

export function environmentsTs(input: ProjectTemplateInput): string {
  return `/**
 * The environments, typed by modelstack's schema: your editor completes every field, and \`npx cdk synth\` refuses
 * a bad value naming the field, the value and what is allowed. Accounts are unset so synth needs no credentials;
 * \`cdk deploy\` targets the account of the credentials in use.
 */
import type { EnvironmentConfigInput } from 'modelstack/config';

const model = { directory: ${JSON.stringify(input.modelDirectory)} };
// Every resource is also tagged modelstack:environment and modelstack:model.
const tags = { project: ${JSON.stringify(input.projectName)} };

export const environments = {
  dev: {
    region: 'eu-west-1',
    model,
    // No reserved concurrency: a new account's quota is 10 concurrent executions, all of which Lambda keeps unreserved.
    platform: { type: 'lambda', memorySizeMiB: 1024, rollout: { strategy: 'all-at-once' } },
    removalPolicy: 'destroy',
    budget: { monthlyLimitUsd: 25 },
    traffic: { requestsPerMonth: 100_000, meanDurationMs: 15 },
    tags,
  },
  prod: {
    region: 'eu-west-1',
    model,
    // Retained resources, termination protection, the evaluation gate and a canary rollout.
    protection: 'production',
    // Reserving 100 needs a "Concurrent executions" quota (Service Quotas L-B99A9384) of at least 200: request 1000
    // before the first deploy, or remove both settings (see modelstack's docs/account-quotas.md).
    platform: {
      type: 'lambda',
      memorySizeMiB: 2048,
      reservedConcurrency: 100,
      accountConcurrencyQuota: 1000,
      rollout: { strategy: 'canary', percent: 10, intervalMinutes: 5 },
    },
    removalPolicy: 'retain',
    // Alarm e-mails: add your team's address, e.g. alarms: { emails: ['ml-team@example.com'] }.
    budget: { monthlyLimitUsd: 200 },
    traffic: { requestsPerMonth: 10_000_000, meanDurationMs: 15 },
    tags,
  },
} satisfies Record<string, EnvironmentConfigInput>;
`;
}

export function readme(input: ProjectTemplateInput): string {
  const first = input.hasModel
    ? ''
    : `Put your model in \`${input.modelDirectory}/\` first: \`npx modelstack init model.onnx --data train.csv --target <column> --out ${input.modelDirectory}\`.\n\n`;
  return `# ${input.projectName}

An ONNX model served on AWS by [modelstack](https://www.npmjs.com/package/modelstack): the model in
\`${input.modelDirectory}/\`, its environments in \`environments.ts\`, the CDK app in \`bin/app.ts\`.

${first}## Next

\`\`\`sh
npm install
npx cdk synth
npx modelstack estimate
\`\`\`

\`npx cdk synth\` validates the config, checks the model against its manifest, runs the compliance packs and
writes \`cdk.out/\`; \`npx modelstack estimate\` prices what it wrote with each environment's traffic, against its
budget. Then try the model locally with \`npx modelstack serve ${input.modelDirectory}\`, and deploy with
\`npx modelstack deploy --env dev\` (credentials for the target account needed).

Before prod: \`npx modelstack evaluate ${input.modelDirectory}\` on held-out data (the manifest's \`evaluation.data\`);
prod's promotion gate refuses a model without a passing evaluation of this very model file and data.
`;
}

/**
 * onnxruntime-node's install script downloads CUDA binaries on Linux x64; the package already ships the CPU
 * binaries modelstack uses, so the download is skipped (it also keeps `npm install` working offline).
 */
export function npmrc(): string {
  return '# onnxruntime-node ships the CPU binaries modelstack uses; skip its CUDA download.\nonnxruntime-node-install=skip\n';
}

export function gitignore(): string {
  return ['node_modules/', 'cdk.out/', '.cdk.staging/', '*.js', '*.d.ts', ''].join('\n');
}

export function ciWorkflow(input: ProjectTemplateInput): string {
  return `# Checks every push and pull request offline: types, synth (config validation, the model against its manifest,
# the promotion gate, cdk-nag compliance packs and CloudFormation validation), evaluation and cost.
name: modelstack
on:
  push:
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 24
          cache: npm
      - run: npm ci
      - name: Type-check
        run: npm run build
      - name: Evaluate the model (promotion gate input)
        run: npx modelstack evaluate ${input.modelDirectory} --no-report
      - name: Synthesize with the compliance checks
        run: npx cdk synth -q
      - name: Estimate the monthly cost
        run: npx modelstack estimate --markdown >> "$GITHUB_STEP_SUMMARY"
`;
}
