/**
 * Lambda: requests; compute GB-seconds by architecture, on demand or at provisioned concurrency's lower rate;
 * the INIT phase of cold starts (billed since 2025-08-01); ephemeral storage above 512 MB; X-Ray traces; data
 * out; the runtime's custom metrics. Provisioned concurrency itself is priced on the alias (or version) that
 * configures it.
 */
import { BYTES_PER_GB, LAMBDA_DEFAULT_TIMEOUT_SECONDS, SECONDS_PER_MONTH, UNBOUNDED_RETENTION_MONTHS, LOG_COMPRESSION_RATIO, XRAY_FIXED_RATE, XRAY_RESERVOIR_PER_SECOND } from '../assumptions';
import { literalNumber, type CfnResource } from '../cloudformation-template';
import type { LambdaUsage } from '../lambda-usage';
import { both, free, priced, unpriced, type LineItemDraft, type Range, type ResourcePricing } from '../line-item';
import { formatQuantity } from '../numbers';
import { EMF_NAMESPACE_VARIABLE, type PricingContext } from '../pricing-context';
import { dataTransferOutLine } from './data-transfer';
import { QUALITY_ENV } from '../../../lambda/records/quality-metric-names';
import { qualityMetricsLine } from './quality-metrics';
import { runtimeMetricsLine } from './runtime-metrics';

/** Traces X-Ray's default sampling records for `requests` spread over a month. */
export function sampledTraces(requests: number): number {
  const reservoir = SECONDS_PER_MONTH * XRAY_RESERVOIR_PER_SECOND;
  return Math.min(requests, reservoir) + XRAY_FIXED_RATE * Math.max(0, requests - reservoir);
}

function range(expected: number, worstCase: number): Range {
  return { expected, worstCase };
}

function memoryText(usage: LambdaUsage): string {
  return `${usage.memoryMb} MB`;
}

function idleLines(usage: LambdaUsage): LineItemDraft[] {
  const why =
    usage.role === 'deploy-time'
      ? 'custom-resource handler: CloudFormation invokes it only when the stack is deployed'
      : 'no traffic is routed to it in this template (it is behind no function URL and serves no custom resource)';
  return [{ id: 'requests', description: 'requests', kind: 'traffic', priceKey: 'lambda.requests', quantity: both(0), basis: why }];
}

function servingLines(usage: LambdaUsage, context: PricingContext): LineItemDraft[] {
  const { requests, durationSeconds, memoryGb, architecture, provisionedShare } = usage;
  const onDemand = range(requests * (1 - provisionedShare.expected), requests * (1 - provisionedShare.worstCase));
  const gbSeconds = (count: number) => count * durationSeconds * memoryGb;
  const perRequest = `${context.traffic.meanDurationMs} ms × ${memoryText(usage)}`;
  const lines: LineItemDraft[] = [
    { id: 'requests', description: 'requests', kind: 'traffic', priceKey: 'lambda.requests', quantity: both(requests), basis: `${formatQuantity(requests)} requests` },
    {
      id: 'compute',
      description: `compute (${architecture}, on demand)`,
      kind: 'traffic',
      priceKey: `lambda.${architecture}.duration`,
      quantity: range(gbSeconds(onDemand.expected), gbSeconds(onDemand.worstCase)),
      basis: `${formatQuantity(onDemand.expected)} requests × ${perRequest}`,
    },
  ];
  if (usage.provisioned.length > 0) {
    lines.push({
      id: 'compute-provisioned',
      description: `compute (${architecture}, on provisioned concurrency)`,
      kind: 'traffic',
      priceKey: `lambda.${architecture}.provisionedDuration`,
      quantity: range(gbSeconds(requests - onDemand.expected), gbSeconds(requests - onDemand.worstCase)),
      basis: `${formatQuantity(requests - onDemand.expected)} requests × ${perRequest} (mean concurrency within the provisioned amount)`,
    });
  }
  const initGbSeconds = (coldStarts: number) => coldStarts * usage.initSeconds * memoryGb;
  lines.push({
    id: 'init',
    description: `INIT phase of cold starts (${architecture})`,
    kind: 'traffic',
    priceKey: `lambda.${architecture}.duration`,
    quantity: range(initGbSeconds(usage.onDemandColdStarts.expected), initGbSeconds(usage.onDemandColdStarts.worstCase)),
    basis: `${formatQuantity(usage.onDemandColdStarts.expected)} cold starts (${context.traffic.coldStartsBasis}) × ${context.traffic.meanInitDurationMs} ms × ${memoryText(usage)}; billed since 2025-08-01`,
  });
  if (usage.extraEphemeralGb > 0) {
    const seconds = (count: number, coldStarts: number) => count * durationSeconds + coldStarts * usage.initSeconds;
    lines.push({
      id: 'ephemeral-storage',
      description: 'ephemeral storage above 512 MB',
      kind: 'traffic',
      priceKey: 'lambda.ephemeralStorage',
      quantity: range(
        usage.extraEphemeralGb * seconds(onDemand.expected, usage.onDemandColdStarts.expected),
        usage.extraEphemeralGb * seconds(onDemand.worstCase, usage.onDemandColdStarts.worstCase),
      ),
      basis: `${Number((usage.extraEphemeralGb * 1024).toFixed(0))} MB extra × on-demand billed seconds (invocations and INIT)`,
    });
  }
  if (usage.tracing) {
    const traces = sampledTraces(requests);
    lines.push({
      id: 'xray-traces',
      description: 'X-Ray traces (active tracing)',
      kind: 'traffic',
      priceKey: 'xray.tracesRecorded',
      quantity: both(traces),
      basis: `${formatQuantity(traces)} traces: default sampling (1 a second, then 5%); retrieval and scans not estimated`,
    });
  }
  lines.push(dataTransferOutLine(context, requests));
  if (context.graph.logGroupOf(usage.functionId) === undefined && usage.logBytes > 0) {
    const gb = usage.logBytes / BYTES_PER_GB;
    lines.push(
      { id: 'log-ingestion', description: 'logs (group /aws/lambda/<name>, created by Lambda)', kind: 'traffic', priceKey: 'logs.ingestion', quantity: both(gb), basis: `${formatQuantity(gb)} GB a month` },
      {
        id: 'log-storage',
        description: 'log storage (the created group never expires logs)',
        kind: 'traffic',
        priceKey: 'logs.storage',
        quantity: range(gb * LOG_COMPRESSION_RATIO * UNBOUNDED_RETENTION_MONTHS.expected, gb * LOG_COMPRESSION_RATIO * UNBOUNDED_RETENTION_MONTHS.worstCase),
        basis: `${UNBOUNDED_RETENTION_MONTHS.expected} months kept (worst ${UNBOUNDED_RETENTION_MONTHS.worstCase}) × ${LOG_COMPRESSION_RATIO * 100}% compressed`,
      },
    );
  }
  const namespace = usage.variables[EMF_NAMESPACE_VARIABLE];
  if (namespace !== undefined && requests > 0) lines.push(runtimeMetricsLine(context.model, namespace));
  return lines;
}

