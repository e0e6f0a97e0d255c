/**
 * SageMaker real-time endpoints: instance-hours per variant at minimum capacity (expected) and maximum capacity
 * (worst case) when auto-scaled, attached ML storage, serverless compute per GB-second of memory and its
 * provisioned concurrency, data processed in and out, data capture stored in S3, and the container's logs and
 * runtime metrics (SageMaker creates its log group, so it is not in the template). Endpoint configs and models are
 * billed through the endpoint that deploys them.
 */
import {
  BYTES_PER_GB,
  DATA_CAPTURE_RECORD_OVERHEAD_BYTES,
  DATA_CAPTURE_RETENTION_MONTHS,
  HOURS_PER_MONTH,
  LOG_COMPRESSION_RATIO,
  MB_PER_GB,
  SECONDS_PER_MONTH,
  UNBOUNDED_RETENTION_MONTHS,
} from '../assumptions';
import { asList, asObject, literalNumber, literalString, referencedId, type CfnResource, type CfnValue } from '../cloudformation-template';
import { both, free, priced, unpriced, type LineItemDraft, type Range, type ResourcePricing } from '../line-item';
import { formatQuantity } from '../numbers';
import { EMF_NAMESPACE_VARIABLE, type PricingContext } from '../pricing-context';
import { dataTransferOutLine } from './data-transfer';
import { runtimeMetricsLine } from './runtime-metrics';

export const SAGEMAKER_INSTANCE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
export const SAGEMAKER_PROVISIONED_DIMENSION = 'sagemaker:variant:DesiredProvisionedConcurrency';

type Variant = { readonly [key: string]: CfnValue };

function range(expected: number, worstCase: number): Range {
  return { expected, worstCase };
}

/** The scaling bounds of one variant's `dimension`, matched on the endpoint's reference or literal name. */
function variantBounds(context: PricingContext, endpointId: string, variantName: string, dimension: string) {
  const byReference = context.graph.scalableTarget(dimension, [endpointId], [`variant/${variantName}`]);
  if (byReference !== undefined) return byReference;
  const name = literalString(context.graph.resource(endpointId)?.Properties?.EndpointName);
  return name === undefined ? undefined : context.graph.scalableTarget(dimension, [], [`endpoint/${name}/variant/${variantName}`]);
}

function scaledText(count: Range, targetId: string | undefined, noun: string): string {
  return targetId === undefined ? `${count.expected} ${noun}` : `${count.expected} (minimum, expected) to ${count.worstCase} (maximum) ${noun}, auto-scaled by ${targetId}`;
}

function instanceLines(context: PricingContext, endpointId: string, name: string, variant: Variant): LineItemDraft[] | string {
  const type = literalString(variant.InstanceType, context.graph.template);
  if (type === undefined) return `variant ${name}: InstanceType is not a literal`;
  const initial = literalNumber(variant.InitialInstanceCount, context.graph.template) ?? 1;
  const managed = asObject(variant.ManagedInstanceScaling);
  const bounds = variantBounds(context, endpointId, name, SAGEMAKER_INSTANCE_DIMENSION);
  const managedOn = managed?.Status === 'ENABLED';
  const count = range(
    bounds?.minCapacity ?? (managedOn ? (literalNumber(managed?.MinInstanceCount) ?? initial) : initial),
    bounds?.maxCapacity ?? (managedOn ? (literalNumber(managed?.MaxInstanceCount) ?? initial) : initial),
  );
  const lines: LineItemDraft[] = [
    {
      id: `instances:${name}`,
      description: `variant ${name}: ${type} instances`,
      kind: 'fixed',
      priceKey: `sagemaker.instance.${type}`,
      quantity: range(count.expected * HOURS_PER_MONTH, count.worstCase * HOURS_PER_MONTH),
      basis: `${scaledText(count, bounds?.targetId, 'instances')} × ${HOURS_PER_MONTH} h`,
    },
  ];
  const volume = literalNumber(variant.VolumeSizeInGB, context.graph.template);
  if (volume !== undefined) {
    lines.push({
      id: `storage:${name}`,
      description: `variant ${name}: ML storage`,
      kind: 'fixed',
      priceKey: 'sagemaker.endpointStorage',
      quantity: range(count.expected * volume, count.worstCase * volume),
      basis: `${scaledText(count, bounds?.targetId, 'instances')} × ${volume} GB`,
    });
  }
  return lines;
}

