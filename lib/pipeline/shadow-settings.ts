/**
 * The pipeline shadow phase's settings, written once and free of CDK imports (the app and the config read them): the
 * bounds of its duration, the file of the build's shadow plan and the app's context key of the baseline folder.
 */

/** Fewest minutes a shadow phase runs: less is too little traffic to judge. */
export const SHADOW_MIN_MINUTES = 10;
/**
 * Most minutes a shadow phase runs: the wait is a CodePipeline Step Functions invoke action, which times out after
 * 7 days; an hour is left for the state machine's own margin.
 */
export const SHADOW_MAX_MINUTES = 7 * 24 * 60 - 60;

/** The shadow plan the build writes (`modelstack shadow-baseline`) and copies into its output `cdk.out`. */
export const SHADOW_PLAN_FILE = 'shadow-plan.json';
/** The app's context key naming the baseline folder; unset, or a folder without `model.onnx`: no shadow variant. */
export const SHADOW_BASELINE_CONTEXT = 'modelstack:shadowBaseline';
