/**
 * A Lambda function's month: its share of the traffic (or none: deploy-time handlers), its memory and
 * architecture, its provisioned concurrency (from its aliases and their auto-scaling targets) and the share of
 * requests that concurrency serves, its cold starts and its log volume.
 *
 * Provisioned concurrency serves requests as long as the mean concurrency (requests × duration / seconds in the
 * month) stays within it: traffic is assumed even over the month, so bursts that spill over are not modelled.
 * Cold starts happen on on-demand environments only; provisioned environments initialise when provisioned.
 */
import {
  BYTES_PER_GB,
  INIT_LOG_BYTES,
  LAMBDA_DEFAULT_MEMORY_MB,
  LAMBDA_FREE_EPHEMERAL_MB,
  MB_PER_GB,
  SECONDS_PER_MONTH,
} from './assumptions';
import { asList, asObject, literalNumber } from './cloudformation-template';
import type { Range } from './line-item';
import type { PricingContext } from './pricing-context';

/** The scalable dimension of a Lambda alias's provisioned concurrency. */
export const LAMBDA_PROVISIONED_DIMENSION = 'lambda:function:ProvisionedConcurrency';

/** Provisioned concurrency of one alias or version. */
export interface ProvisionedConcurrency {
  /** Logical id of the alias or version configuring it. */
  readonly id: string;
  /** Environments kept initialised: the configured amount, or the auto-scaling bounds. */
  readonly executions: Range;
  /** The scalable target bounding it, if auto-scaled. */
  readonly scalingTargetId?: string;
}

export interface LambdaUsage {
  readonly functionId: string;
  /**
   * `serving`: behind the endpoint; `deploy-time`: a custom-resource handler; `scheduled`: invoked by an
   * EventBridge Scheduler schedule (priced per run); `unattributed`: none of these.
   */
  readonly role: 'serving' | 'deploy-time' | 'scheduled' | 'unattributed';
  readonly architecture: 'x86_64' | 'arm64';
  readonly memoryMb: number;
  readonly memoryGb: number;
  /** Ephemeral storage above the free 512 MB, in GB. */
  readonly extraEphemeralGb: number;
  /** Requests a month. */
  readonly requests: number;
  /** Mean duration of a request, in seconds. */
  readonly durationSeconds: number;
  /** INIT phase of a cold start, in seconds. */
  readonly initSeconds: number;
  /** Provisioned concurrency per alias/version; `undefined` entries mean a value the template does not fix. */
  readonly provisioned: readonly ProvisionedConcurrency[];
  /** Aliases/versions whose provisioned concurrency is not a literal. */
  readonly unresolvedProvisioned: readonly string[];
  /** Environments provisioned in total. */
  readonly provisionedExecutions: Range;
  /** Share of requests served by provisioned concurrency. */
  readonly provisionedShare: Range;
  /** Cold starts on on-demand environments. */
  readonly onDemandColdStarts: Range;
  /** X-Ray active tracing. */
  readonly tracing: boolean;
  /** Literal environment variables. */
  readonly variables: Readonly<Record<string, string>>;
  /** Log bytes written a month. */
  readonly logBytes: number;
}

function shareServed(executions: number, meanConcurrency: number): number {
  if (executions <= 0) return 0;
  if (meanConcurrency <= 0) return 1;
  return Math.min(1, executions / meanConcurrency);
}

export function computeLambdaUsage(context: PricingContext, functionId: string): LambdaUsage {
  const { graph, traffic } = context;
  const props = graph.resource(functionId)?.Properties ?? {};
  const memoryMb = literalNumber(props.MemorySize, graph.template) ?? LAMBDA_DEFAULT_MEMORY_MB;
  const architecture = asList(props.Architectures)[0] === 'arm64' ? 'arm64' : 'x86_64';
  const ephemeralMb = literalNumber(asObject(props.EphemeralStorage)?.Size, graph.template) ?? LAMBDA_FREE_EPHEMERAL_MB;
  const role = graph.servedFunctions.includes(functionId)
    ? 'serving'
    : graph.deployTimeFunctions.has(functionId)
      ? 'deploy-time'
      : graph.scheduleOf(functionId) !== undefined
        ? 'scheduled'
        : 'unattributed';
  const share = role === 'serving' ? context.servingShare : 0;
  const requests = traffic.requestsPerMonth * share;
  const coldStarts = traffic.coldStartsPerMonth * share;
  const durationSeconds = traffic.meanDurationMs / 1000;

  const provisioned: ProvisionedConcurrency[] = [];
  const unresolvedProvisioned: string[] = [];
  for (const config of graph.provisionedConcurrencyOf(functionId)) {
    if (config.executions === undefined) {
      unresolvedProvisioned.push(config.id);
      continue;
    }
    const literals = config.qualifier === undefined ? [] : [`:${config.qualifier}`];
    const target = graph.scalableTarget(LAMBDA_PROVISIONED_DIMENSION, [config.id, functionId], literals);
    provisioned.push({
      id: config.id,
      executions: { expected: target?.minCapacity ?? config.executions, worstCase: target?.maxCapacity ?? config.executions },
      scalingTargetId: target?.targetId,
    });
  }
  const provisionedExecutions = {
    expected: provisioned.reduce((sum, p) => sum + p.executions.expected, 0),
    worstCase: provisioned.reduce((sum, p) => sum + p.executions.worstCase, 0),
  };
  const meanConcurrency = (requests * durationSeconds) / SECONDS_PER_MONTH;
  const provisionedShare = {
    expected: shareServed(provisionedExecutions.expected, meanConcurrency),
    worstCase: shareServed(provisionedExecutions.worstCase, meanConcurrency),
  };
  const variables = graph.environmentOf(functionId);
  const logBytes = role === 'serving' ? requests * context.logBytesPerRequest(variables, true) + coldStarts * INIT_LOG_BYTES : 0;
  const tracing = asObject(props.TracingConfig)?.Mode === 'Active';
  return {
    functionId,
    role,
    architecture,
    memoryMb,
    memoryGb: memoryMb / MB_PER_GB,
    extraEphemeralGb: Math.max(0, ephemeralMb - LAMBDA_FREE_EPHEMERAL_MB) / MB_PER_GB,
    requests,
    durationSeconds,
    initSeconds: traffic.meanInitDurationMs / 1000,
    provisioned,
    unresolvedProvisioned,
    provisionedExecutions,
    provisionedShare,
    onDemandColdStarts: { expected: coldStarts * (1 - provisionedShare.expected), worstCase: coldStarts * (1 - provisionedShare.worstCase) },
    tracing,
    variables,
    logBytes,
  };
}

/** Log volume of a usage in GB. */
export function logGigabytes(usage: LambdaUsage): number {
  return usage.logBytes / BYTES_PER_GB;
}
