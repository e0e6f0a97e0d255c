/**
 * The checks of a SageMaker endpoint, through the SageMaker APIs: DescribeEndpoint (InService, and the endpoint
 * config the stack deployed, not one SageMaker rolled back to), the SHA-256 the running model's container is bound
 * to (DescribeEndpointConfig, DescribeModel: `MODEL_SHA256`, which the container enforces at load), and rows of the
 * evaluation data through InvokeEndpoint. SageMaker's runtime API reaches `/invocations` only: the container's
 * `/ping` is SageMaker's own health check (InService), and its metadata route cannot be called.
 */
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { RUNTIME_ENV } from '../../lambda/core/runtime-config';
import type { ExpectedModel } from './lambda-checks';
import { predictionCheck } from './prediction-check';
import type { SampleRows } from './sample-rows';
import { equalCheck, failedCheck, type VerifyCheck } from './verify-check';
import { VerifyError } from './verify-error';

/** The status of an endpoint that serves. */
const IN_SERVICE = 'InService';

/** The endpoint name in the stack's InferenceUrl (`https://runtime.sagemaker.<region>.<suffix>/endpoints/<name>/invocations`). */
export function endpointNameOf(url: string): string {
  const match = /\/endpoints\/([^/]+)\/invocations$/.exec(url);
  if (match === null) throw new VerifyError(`InferenceUrl ${url} is not a SageMaker InvokeEndpoint URL (.../endpoints/<name>/invocations)`);
  return decodeURIComponent(match[1]);
}

/** The SageMaker clients verify uses. */
export interface SageMakerEdge {
  readonly sageMaker: Pick<SageMakerClient, 'send'>;
  readonly runtime: Pick<SageMakerRuntimeClient, 'send'>;
}

/** What the stack deployed on SageMaker. */
export interface DeployedEndpoint {
  readonly url: string;
  /** The endpoint config the stack created. */
  readonly endpointConfig: string;
}

async function servedSha256(sageMaker: SageMakerEdge['sageMaker'], endpointConfig: string): Promise<string | undefined> {
  const config = await sageMaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfig }));
  const modelName = config.ProductionVariants?.[0]?.ModelName;
  if (modelName === undefined) return undefined;
  const model = await sageMaker.send(new DescribeModelCommand({ ModelName: modelName }));
  return model.PrimaryContainer?.Environment?.[RUNTIME_ENV.modelSha256];
}

async function endpointChecks(edge: SageMakerEdge, endpointName: string, deployed: DeployedEndpoint, model: ExpectedModel): Promise<VerifyCheck[]> {
  let endpoint;
  try {
    endpoint = await edge.sageMaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    return [failedCheck(`endpoint ${endpointName}: status`, IN_SERVICE, error)];
  }
  const current = endpoint.EndpointConfigName;
  const sameConfig = current !== undefined && current.toLowerCase() === deployed.endpointConfig.toLowerCase();
  const checks: VerifyCheck[] = [
    equalCheck(`endpoint ${endpointName}: status`, IN_SERVICE, endpoint.EndpointStatus),
    { name: `endpoint ${endpointName}: endpoint config`, expected: deployed.endpointConfig, actual: current ?? '(none)', ok: sameConfig },
  ];
  try {
    checks.push(equalCheck('model SHA-256 of the running endpoint config', model.sha256, current === undefined ? undefined : await servedSha256(edge.sageMaker, current)));
  } catch (error) {
    checks.push(failedCheck('model SHA-256 of the running endpoint config', model.sha256, error));
  }
  return checks;
}

/** Every check of a SageMaker endpoint. */
export async function sageMakerChecks(edge: SageMakerEdge, deployed: DeployedEndpoint, model: ExpectedModel, sample: SampleRows, tolerance: number): Promise<VerifyCheck[]> {
  const endpointName = endpointNameOf(deployed.url);
  const checks = await endpointChecks(edge, endpointName, deployed, model);
  checks.push(
    await predictionCheck(`InvokeEndpoint: ${sample.expected.length} rows of the evaluation data`, sample, tolerance, async () => {
      const answer = await edge.runtime.send(new InvokeEndpointCommand({ EndpointName: endpointName, ContentType: 'text/csv', Accept: 'application/json', Body: new TextEncoder().encode(sample.csv) }));
      return { status: 200, text: new TextDecoder().decode(answer.Body) };
    }),
  );
  return checks;
}
