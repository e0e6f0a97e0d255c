/**
 * How the resources of one template relate, as far as cost depends on it: which Lambda functions serve the
 * endpoint (behind a function URL) and which only run at deploy time (custom-resource handlers); aliases and
 * their provisioned concurrency; Application Auto Scaling targets; SageMaker endpoints and their configs; which
 * log group a function writes to.
 */
import { HOURS_PER_MONTH } from './assumptions';
import {
  asList,
  asObject,
  literalNumber,
  literalString,
  literalStrings,
  referencedId,
  referencedIds,
  type CfnResource,
  type CfnTemplate,
  type CfnValue,
} from './cloudformation-template';

/** Scaling bounds read from an `AWS::ApplicationAutoScaling::ScalableTarget`. */
export interface ScalingBounds {
  /** Logical id of the scalable target. */
  readonly targetId: string;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

const FUNCTION = 'AWS::Lambda::Function';

/** An EventBridge Scheduler schedule invoking a function. */
export interface FunctionSchedule {
  /** Logical id of the `AWS::Scheduler::Schedule`. */
  readonly scheduleId: string;
  /** Its `ScheduleExpression` (empty when not a literal). */
  readonly expression: string;
  /** Runs a month of a `rate(...)` expression; undefined for `cron(...)`, `at(...)` or a non-literal. */
  readonly runsPerMonth?: number;
}

const MINUTES_PER_UNIT: Readonly<Record<string, number>> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };

/** Runs a month of a Scheduler `rate(<n> <unit>)` expression (a 730-hour month). */
function runsPerMonthOf(expression: string): number | undefined {
  const match = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (match === null || Number(match[1]) === 0) return undefined;
  return (HOURS_PER_MONTH * 60) / (Number(match[1]) * MINUTES_PER_UNIT[match[2]]);
}

export class TemplateGraph {
  private readonly resources: ReadonlyArray<readonly [string, CfnResource]>;

  constructor(readonly template: CfnTemplate) {
    this.resources = Object.entries(template.Resources ?? {});
  }

  /** The resource with `logicalId`. */
  public resource(logicalId: string): CfnResource | undefined {
    return this.template.Resources?.[logicalId];
  }

  /** Every resource, in template order. */
  public get entries(): ReadonlyArray<readonly [string, CfnResource]> {
    return this.resources;
  }

  /** The resources of `type`. */
  public ofType(type: string): Array<readonly [string, CfnResource]> {
    return this.resources.filter(([, resource]) => resource.Type === type);
  }

  /** The function a function, alias or version id stands for (an alias's or version's `FunctionName`). */
  public functionOf(logicalId: string | undefined): string | undefined {
    if (logicalId === undefined) return undefined;
    const resource = this.resource(logicalId);
    if (resource?.Type === FUNCTION) return logicalId;
    if (resource?.Type === 'AWS::Lambda::Alias' || resource?.Type === 'AWS::Lambda::Version') {
      return this.functionOf(referencedId(resource.Properties?.FunctionName));
    }
    return undefined;
  }

  /** Functions that answer the endpoint's requests: the targets of function URLs (directly or through an alias). */
  public get servedFunctions(): string[] {
    const served = new Set<string>();
    for (const [, url] of this.ofType('AWS::Lambda::Url')) {
      const target = this.functionOf(referencedId(url.Properties?.TargetFunctionArn));
      if (target !== undefined) served.add(target);
    }
    return [...served];
  }

  /**
   * The EventBridge Scheduler schedule that invokes `functionId` (its `Target.Arn`), with its runs a month when its
   * expression is a `rate(...)`; undefined when no schedule targets it.
   */
  public scheduleOf(functionId: string): FunctionSchedule | undefined {
    for (const [id, schedule] of this.ofType('AWS::Scheduler::Schedule')) {
      const props = schedule.Properties ?? {};
      if (this.functionOf(referencedId(asObject(props.Target)?.Arn)) !== functionId) continue;
      const expression = literalString(props.ScheduleExpression, this.template) ?? '';
      return { scheduleId: id, expression, runsPerMonth: runsPerMonthOf(expression) };
    }
    return undefined;
  }

  /** Functions that custom resources use as their `ServiceToken`: invoked by CloudFormation at deploy time only. */
  public get deployTimeFunctions(): Set<string> {
    const handlers = new Set<string>();
    for (const [, resource] of this.resources) {
      if (!resource.Type.startsWith('Custom::') && resource.Type !== 'AWS::CloudFormation::CustomResource') continue;
      const handler = this.functionOf(referencedId(resource.Properties?.ServiceToken));
      if (handler !== undefined) handlers.add(handler);
    }
    return handlers;
  }

