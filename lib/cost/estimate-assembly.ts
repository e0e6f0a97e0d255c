/**
 * Estimates every stack of a cloud assembly with its environment's traffic profile, budget and model: those the
 * app recorded in the assembly (`estimate-inputs.ts`), or, when a validated config is given, those of the config
 * environment named by the stack's `modelstack:environment` tag. A stack without either is still priced, idle,
 * with a warning.
 */
import { readManifest } from '../../lambda/core/manifest';
import { readCloudAssembly, type SynthesizedStack } from './cloud-assembly';
import { recordedEstimateInputs, type EstimateInputs } from './estimate-inputs';
import { estimateStack, type StackEstimate } from './estimate';
import type { PriceTable } from './price-table';
import { modelInfoOf, type ModelInfo } from './pricing-context';
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
  /** The validated environments (traffic, budget, model folder). @default - the inputs recorded in the assembly */
  readonly environments?: readonly EstimatedEnvironment[];
  readonly prices: PriceTable;
  /** Apply the free tier. @default false */
  readonly freeTier?: boolean;
  /** Only the stacks of this environment. @default every stack */
  readonly only?: string;
}

async function modelOf(environment: EstimatedEnvironment): Promise<ModelInfo> {
  return modelInfoOf(await readManifest(environment.manifestPath));
}

async function inputsOf(stack: SynthesizedStack, options: AssemblyEstimateOptions): Promise<EstimateInputs | string> {
  if (options.environments === undefined) {
    return recordedEstimateInputs(stack) ?? 'its app recorded no modelstack estimate inputs (it was not built by modelstack/app)';
  }
  const environment = options.environments.find((env) => env.name === stack.environmentName);
  if (environment === undefined) {
    return stack.environmentName === undefined ? 'it has no modelstack:environment tag' : `environment ${stack.environmentName} is not in the config`;
  }
  return {
    environment: environment.name,
    traffic: environment.config.traffic,
    budgetUsd: environment.config.budget?.monthlyLimitUsd,
    model: await modelOf(environment),
  };
}

/** Estimates one synthesized stack with what its app recorded, or the config says, of its environment. */
export async function estimateSynthesizedStack(stack: SynthesizedStack, options: AssemblyEstimateOptions): Promise<StackEstimate> {
  const inputs = await inputsOf(stack, options);
  if (typeof inputs === 'string') {
    return estimateStack(stack, {
      prices: options.prices,
      freeTier: options.freeTier,
      trafficSource: 'none',
      warnings: [`${stack.stackName}: ${inputs}, so there is no traffic profile: traffic-driven costs are 0 (idle cost only)`],
    });
  }
  return estimateStack(stack, {
    prices: options.prices,
    freeTier: options.freeTier,
    traffic: trafficProfile(inputs.traffic),
    trafficSource: `config: ${inputs.environment}.traffic`,
    model: inputs.model,
    budgetUsd: inputs.budgetUsd,
  });
}

/** The estimates of the assembly in `directory`, one per stack (of `only`'s environment when given). */
export async function estimateCloudAssembly(directory: string, options: AssemblyEstimateOptions): Promise<StackEstimate[]> {
  const stacks = readCloudAssembly(directory).filter((stack) => options.only === undefined || stack.environmentName === options.only);
  const estimates: StackEstimate[] = [];
  for (const stack of stacks) estimates.push(await estimateSynthesizedStack(stack, options));
  return estimates;
}
