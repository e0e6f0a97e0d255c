/**
 * The delivery pipeline (see docs/update-flow.md). Unset: no pipeline stack; environments are deployed with
 * `modelstack deploy`. To turn it on, create a CodeStar connection in the console and fill in, for example:
 *
 *   export const pipeline: PipelineConfigInput | undefined = {
 *     connectionArn: 'arn:aws:codestar-connections:eu-west-1:111111111111:connection/<uuid>',
 *     repository: 'my-org/modelstack',
 *     branch: 'main',
 *     region: 'eu-west-1',
 *     stages: ['staging', 'prod'],
 *     notifications: { emails: ['ml-oncall@example.com'] },
 *   };
 */
import type { PipelineConfigInput } from './pipeline-schema';

export const pipeline: PipelineConfigInput | undefined = undefined;
