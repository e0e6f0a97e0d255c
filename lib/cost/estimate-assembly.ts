/**
 * Estimates every stack of a cloud assembly with its environment's traffic profile, budget and model, found
 * through the stack's `modelstack:environment` tag in the validated config. A stack whose environment the config
 * does not know is still priced, idle, with a warning.
 */
import { readManifest } from '../../lambda/core/manifest';
import { readCloudAssembly, type SynthesizedStack } from './cloud-assembly';
import { estimateStack, type StackEstimate } from './estimate';
import type { PriceTable } from './price-table';
import type { ModelInfo } from './pricing-context';
import { trafficProfile, type TrafficInputs } from './traffic-profile';

/** What the estimate reads of an environment (a loaded config environment is one). */
export interface EstimatedEnvironment {
  /** The environment's name, matched against the stacks' `modelstack:environment` tag. */
  readonly name: string;
  /** The model's manifest file. */
  readonly manifestPath: string;
  /** The environment's expected traffic and budget. */
  readonly config: { readonly traffic: TrafficInputs; readonly budget?: { readonly monthlyLimitUsd: number } };
}

/** What estimating an assembly needs. */
export interface AssemblyEstimateOptions {
  /** The validated environments (traffic, budget, model folder). */
  readonly environments: readonly EstimatedEnvironment[];
  readonly prices: PriceTable;
  /** Apply the free tier. @default false */
  readonly freeTier?: boolean;
  /** Only the stacks of this environment. @default every stack */
  readonly only?: string;
}

async function modelOf(environment: EstimatedEnvironment): Promise<ModelInfo> {
  const manifest = await readManifest(environment.manifestPath);
  const targets = manifest.task === 'regression' ? manifest.output.targets : undefined;
  return { name: manifest.name, task: manifest.task, labels: manifest.task === 'regression' ? [] : manifest.output.labels, ...(targets === undefined ? {} : { targets }) };
}

/** Estimates one synthesized stack with what the config says of its environment. */
export async function estimateSynthesizedStack(stack: SynthesizedStack, options: AssemblyEstimateOptions): Promise<StackEstimate> {
  const environment = options.environments.find((env) => env.name === stack.environmentName);
  if (environment === undefined) {
    const why = stack.environmentName === undefined ? 'it has no modelstack:environment tag' : `environment ${stack.environmentName} is not in the config`;
    return estimateStack(stack, {
      prices: options.prices,
      freeTier: options.freeTier,
      trafficSource: 'none',
      warnings: [`${stack.stackName}: ${why}, so there is no traffic profile: traffic-driven costs are 0 (idle cost only)`],
    });
  }
  return estimateStack(stack, {
    prices: options.prices,
    freeTier: options.freeTier,
    traffic: trafficProfile(environment.config.traffic),
    trafficSource: `config: ${environment.name}.traffic`,
    model: await modelOf(environment),
    budgetUsd: environment.config.budget?.monthlyLimitUsd,
  });
}

/** The estimates of the assembly in `directory`, one per stack (of `only`'s environment when given). */
export async function estimateCloudAssembly(directory: string, options: AssemblyEstimateOptions): Promise<StackEstimate[]> {
  const stacks = readCloudAssembly(directory).filter((stack) => options.only === undefined || stack.environmentName === options.only);
  const estimates: StackEstimate[] = [];
  for (const stack of stacks) estimates.push(await estimateSynthesizedStack(stack, options));
  return estimates;
}
