/**
 * The AWS edge of `modelstack verify` with only the API calls stubbed: real SDK clients whose `send` answers from a
 * described stack and endpoint, and the real SigV4 signer with static fake credentials sending to the local server
 * on loopback (which stands in for the function URL, and behind InvokeEndpoint for the SageMaker container).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { signedHttp } from '../../lib/verify/signed-http';
import type { VerifyAws } from '../../lib/verify/verify';
import { PROJECT_ROOT } from './app';

export const REGION = 'eu-west-1';
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
export const BREAST_CANCER = join(PROJECT_ROOT, 'examples', 'breast-cancer');
export const BREAST_CANCER_SHA256 = createHash('sha256').update(readFileSync(join(BREAST_CANCER, 'model.onnx'))).digest('hex');
export const DEPLOYED_CONFIG = 'InferenceEndpointConfig-AbC123';
export const ENDPOINT_NAME = 'modelstack-breast-cancer-staging-inference';

/** The deployed world the stubs describe. */
export interface FakeDeployment {
  readonly stackStatus?: string;
  /** The stack's InferenceUrl output. */
  readonly url: string;
  /** The stack's ModelSha256 output. @default the example's */
  readonly modelSha256?: string;
  /** The endpoint config the stack created. @default DEPLOYED_CONFIG */
  readonly stackEndpointConfig?: string;
  /** The endpoint config the endpoint runs. @default the stack's */
  readonly runningEndpointConfig?: string;
  readonly endpointStatus?: string;
  /** Where InvokeEndpoint forwards the body (the container's /invocations). */
  readonly containerUrl?: string;
  /** Rejects every CloudFormation call with this error (e.g. no credentials). */
  readonly cloudFormationError?: Error;
}

/** A SageMaker InvokeEndpoint URL of the endpoint. */
export const SAGEMAKER_URL = `https://runtime.sagemaker.${REGION}.amazonaws.com/endpoints/${ENDPOINT_NAME}/invocations`;

/** Every request the signed client sent, with its headers. */
export interface SentRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
}

function stub<T extends { send: unknown }>(client: T, answer: (command: unknown) => Promise<unknown>): T {
  (client as { send: unknown }).send = answer;
  return client;
}

function cloudFormation(world: FakeDeployment): CloudFormationClient {
  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from the SDK's send
  return stub(new CloudFormationClient({ region: REGION, credentials: FAKE_CREDENTIALS }), async (command) => {
    if (world.cloudFormationError !== undefined) throw world.cloudFormationError;
    if (command instanceof DescribeStacksCommand) {
      return {
        Stacks: [
          {
            StackName: command.input.StackName,
            StackStatus: world.stackStatus ?? 'UPDATE_COMPLETE',
            Outputs: [
              { OutputKey: 'InferenceUrl', OutputValue: world.url },
              { OutputKey: 'ModelSha256', OutputValue: world.modelSha256 ?? BREAST_CANCER_SHA256 },
            ],
            Tags: [{ Key: 'modelstack:model-version', Value: '1.0.0' }],
          },
        ],
      };
    }
    if (command instanceof ListStackResourcesCommand) {
      const config = world.stackEndpointConfig ?? DEPLOYED_CONFIG;
      return {
        StackResourceSummaries: [
          { LogicalResourceId: 'InferenceEndpointConfig', ResourceType: 'AWS::SageMaker::EndpointConfig', PhysicalResourceId: `arn:aws:sagemaker:${REGION}:123456789012:endpoint-config/${config.toLowerCase()}` },
          { LogicalResourceId: 'Inference', ResourceType: 'AWS::SageMaker::Endpoint', PhysicalResourceId: `arn:aws:sagemaker:${REGION}:123456789012:endpoint/${ENDPOINT_NAME}` },
        ],
      };
    }
    throw new Error(`unexpected CloudFormation command ${String(command)}`);
  });
}

function sageMaker(world: FakeDeployment): SageMakerClient {
  const running = world.runningEndpointConfig ?? world.stackEndpointConfig ?? DEPLOYED_CONFIG;
  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from the SDK's send
  return stub(new SageMakerClient({ region: REGION, credentials: FAKE_CREDENTIALS }), async (command) => {
    if (command instanceof DescribeEndpointCommand) return { EndpointName: command.input.EndpointName, EndpointStatus: world.endpointStatus ?? 'InService', EndpointConfigName: running };
    if (command instanceof DescribeEndpointConfigCommand) return { EndpointConfigName: command.input.EndpointConfigName, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `model-of-${command.input.EndpointConfigName}` }] };
    if (command instanceof DescribeModelCommand) {
      const previous = command.input.ModelName !== `model-of-${world.stackEndpointConfig ?? DEPLOYED_CONFIG}`;
      return { PrimaryContainer: { Environment: { MODEL_SHA256: previous ? 'f'.repeat(64) : (world.modelSha256 ?? BREAST_CANCER_SHA256) } } };
    }
    throw new Error(`unexpected SageMaker command ${String(command)}`);
  });
}

function sageMakerRuntime(world: FakeDeployment): SageMakerRuntimeClient {
  return stub(new SageMakerRuntimeClient({ region: REGION, credentials: FAKE_CREDENTIALS }), async (command) => {
    if (!(command instanceof InvokeEndpointCommand) || world.containerUrl === undefined) throw new Error(`unexpected SageMaker runtime command ${String(command)}`);
    const body = command.input.Body as Uint8Array;
    const response = await fetch(`${world.containerUrl}/invocations`, { method: 'POST', headers: { 'content-type': command.input.ContentType ?? '' }, body });
    return { ContentType: response.headers.get('content-type'), Body: new Uint8Array(await response.arrayBuffer()) };
  });
}

/** The stubbed edge, and the requests its signed HTTP client sent. */
export function fakeAws(world: FakeDeployment): { aws: VerifyAws; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const recording: typeof fetch = async (input, init) => {
    sent.push({ url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, headers: { ...(init?.headers as Record<string, string>) } });
    return fetch(input, init);
  };
  return {
    aws: { cloudFormation: cloudFormation(world), sageMaker: sageMaker(world), runtime: sageMakerRuntime(world), http: signedHttp({ region: REGION, credentials: FAKE_CREDENTIALS, fetch: recording }) },
    sent,
  };
}
