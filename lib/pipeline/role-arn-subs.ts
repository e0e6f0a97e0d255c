/**
 * CDK Pipelines renders each deploy action's role (CDK's bootstrap `cfn-exec` role, named after the account and
 * region) as `Fn::Join` with an empty delimiter, which cfn-lint reports as error E3703 ("prefer Fn::Sub"). This
 * rewrites exactly those values as the equivalent `Fn::Sub`: the same ARN, resolved by CloudFormation the same way.
 */
import { Stack } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';

/** A stage as `CfnPipeline.stages` resolves: the L1 property names. */
interface StageShape {
  readonly actions?: Array<{ readonly roleArn?: unknown; readonly configuration?: { readonly RoleArn?: unknown } }>;
}

/** `Fn::Join ['', parts]` as the `Fn::Sub` text, or undefined when a part is neither text, `Ref` nor `Fn::GetAtt`. */
export function joinAsSub(value: unknown): { 'Fn::Sub': string } | undefined {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (join === undefined || join[0] !== '') return undefined;
  let text = '';
  for (const part of join[1]) {
    if (typeof part === 'string') text += part.replace(/\$\{/g, '${!');
    else if (typeof (part as { Ref?: unknown }).Ref === 'string') text += `\${${(part as { Ref: string }).Ref}}`;
    else if (Array.isArray((part as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'])) text += `\${${((part as { 'Fn::GetAtt': string[] })['Fn::GetAtt']).join('.')}}`;
    else return undefined;
  }
  return { 'Fn::Sub': text };
}

/**
 * Overrides every role ARN of `pipeline`'s actions (the action's own, and a deploy action's `Configuration.RoleArn`)
 * that is an empty-delimiter join with its `Fn::Sub`.
 */
export function roleArnsAsSubs(pipeline: codepipeline.CfnPipeline): void {
  const stages = Stack.of(pipeline).resolve(pipeline.stages) as StageShape[];
  stages.forEach((stage, s) =>
    (stage.actions ?? []).forEach((action, a) => {
      const path = `Stages.${s}.Actions.${a}`;
      const own = joinAsSub(action.roleArn);
      if (own !== undefined) pipeline.addPropertyOverride(`${path}.RoleArn`, own);
      const deploy = joinAsSub(action.configuration?.RoleArn);
      if (deploy !== undefined) pipeline.addPropertyOverride(`${path}.Configuration.RoleArn`, deploy);
    }),
  );
}