  /** Aliases and versions of `functionId` that configure provisioned concurrency, with the configured amount. */
  public provisionedConcurrencyOf(functionId: string): Array<{ readonly id: string; readonly executions?: number; readonly qualifier?: string }> {
    const found: Array<{ id: string; executions?: number; qualifier?: string }> = [];
    for (const [id, resource] of this.resources) {
      if (resource.Type !== 'AWS::Lambda::Alias' && resource.Type !== 'AWS::Lambda::Version') continue;
      const config = asObject(resource.Properties?.ProvisionedConcurrencyConfig);
      if (config === undefined || this.functionOf(id) !== functionId) continue;
      found.push({
        id,
        executions: literalNumber(config.ProvisionedConcurrentExecutions, this.template),
        qualifier: resource.Type === 'AWS::Lambda::Alias' ? literalString(resource.Properties?.Name, this.template) : undefined,
      });
    }
    return found;
  }

  /**
   * The scalable target of `dimension` whose `ResourceId` references one of `references` (when any are given) and
   * contains every string in `literals` (e.g. `:live`, `variant/AllTraffic`).
   */
  public scalableTarget(dimension: string, references: readonly string[], literals: readonly string[]): ScalingBounds | undefined {
    for (const [id, target] of this.ofType('AWS::ApplicationAutoScaling::ScalableTarget')) {
      const props = target.Properties ?? {};
      if (props.ScalableDimension !== dimension) continue;
      const refs = referencedIds(props.ResourceId);
      const text = literalStrings(props.ResourceId).join('');
      if ((references.length === 0 || references.some((ref) => refs.includes(ref))) && literals.every((literal) => text.includes(literal))) {
        return { targetId: id, minCapacity: literalNumber(props.MinCapacity, this.template), maxCapacity: literalNumber(props.MaxCapacity, this.template) };
      }
    }
    return undefined;
  }

  /** SageMaker endpoint ids, in template order. */
  public get sageMakerEndpoints(): string[] {
    return this.ofType('AWS::SageMaker::Endpoint').map(([id]) => id);
  }

  /** The endpoint config an endpoint deploys (its `EndpointConfigName` reference, or the config of that literal name). */
  public endpointConfigOf(endpointId: string): string | undefined {
    const name = this.resource(endpointId)?.Properties?.EndpointConfigName;
    const referenced = referencedId(name);
    if (referenced !== undefined) return referenced;
    return this.ofType('AWS::SageMaker::EndpointConfig').find(([, config]) => config.Properties?.EndpointConfigName === name)?.[0];
  }

  /** The endpoints that deploy `configId`. */
  public endpointsUsing(configId: string): string[] {
    return this.sageMakerEndpoints.filter((endpoint) => this.endpointConfigOf(endpoint) === configId);
  }

  /** The resources serving the endpoint's traffic: served functions and SageMaker endpoints. */
  public get servingResources(): string[] {
    return [...this.servedFunctions, ...this.sageMakerEndpoints];
  }

  /** The log group (in this template) `functionId` writes to: its `LoggingConfig.LogGroup`, or `/aws/lambda/<name>`. */
  public logGroupOf(functionId: string): string | undefined {
    const configured = referencedId(asObject(this.resource(functionId)?.Properties?.LoggingConfig)?.LogGroup);
    if (configured !== undefined && this.resource(configured)?.Type === 'AWS::Logs::LogGroup') return configured;
    return this.ofType('AWS::Logs::LogGroup').find(([, group]) => {
      const name = group.Properties?.LogGroupName;
      return literalStrings(name).join('').startsWith('/aws/lambda/') && referencedIds(name).includes(functionId);
    })?.[0];
  }

  /** The functions writing to `logGroupId`. */
  public writersOf(logGroupId: string): string[] {
    return this.ofType(FUNCTION)
      .map(([id]) => id)
      .filter((id) => this.logGroupOf(id) === logGroupId);
  }

  /** The environment variables of a function (literal values only). */
  public environmentOf(functionId: string): Record<string, string> {
    const variables = asObject(asObject(this.resource(functionId)?.Properties?.Environment)?.Variables) ?? {};
    return Object.fromEntries(Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }

  /** Functions whose environment references `logicalId` (e.g. a bucket they read). */
  public functionsReferencing(logicalId: string): string[] {
    return this.ofType(FUNCTION)
      .filter(([, fn]) => referencedIds(asObject(fn.Properties?.Environment)?.Variables).includes(logicalId))
      .map(([id]) => id);
  }

  /** The production variants of an endpoint config, or its shadow variants. */
  public variantsOf(configId: string, kind: 'ProductionVariants' | 'ShadowProductionVariants' = 'ProductionVariants'): Array<{ readonly [key: string]: CfnValue }> {
    return asList(this.resource(configId)?.Properties?.[kind])
      .map((variant) => asObject(variant))
      .filter((variant): variant is NonNullable<typeof variant> => variant !== undefined);
  }
}
