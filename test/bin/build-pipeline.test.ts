/** The pipeline stack as bin/app.ts builds it from the config: its stages hold the real model stacks. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPipelineStack } from '../../bin/build-pipeline';
import { environments } from '../../config/environments';
import { applyCompliance } from '../../lib/compliance';
import { PROJECT_ROOT, testApp } from '../support/app';
import { TEST_PIPELINE_CONFIG as pipeline } from '../support/pipeline';

describe('Given the config with a pipeline for staging and prod', () => {
  test('When the app is built, then the pipeline stack deploys the real model stacks and synthesizes clean under every pack', async () => {
    const app = testApp();
    const stack = (await buildPipelineStack(app, { projectRoot: PROJECT_ROOT, environments, pipeline })) as Stack;
    expect(stack.stackName).toBe('modelstack-breast-cancer-pipeline');
    const template = Template.fromStack(stack);
    const buildSpecs = JSON.stringify(template.findResources('AWS::CodeBuild::Project'));
    expect(buildSpecs).toContain('verify --env prod --stack Pipeline-prod-modelstack-breast-cancer-prod');
    expect(buildSpecs).toContain('gate examples/breast-cancer --production-stack Pipeline-prod-modelstack-breast-cancer-prod --region eu-west-1');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-oncall@example.com' });
    expect(buildSpecs).toContain('cp model-drop/model.onnx model-drop/model.json examples/breast-cancer/');

    applyCompliance(app);
    // Forced: Template.fromStack above synthesized the app once already, without the plugins, and synth is cached.
    const assembly = app.synth({ force: true });
    const reportPath = join(assembly.directory, 'validation-report.json');
    // A violation fails the synth itself; a clean run may leave a report with no plugin in it, or none.
    const report = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as { pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }> }) : { pluginReports: [] };
    for (const plugin of report.pluginReports) expect({ plugin: plugin.pluginName, violations: plugin.violations.map((v) => v.ruleName) }).toEqual({ plugin: plugin.pluginName, violations: [] });
  });

  test('When there is no pipeline block, then there is no pipeline stack', async () => {
    expect(await buildPipelineStack(testApp(), { projectRoot: PROJECT_ROOT, environments, pipeline: undefined })).toBeUndefined();
  });

  test('When the stages deploy different model folders, then the config is refused naming both', async () => {
    const mixed = { ...environments, staging: { ...environments.staging, model: { directory: 'examples/iris' } } };
    await expect(buildPipelineStack(testApp(), { projectRoot: PROJECT_ROOT, pipeline, environments: mixed })).rejects.toThrow(/deploy different model folders \(examples\/iris, examples\/breast-cancer\)/);
  });
});
