/** What every platform builder receives from the composition root (`ModelStack`). */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../../config/schema';
import type { EvaluationKeyFigures } from '../../lambda/core/evaluation-figures';
import type { ModelArtifact } from '../model-artifact';
import type { ModelStore } from '../model-store';

/** The environment's model, its storage and its policies, already validated. */
export interface PlatformContext {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
  /** The model and its manifest, checked against each other. */
  readonly model: ModelArtifact;
  /** Where the model is stored. */
  readonly store: ModelStore;
  /** Removal policy of stateful resources, derived from the config. */
  readonly removalPolicy: RemovalPolicy;
  /** The evaluation's key figures (from a fresh evaluation.json), for the endpoint's metadata. @default - none */
  readonly evaluation?: EvaluationKeyFigures;
}
