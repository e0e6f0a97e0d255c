/**
 * The pipeline stack built from the config with a shadow phase on staging: the phase's stage holds staging's own
 * stack (same name, same endpoint) built from two model folders, the production model as the production variant and
 * the candidate as the shadow variant; without a baseline it is the ordinary stack.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPipelineStack } from '../../bin/build-pipeline';
import { buildStacks, runApp } from '../../bin/build';
import { environments } from '../../config/environments';
import { applyCompliance } from '../../lib/compliance';
import type { ModelStack } from '../../lib/model-stack';
import type { SageMakerInference } from '../../lib/sagemaker-inference';
import { PROJECT_ROOT, testApp } from '../support/app';
import { TEST_PIPELINE_CONFIG as pipeline, TEST_SHADOW_BASELINE, TEST_SHADOW_CONFIG } from '../support/pipeline';

const sha256Of = (folder: string): string => createHash('sha256').update(readFileSync(join(PROJECT_ROOT, folder, 'model.onnx'))).digest('hex');
const CANDIDATE = sha256Of('examples/breast-cancer');
const PRODUCTION = sha256Of(TEST_SHADOW_BASELINE);

/** The config's environments with the tests' shadow phase on staging (2 hours, 90% agreement, half the traffic). */
const withShadow = { ...environments, staging: { ...environments.staging, shadow: TEST_SHADOW_CONFIG } };

/** A folder as `modelstack shadow-baseline` leaves it: only model.onnx and model.json of the production model. */
function baselineFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-shadow-baseline-'));
  for (const file of ['model.onnx', 'model.json']) cpSync(join(PROJECT_ROOT, TEST_SHADOW_BASELINE, file), join(dir, file));
  return dir;
}

/** The model stack of the stage named `stage`. */
function stageStack(app: App, stage: string): ModelStack {
  return app.node.findChild(stage).node.children.find((c) => 'stackName' in c) as ModelStack;
}

/** `MODEL_SHA256` of the CfnModel whose logical id starts with `prefix` in `template`. */
function modelSha(template: Template, idPart: RegExp): string[] {
  const models = template.findResources('AWS::SageMaker::Model') as Record<string, { Properties: { PrimaryContainer: { Environment: Record<string, string> } } }>;
  return Object.entries(models)
    .filter(([id]) => idPart.test(id))
    .map(([, m]) => m.Properties.PrimaryContainer.Environment.MODEL_SHA256);
}

