/** The SageMaker endpoint's options from a validated platform block. */
import { loadEnvironments } from '../../config/load';
import { sageMakerServingOptions } from '../../config/sagemaker-props';
import type { SageMakerPlatformConfig } from '../../config/sagemaker-schema';
import { PROJECT_ROOT } from '../support/app';
import { placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('sagemaker');

function platformOf(platform: Record<string, unknown>): SageMakerPlatformConfig {
  const [loaded] = loadEnvironments(
    { dev: { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'sagemaker', instance: {}, ...platform }, removalPolicy: 'retain' } },
    { projectRoot: PROJECT_ROOT },
  );
  return loaded.config.platform as SageMakerPlatformConfig;
}

describe('Given a SageMaker platform block', () => {
  test('When dynamic batching is turned off, then the endpoint is built with it off', () => {
    expect(sageMakerServingOptions(platformOf({ dynamicBatching: false }))).toMatchObject({ dynamicBatching: false });
  });

  test('When dynamic batching is unset, then the endpoint keeps its own default (on)', () => {
    expect(sageMakerServingOptions(platformOf({}))).not.toHaveProperty('dynamicBatching');
  });
});
