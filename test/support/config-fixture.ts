/**
 * What the config tests share: a model folder the loader accepts (it checks the files exist, not what they hold),
 * and the problems `loadEnvironments` refuses a configuration with.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from './app';

/** A new folder holding placeholder `model.onnx` and `model.json`, named after `topic`. */
export function placeholderModelDir(topic: string): string {
  const dir = mkdtempSync(join(tmpdir(), `modelstack-${topic}-config-`));
  writeFileSync(join(dir, 'model.onnx'), 'onnx');
  writeFileSync(join(dir, 'model.json'), '{}');
  return dir;
}

/** The problems `raw` is refused with; fails the test if it is accepted or fails otherwise. */
export function configProblems(raw: Record<string, unknown>): readonly string[] {
  try {
    loadEnvironments(raw, { projectRoot: PROJECT_ROOT });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}
