/** Readers of a synthesized pipeline template that the pipeline tests share: its stages, a step's buildspec, a step's policy. */
import { Match, type Template } from 'aws-cdk-lib/assertions';

export interface Action {
  readonly Name: string;
  readonly RunOrder: number;
  readonly ActionTypeId: { readonly Category: string; readonly Provider: string };
  readonly Configuration?: Record<string, unknown>;
}
export interface PipelineStage {
  readonly Name: string;
  readonly Actions: Action[];
}

export function stagesOf(template: Template): PipelineStage[] {
  const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as Array<{ Properties: { Stages: PipelineStage[] } }>;
  return pipeline.Properties.Stages;
}

/** The buildspec of the CodeBuild project whose step is named `step`. */
export function buildSpecOf(template: Template, step: string): { phases: { install?: Record<string, unknown>; build: { commands: string[] } }; env?: { 'exported-variables'?: string[] } } {
  const projects = template.findResources('AWS::CodeBuild::Project', { Properties: { Description: Match.stringLikeRegexp(`${step}$`) } });
  const [project] = Object.values(projects) as Array<{ Properties: { Source: { BuildSpec: string } } }>;
  return JSON.parse(project.Properties.Source.BuildSpec) as ReturnType<typeof buildSpecOf>;
}

export function policyOf(template: Template, pathPart: string): string {
  const policies = template.findResources('AWS::IAM::Policy');
  const [id] = Object.keys(policies).filter((key) => key.includes(pathPart));
  return JSON.stringify(policies[id]);
}