function serverlessLines(context: PricingContext, endpointId: string, name: string, config: { readonly [key: string]: CfnValue }, requests: number): LineItemDraft[] | string {
  const memoryMb = literalNumber(config.MemorySizeInMB, context.graph.template);
  if (memoryMb === undefined) return `variant ${name}: ServerlessConfig.MemorySizeInMB is not a literal`;
  const memoryGb = memoryMb / MB_PER_GB;
  const configured = config.ProvisionedConcurrency === undefined ? 0 : literalNumber(config.ProvisionedConcurrency, context.graph.template);
  if (configured === undefined) return `variant ${name}: ServerlessConfig.ProvisionedConcurrency is not a literal`;
  const bounds = configured > 0 ? variantBounds(context, endpointId, name, SAGEMAKER_PROVISIONED_DIMENSION) : undefined;
  const provisioned = range(bounds?.minCapacity ?? configured, bounds?.maxCapacity ?? configured);
  const durationSeconds = context.traffic.meanDurationMs / 1000;
  const meanConcurrency = (requests * durationSeconds) / SECONDS_PER_MONTH;
  const share = (executions: number) => (executions <= 0 ? 0 : meanConcurrency <= 0 ? 1 : Math.min(1, executions / meanConcurrency));
  const onDemand = range(requests * (1 - share(provisioned.expected)), requests * (1 - share(provisioned.worstCase)));
  const perRequest = `${context.traffic.meanDurationMs} ms × ${memoryMb} MB`;
  const lines: LineItemDraft[] = [
    {
      id: `serverless-compute:${name}`,
      description: `variant ${name}: serverless compute (on demand)`,
      kind: 'traffic',
      priceKey: 'sagemaker.serverless.duration',
      quantity: range(onDemand.expected * durationSeconds * memoryGb, onDemand.worstCase * durationSeconds * memoryGb),
      basis: `${formatQuantity(onDemand.expected)} requests × ${perRequest}`,
    },
  ];
  if (configured > 0) {
    lines.push(
      {
        id: `serverless-provisioned:${name}`,
        description: `variant ${name}: serverless provisioned concurrency`,
        kind: 'fixed',
        priceKey: 'sagemaker.serverless.provisioned',
        quantity: range(provisioned.expected * memoryGb * SECONDS_PER_MONTH, provisioned.worstCase * memoryGb * SECONDS_PER_MONTH),
        basis: `${scaledText(provisioned, bounds?.targetId, 'concurrent')} × ${memoryMb} MB × ${HOURS_PER_MONTH} h`,
      },
      {
        id: `serverless-provisioned-compute:${name}`,
        description: `variant ${name}: serverless compute (on provisioned concurrency)`,
        kind: 'traffic',
        priceKey: 'sagemaker.serverless.provisionedDuration',
        quantity: range((requests - onDemand.expected) * durationSeconds * memoryGb, (requests - onDemand.worstCase) * durationSeconds * memoryGb),
        basis: `${formatQuantity(requests - onDemand.expected)} requests × ${perRequest}`,
      },
    );
  }
  return lines;
}

function modelEnvironment(context: PricingContext, variants: readonly Variant[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const variant of variants) {
    const modelId = referencedId(variant.ModelName);
    const props = modelId === undefined ? undefined : context.graph.resource(modelId)?.Properties;
    const containers = [props?.PrimaryContainer, ...asList(props?.Containers)];
    for (const container of containers) {
      for (const [key, value] of Object.entries(asObject(asObject(container)?.Environment) ?? {})) {
        if (typeof value === 'string') environment[key] = value;
      }
    }
  }
  return environment;
}

function captureLines(context: PricingContext, config: CfnResource, requests: number): LineItemDraft[] {
  const capture = asObject(config.Properties?.DataCaptureConfig);
  if (capture === undefined || capture.EnableCapture === false) return [];
  const templatePercent = literalNumber(capture.InitialSamplingPercentage, context.graph.template);
  const percent = context.traffic.capturedPercent ?? templatePercent ?? 100;
  const from = context.traffic.capturedPercent !== undefined ? 'traffic profile' : templatePercent !== undefined ? 'endpoint config' : 'not a literal: assumed 100%';
  const modes = asList(capture.CaptureOptions).map((option) => asObject(option)?.CaptureMode);
  const bytes =
    (modes.includes('Input') ? context.traffic.meanPayloadBytes : 0) + (modes.includes('Output') ? context.traffic.meanResponseBytes : 0) + DATA_CAPTURE_RECORD_OVERHEAD_BYTES;
  const gbPerMonth = (requests * (percent / 100) * bytes) / BYTES_PER_GB;
  return [
    {
      id: 'data-capture',
      description: 'data capture stored in S3 Standard',
      kind: 'traffic',
      priceKey: 's3.standard.storage',
      quantity: range(gbPerMonth * DATA_CAPTURE_RETENTION_MONTHS.expected, gbPerMonth * DATA_CAPTURE_RETENTION_MONTHS.worstCase),
      basis:
        `${formatQuantity(requests)} requests × ${percent}% captured (${from}) × ${bytes} bytes; a month's capture kept (worst: ` +
        `${DATA_CAPTURE_RETENTION_MONTHS.worstCase} months, never expired); the bucket's PUT requests are not estimated`,
    },
  ];
}

