/**
 * Validates the environments and picks the ones to build. The only config code that touches the file system;
 * constructs receive the validated objects.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { describeIssues } from '../lambda/core/issues';
import { ENVIRONMENT_NAME_PATTERN, EnvironmentSchema, type EnvironmentConfig } from './schema';
import { CheckFailure } from '../lambda/core/modelstack-error';

/** Raised for any invalid configuration; lists every problem found, each naming its field. */
export class ConfigError extends CheckFailure {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid modelstack configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A validated environment, with its model files resolved to absolute paths. */
export interface LoadedEnvironment {
  /** Environment name (`dev`, `staging`, `prod`, ...). */
  readonly name: string;
  readonly config: EnvironmentConfig;
  /** Absolute path of the model folder. */
  readonly modelDirectory: string;
  /** Absolute path of `model.onnx`. */
  readonly modelPath: string;
  /** Absolute path of `model.json`. */
  readonly manifestPath: string;
}

export interface LoadOptions {
  /** Only this environment is returned (all are still validated). Unset: all of them. */
  readonly only?: string;
  /** Folder that relative model paths are resolved against. */
  readonly projectRoot: string;
}

/**
 * Validates every environment (so a broken prod config is caught by a dev synth too) and returns the selected ones.
 * Throws {@link ConfigError} naming each bad field, its value and what is allowed.
 */
export function loadEnvironments(raw: Readonly<Record<string, unknown>>, options: LoadOptions): LoadedEnvironment[] {
  const problems: string[] = [];
  const loaded: LoadedEnvironment[] = [];
  const names = Object.keys(raw);
  if (names.length === 0) problems.push('environments: no environment is defined');
  if (options.only !== undefined && !names.includes(options.only)) {
    problems.push(`env: ${JSON.stringify(options.only)} is not a known environment; known: ${names.join(', ')}`);
  }
  for (const name of names) {
    if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
      problems.push(`${name}: environment names must match ${ENVIRONMENT_NAME_PATTERN} (lower-case, at most 20 characters)`);
      continue;
    }
    const result = EnvironmentSchema.safeParse(raw[name], { reportInput: true });
    if (!result.success) {
      problems.push(...describeIssues(result.error.issues, raw[name], name));
      continue;
    }
    const config = result.data;
    const modelDirectory = isAbsolute(config.model.directory) ? config.model.directory : resolve(options.projectRoot, config.model.directory);
    const modelPath = join(modelDirectory, 'model.onnx');
    const manifestPath = join(modelDirectory, 'model.json');
    const missing = [modelPath, manifestPath].filter((file) => !existsSync(file) || !statSync(file).isFile());
    if (missing.length > 0) {
      problems.push(`${name}.model.directory: ${JSON.stringify(config.model.directory)} must contain model.onnx and model.json; missing ${missing.join(', ')}`);
      continue;
    }
    loaded.push({ name, config, modelDirectory, modelPath, manifestPath });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return options.only === undefined ? loaded : loaded.filter((env) => env.name === options.only);
}