/**
 * A function a schedule invokes (the quality job): its runs a month, each billed at most its timeout. Its real
 * duration depends on the records a run reads, which the template does not say, so the expected figure is that
 * bound too.
 */
function scheduledPricing(usage: LambdaUsage, resource: CfnResource, context: PricingContext): ResourcePricing {
  const schedule = context.graph.scheduleOf(usage.functionId);
  if (schedule?.runsPerMonth === undefined) {
    return unpriced(`its schedule ${schedule?.scheduleId ?? ''} runs on '${schedule?.expression ?? ''}', and the estimator counts the runs of rate(...) expressions only`);
  }
  const runs = schedule.runsPerMonth;
  const timeout = literalNumber(resource.Properties?.Timeout, context.graph.template) ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS;
  const gbSeconds = runs * timeout * usage.memoryGb;
  const basis = `${formatQuantity(runs)} runs (${schedule.scheduleId}: ${schedule.expression})`;
  const lines: LineItemDraft[] = [
    { id: 'requests', description: 'scheduled runs', kind: 'fixed', priceKey: 'lambda.requests', quantity: both(runs), basis },
    {
      id: 'compute',
      description: `compute of the scheduled runs (${usage.architecture})`,
      kind: 'fixed',
      priceKey: `lambda.${usage.architecture}.duration`,
      quantity: both(gbSeconds),
      basis: `${basis} × at most the ${timeout} s timeout × ${memoryText(usage)} (a run's duration depends on the records it reads)`,
    },
  ];
  const namespace = usage.variables[EMF_NAMESPACE_VARIABLE];
  // The quality job is the scheduled function that reads a capture prefix.
  if (namespace !== undefined && usage.variables[QUALITY_ENV.capturePrefix] !== undefined) lines.push(qualityMetricsLine(context.model, namespace));
  return priced(...lines);
}

/** An `AWS::Lambda::Function`. */
export function priceLambdaFunction(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const usage = context.lambda(logicalId);
  if (usage.unresolvedProvisioned.length > 0) {
    return unpriced(`the provisioned concurrency of ${usage.unresolvedProvisioned.join(', ')} is not a literal, so its share of requests is unknown`);
  }
  if (usage.role === 'scheduled') return scheduledPricing(usage, resource, context);
  return priced(...(usage.role === 'serving' ? servingLines(usage, context) : idleLines(usage)));
}

/** An `AWS::Lambda::Alias` or `AWS::Lambda::Version`: free unless it configures provisioned concurrency. */
export function priceLambdaQualifier(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  if (resource.Properties?.ProvisionedConcurrencyConfig === undefined) {
    return free('Lambda versions and aliases without provisioned concurrency cost nothing of their own');
  }
  const functionId = context.graph.functionOf(logicalId);
  if (functionId === undefined) return unpriced('its FunctionName does not reference a function in this template');
  const usage = context.lambda(functionId);
  const config = usage.provisioned.find((entry) => entry.id === logicalId);
  if (config === undefined) return unpriced('ProvisionedConcurrentExecutions is not a literal');
  const { executions } = config;
  const scaled = config.scalingTargetId === undefined ? `${executions.expected} environments` : `${executions.expected} (minimum, expected) to ${executions.worstCase} (maximum) environments, auto-scaled by ${config.scalingTargetId}`;
  const lines: LineItemDraft[] = [
    {
      id: 'provisioned-concurrency',
      description: `provisioned concurrency (${usage.architecture})`,
      kind: 'fixed',
      priceKey: `lambda.${usage.architecture}.provisioned`,
      quantity: range(executions.expected * usage.memoryGb * SECONDS_PER_MONTH, executions.worstCase * usage.memoryGb * SECONDS_PER_MONTH),
      basis: `${scaled} × ${memoryText(usage)} × 730 h`,
    },
  ];
  if (usage.extraEphemeralGb > 0) {
    lines.push({
      id: 'provisioned-ephemeral-storage',
      description: 'ephemeral storage above 512 MB of provisioned environments',
      kind: 'fixed',
      priceKey: 'lambda.ephemeralStorage',
      quantity: range(executions.expected * usage.extraEphemeralGb * SECONDS_PER_MONTH, executions.worstCase * usage.extraEphemeralGb * SECONDS_PER_MONTH),
      basis: `${scaled} × ${Number((usage.extraEphemeralGb * 1024).toFixed(0))} MB extra × 730 h`,
    });
  }
  return priced(...lines);
}