/** An `AWS::SageMaker::Endpoint`. */
export function priceSageMakerEndpoint(logicalId: string, _resource: CfnResource, context: PricingContext): ResourcePricing {
  const configId = context.graph.endpointConfigOf(logicalId);
  const config = configId === undefined ? undefined : context.graph.resource(configId);
  if (configId === undefined || config === undefined) return unpriced('its EndpointConfigName names no endpoint config of this template');
  const variants: Variant[] = context.graph.variantsOf(configId);
  if (variants.length === 0) return unpriced(`endpoint config ${configId} has no production variants`);
  const requests = context.traffic.requestsPerMonth * context.servingShare;
  const weights = variants.map((variant) => literalNumber(variant.InitialVariantWeight, context.graph.template) ?? 1);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0) || 1;
  const lines: LineItemDraft[] = [];
  for (const [index, variant] of variants.entries()) {
    const name = literalString(variant.VariantName, context.graph.template) ?? `variant${index + 1}`;
    const serverless = asObject(variant.ServerlessConfig);
    const variantRequests = (requests * weights[index]) / totalWeight;
    const result = serverless === undefined ? instanceLines(context, logicalId, name, variant) : serverlessLines(context, logicalId, name, serverless, variantRequests);
    if (typeof result === 'string') return unpriced(result);
    lines.push(...result);
  }
  // A shadow variant runs its own instances on a copy of the traffic, for as long as the config has it.
  for (const [index, variant] of context.graph.variantsOf(configId, 'ShadowProductionVariants').entries()) {
    const name = literalString(variant.VariantName, context.graph.template) ?? `shadow${index + 1}`;
    const result = instanceLines(context, logicalId, name, variant);
    if (typeof result === 'string') return unpriced(`shadow ${result}`);
    lines.push(...result.map((line) => ({ ...line, description: `shadow ${line.description}` })));
  }
  const processedGb = (requests * (context.traffic.meanPayloadBytes + context.traffic.meanResponseBytes)) / BYTES_PER_GB;
  lines.push(
    {
      id: 'data-processed',
      description: 'data processed in and out',
      kind: 'traffic',
      priceKey: 'sagemaker.dataProcessed',
      quantity: both(processedGb),
      basis: `${formatQuantity(requests)} requests × (${context.traffic.meanPayloadBytes} + ${context.traffic.meanResponseBytes}) bytes`,
    },
    dataTransferOutLine(context, requests),
    ...captureLines(context, config, requests),
  );
  const environment = modelEnvironment(context, variants);
  const logGb = (requests * context.logBytesPerRequest(environment, false)) / BYTES_PER_GB;
  if (logGb > 0) {
    lines.push(
      {
        id: 'log-ingestion',
        description: 'container logs (group /aws/sagemaker/Endpoints/<name>, created by SageMaker)',
        kind: 'traffic',
        priceKey: 'logs.ingestion',
        quantity: both(logGb),
        basis: `${formatQuantity(logGb)} GB a month`,
      },
      {
        id: 'log-storage',
        description: 'container log storage (the created group never expires logs)',
        kind: 'traffic',
        priceKey: 'logs.storage',
        quantity: range(logGb * LOG_COMPRESSION_RATIO * UNBOUNDED_RETENTION_MONTHS.expected, logGb * LOG_COMPRESSION_RATIO * UNBOUNDED_RETENTION_MONTHS.worstCase),
        basis: `${UNBOUNDED_RETENTION_MONTHS.expected} months kept (worst ${UNBOUNDED_RETENTION_MONTHS.worstCase}) × ${LOG_COMPRESSION_RATIO * 100}% compressed`,
      },
    );
  }
  const namespace = environment[EMF_NAMESPACE_VARIABLE];
  if (namespace !== undefined && requests > 0) lines.push(runtimeMetricsLine(context.model, namespace));
  return priced(...lines);
}

/** An `AWS::SageMaker::EndpointConfig`: billed through the endpoints that deploy it. */
export function priceSageMakerEndpointConfig(logicalId: string, _resource: CfnResource, context: PricingContext): ResourcePricing {
  const endpoints = context.graph.endpointsUsing(logicalId);
  return free(
    endpoints.length > 0
      ? 'an endpoint config is billed through the endpoint that deploys it'
      : 'an endpoint config no endpoint of this stack deploys costs nothing',
  );
}