describe('Given staging with a shadow block in a pipeline for staging and prod', () => {
  let app: App;
  let stack: Stack;
  beforeAll(async () => {
    app = testApp();
    stack = (await buildPipelineStack(app, { projectRoot: PROJECT_ROOT, environments: withShadow, pipeline, shadowBaselineDirectory: baselineFolder() })) as Stack;
  });

  test("When the build restored production's model, then the shadow stage serves it as production and the candidate as the shadow variant", () => {
    const template = Template.fromStack(stageStack(app, 'Pipeline-staging-shadow'));
    expect(modelSha(template, /InferenceModel[0-9A-F]{8}$/)).toEqual([PRODUCTION]);
    expect(modelSha(template, /InferenceShadowModel[0-9A-F]{8}$/)).toEqual([CANDIDATE]);
    const [config] = Object.values(template.findResources('AWS::SageMaker::EndpointConfig')) as Array<{ Properties: { ProductionVariants: Array<{ VariantName: string }>; ShadowProductionVariants: Array<Record<string, unknown>> } }>;
    expect(config.Properties.ProductionVariants.map((v) => v.VariantName)).toEqual(['primary']);
    expect(config.Properties.ShadowProductionVariants).toEqual([expect.objectContaining({ VariantName: 'shadow', InstanceType: 'ml.c6i.large', InitialInstanceCount: 1, InitialVariantWeight: 0.5 })]);
    template.hasOutput('ModelSha256', { Value: PRODUCTION });
  });

  test("When both staging stages are built, then they deploy one stack: the same stack name, endpoint and capture, and the ordinary one serves the candidate alone", () => {
    const shadow = stageStack(app, 'Pipeline-staging-shadow');
    const ordinary = stageStack(app, 'Pipeline-staging');
    expect(shadow.stackName).toBe('Pipeline-staging-modelstack-breast-cancer-staging');
    expect(ordinary.stackName).toBe(shadow.stackName);
    const endpointName = (s: ModelStack) => Object.values(Template.fromStack(s).findResources('AWS::SageMaker::Endpoint')).map((e) => (e as { Properties: { EndpointName: string } }).Properties.EndpointName);
    expect(endpointName(shadow)).toEqual(endpointName(ordinary));
    const template = Template.fromStack(ordinary);
    expect(modelSha(template, /InferenceModel[0-9A-F]{8}$/)).toEqual([CANDIDATE]);
    expect(JSON.stringify(template.findResources('AWS::SageMaker::EndpointConfig'))).not.toContain('ShadowProductionVariants');
  });

  test("When the pipeline is read, then the report syncs that endpoint's capture and gates at 90% agreement", () => {
    const specs = JSON.stringify(Template.fromStack(stack).findResources('AWS::CodeBuild::Project'));
    const endpoint = (stageStack(app, 'Pipeline-staging-shadow').inference as SageMakerInference).endpointName;
    expect(specs).toContain(`capture/${endpoint}/`);
    expect(specs).toContain('--min-paired 100 --min-agreement 0.9');
    expect(specs).toContain('shadow-baseline examples/breast-cancer --production-stack Pipeline-prod-modelstack-breast-cancer-prod --region eu-west-1');
  });

  test('When the app is synthesized with the compliance plugins, then every pack is clean', () => {
    applyCompliance(app);
    // Forced: the templates read above synthesized the app once already, without the plugins.
    const assembly = app.synth({ force: true });
    const reportPath = join(assembly.directory, 'validation-report.json');
    // A violation fails the synth itself; a clean run may leave a report with no plugin in it, or none.
    const report = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as { pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }> }) : { pluginReports: [] };
    for (const plugin of report.pluginReports) expect({ plugin: plugin.pluginName, violations: plugin.violations.map((v) => v.ruleName) }).toEqual({ plugin: plugin.pluginName, violations: [] });
  });
});

describe('Given staging with a shadow block and no baseline (a plain synth, a first release, or production serves the candidate)', () => {
  test('When the pipeline is built, then the shadow stage is the ordinary staging stack: the candidate alone, no shadow variant', async () => {
    const app = testApp();
    await buildPipelineStack(app, { projectRoot: PROJECT_ROOT, environments: withShadow, pipeline });
    const template = Template.fromStack(stageStack(app, 'Pipeline-staging-shadow'));
    expect(modelSha(template, /InferenceModel[0-9A-F]{8}$/)).toEqual([CANDIDATE]);
    expect(JSON.stringify(template.findResources('AWS::SageMaker::EndpointConfig'))).not.toContain('ShadowProductionVariants');
  });
});

describe('Given a shadow block the rest of the config cannot run', () => {
  test('When the environment is not in the pipeline stages, then the config is refused naming it', async () => {
    const onlyProd = { ...pipeline, stages: ['prod'] };
    await expect(buildPipelineStack(testApp(), { projectRoot: PROJECT_ROOT, environments: withShadow, pipeline: onlyProd })).rejects.toThrow(
      'staging.shadow: the environment is not in pipeline.stages (prod); the shadow phase is a pipeline stage: add it to the stages or remove shadow',
    );
  });

  test('When a classification model has only a regression threshold, then the synth is refused naming minAgreement', async () => {
    const regressionOnly = { ...environments, staging: { ...environments.staging, shadow: { durationMinutes: 60, maxMeanAbsoluteDifference: 0.1 } } };
    await expect(buildStacks(testApp(), { projectRoot: PROJECT_ROOT, only: 'staging', environments: regressionOnly })).rejects.toThrow(
      "staging.shadow.minAgreement: is required for a binary-classification model (the share of instances where the candidate's label equals production's, 0-1); got missing",
    );
  });
});

describe('Given a shadow block and no delivery pipeline', () => {
  test('When the app runs, then it is refused naming the environment: the block would do nothing', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    const previous = process.exitCode;
    try {
      await runApp({ environments: { staging: withShadow.staging }, projectRoot: PROJECT_ROOT });
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      process.exitCode = previous;
    }
    expect(errors.join('\n')).toContain(
      'staging.shadow: needs the delivery pipeline (config/pipeline.ts) with staging in its stages: the shadow phase is a pipeline stage; remove shadow or set the pipeline',
    );
  });
});
