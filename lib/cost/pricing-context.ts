/**
 * What every pricer may read: the template's relationships, the traffic profile, the model's labels (for the
 * runtime's metrics and log lines) and the assembly's assets (for object sizes). Per-function usage is computed
 * once here, since the function, its alias, its log group, the bucket it reads and the key of that bucket all
 * bill from it.
 */
import type { Manifest, Task } from '../../lambda/core/manifest';
import { EMF_DOCUMENT_BYTES, LAMBDA_PLATFORM_LOG_BYTES, LOGGED_PAYLOAD_MAX_BYTES } from './assumptions';
import { computeLambdaUsage, type LambdaUsage } from './lambda-usage';
import type { TemplateGraph } from './template-graph';
import type { TrafficProfile } from './traffic-profile';

/** What the estimate knows of the model a stack serves. */
export interface ModelInfo {
  /** The model's name. */
  readonly name: string;
  /** The manifest's task. */
  readonly task: Task;
  /** Its labels (classification); empty for regression. */
  readonly labels: readonly string[];
  /** A multi-output regression's targets. @default none: one output */
  readonly targets?: readonly string[];
  /**
   * Features whose values prediction records keep (the manifest's features less those with `"capture": false`):
   * the quality job measures drift on each.
   * @default - unknown (assemblies recorded before it was): drift metrics are not counted
   */
  readonly capturedFeatures?: number;
}

/** What the estimate reads of `manifest`. */
export function modelInfoOf(manifest: Manifest): ModelInfo {
  const targets = manifest.task === 'regression' ? manifest.output.targets : undefined;
  return {
    name: manifest.name,
    task: manifest.task,
    labels: manifest.task === 'regression' ? [] : manifest.output.labels,
    ...(targets === undefined ? {} : { targets }),
    capturedFeatures: manifest.input.features.filter((feature) => feature.capture !== false).length,
  };
}

/** The environment variable that turns on the runtime's EMF metrics (Powertools' namespace). */
export const EMF_NAMESPACE_VARIABLE = 'POWERTOOLS_METRICS_NAMESPACE';
/** The environment variable that makes the runtime log request bodies. */
export const LOG_PAYLOADS_VARIABLE = 'LOG_PAYLOADS';

export class PricingContext {
  private readonly lambdaUsage = new Map<string, LambdaUsage>();

  constructor(
    /** The template's relationships. */
    readonly graph: TemplateGraph,
    /** The stack's traffic profile (all of it; endpoints split it by {@link servingShare}). */
    readonly traffic: TrafficProfile,
    /** The model the stack serves, when known. */
    readonly model: ModelInfo | undefined,
    /** File assets of the assembly by hash (absolute paths). */
    readonly assetPaths: ReadonlyMap<string, string>,
  ) {}

  /** Share of the traffic each serving resource takes: traffic is split evenly when a stack has several. */
  public get servingShare(): number {
    return 1 / Math.max(1, this.graph.servingResources.length);
  }

  /** How `functionId` is used in a month. */
  public lambda(functionId: string): LambdaUsage {
    let usage = this.lambdaUsage.get(functionId);
    if (usage === undefined) {
      usage = computeLambdaUsage(this, functionId);
      this.lambdaUsage.set(functionId, usage);
    }
    return usage;
  }

  /**
   * EMF documents the runtime writes per request: one for `Latency`/`BatchSize`, plus one per distinct label
   * predicted (at most the instances per request, at most the labels); one label document when the model is unknown.
   */
  public get emfDocumentsPerRequest(): number {
    const instances = Math.ceil(this.traffic.meanInstancesPerRequest);
    if (this.model === undefined) return 2;
    if (this.model.task === 'regression') return 1;
    return 1 + Math.min(instances, this.model.labels.length);
  }

  /**
   * Log bytes the runtime writes per request in an environment with `variables`: the profile's figure when given,
   * else the platform's lines (Lambda), the EMF documents when metrics are on, and the body when payloads are logged.
   */
  public logBytesPerRequest(variables: Readonly<Record<string, string>>, platformLines: boolean): number {
    if (this.traffic.logBytesPerRequest !== undefined) return this.traffic.logBytesPerRequest;
    const platform = platformLines ? LAMBDA_PLATFORM_LOG_BYTES : 0;
    const emf = variables[EMF_NAMESPACE_VARIABLE] !== undefined ? EMF_DOCUMENT_BYTES * this.emfDocumentsPerRequest : 0;
    const payload = variables[LOG_PAYLOADS_VARIABLE] === 'true' ? Math.min(this.traffic.meanPayloadBytes, LOGGED_PAYLOAD_MAX_BYTES) : 0;
    return platform + emf + payload;
  }
}
