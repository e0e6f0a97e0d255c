/**
 * One builder per serving platform, chosen by the config's `platform.type`. A new platform is one construct
 * implementing {@link IInferenceEndpoint} plus one case here.
 */
import type { Construct } from 'constructs';
import type { IInferenceEndpoint } from '../inference-endpoint';
import { buildLambdaEndpoint } from './lambda';
import type { PlatformContext } from './platform-context';
import { buildSageMakerEndpoint } from './sagemaker';

export type { PlatformContext } from './platform-context';

/** Builds the environment's endpoint on the platform its config names. */
export function buildEndpoint(scope: Construct, id: string, context: PlatformContext): IInferenceEndpoint {
  const platform = context.config.platform;
  switch (platform.type) {
    case 'lambda':
      return buildLambdaEndpoint(scope, id, platform, context);
    case 'sagemaker':
      return buildSageMakerEndpoint(scope, id, platform, context);
  }
}
