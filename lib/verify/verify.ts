/**
 * After a deploy, check that the endpoint serves the model that was deployed and answers as the model does offline.
 * Reads the stack (status, outputs), then runs the platform's checks ({@link lambdaChecks}, {@link sageMakerChecks})
 * with a few rows of the manifest's evaluation data. AWS is reached only through the clients in {@link VerifyAws}.
 */
import { join } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { readManifest } from '../../lambda/core/manifest';
import { sha256OfFile } from '../evaluation/evaluation-record';
import { DEFAULT_TOLERANCE } from './compare-predictions';
import { lambdaChecks, type ExpectedModel } from './lambda-checks';
import { DEFAULT_SAMPLE_ROWS, sampleRows, type SampleRows } from './sample-rows';
import { sageMakerChecks, type SageMakerEdge } from './sagemaker-checks';
import type { HttpCall } from './signed-http';
import { deployedEndpointConfig, describeStack, isSettled, MODEL_VERSION_TAG, outputOf, STACK_OUTPUTS, type StackFacts } from './stack-facts';
import { equalCheck, type VerifyCheck, type VerifyReport } from './verify-check';
import { VerifyError } from './verify-error';

/** The AWS edge of verify: SDK clients, and the signed HTTP client for function URLs. */
export interface VerifyAws extends SageMakerEdge {
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  /** Sends SigV4-signed (service `lambda`) requests to the function URL. */
  readonly http: HttpCall;
}

/** What to verify. */
export interface VerifyOptions {
  readonly environment: string;
  readonly stackName: string;
  readonly platform: 'lambda' | 'sagemaker';
  /** The model folder the environment's config names (model.onnx, model.json and the evaluation data). */
  readonly modelDirectory: string;
  /** @default DEFAULT_SAMPLE_ROWS */
  readonly rows?: number;
  /** @default DEFAULT_TOLERANCE */
  readonly tolerance?: number;
  readonly aws: VerifyAws;
}

/** The SDK's error when the default credential chain finds nothing. */
const NO_CREDENTIALS = 'CredentialsProviderError';

/** Runs every check and reports them; a missing stack or missing credentials is a {@link VerifyError}. */
export async function verifyDeployment(options: VerifyOptions): Promise<VerifyReport> {
  try {
    return await verify(options);
  } catch (error) {
    if (error instanceof Error && error.name === NO_CREDENTIALS) {
      throw new VerifyError(
        `no AWS credentials: the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, SSO, a container or instance role) found none (${error.message}); configure credentials for the account of ${options.stackName}, e.g. aws configure sso, and run modelstack verify --env ${options.environment} again`,
      );
    }
    throw error;
  }
}

async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const manifest = await readManifest(join(options.modelDirectory, 'model.json'));
  const localSha256 = await sha256OfFile(join(options.modelDirectory, 'model.onnx'));
  const sample = await sampleRows(options.modelDirectory, manifest, options.rows ?? DEFAULT_SAMPLE_ROWS);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const facts = await describeStack(options.aws.cloudFormation, options.stackName);
  const url = outputOf(facts, STACK_OUTPUTS.url);
  const deployedSha256 = outputOf(facts, STACK_OUTPUTS.modelSha256);
  const model: ExpectedModel = { name: manifest.name, version: manifest.version, sha256: deployedSha256 };
  const checks: VerifyCheck[] = [
    { name: 'stack status', expected: 'CREATE_COMPLETE or UPDATE_COMPLETE', actual: facts.status, ok: isSettled(facts.status) },
    equalCheck(`stack output ${STACK_OUTPUTS.modelSha256} is the configured model.onnx`, localSha256, deployedSha256),
    ...(options.platform === 'lambda'
      ? await lambdaChecks(options.aws.http, url, model, sample, tolerance)
      : await sageMakerPlatformChecks(options, facts, url, model, sample, tolerance)),
  ];
  return { environment: options.environment, stackName: options.stackName, platform: options.platform, endpoint: url, checks, ok: checks.every((c) => c.ok) };
}

async function sageMakerPlatformChecks(
  options: VerifyOptions,
  facts: StackFacts,
  url: string,
  model: ExpectedModel,
  sample: SampleRows,
  tolerance: number,
): Promise<VerifyCheck[]> {
  const endpointConfig = await deployedEndpointConfig(options.aws.cloudFormation, options.stackName);
  return [
    // SageMaker's runtime API cannot reach the metadata route: the version is the one the stack was deployed with.
    equalCheck(`stack tag ${MODEL_VERSION_TAG}`, model.version, facts.tags[MODEL_VERSION_TAG]),
    ...(await sageMakerChecks(options.aws, { url, endpointConfig }, model, sample, tolerance)),
  ];
}
