import { rmSync } from 'node:fs';
import { buildTestStacks, type SynthOptions } from './stacks';

/**
 * Synthesizes the environments (of config/environments.ts unless given) into a temporary cloud assembly, as
 * `cdk synth` writes cdk.out, and returns its directory. Remove it with {@link removeAssembly}.
 */
export async function synthesizeAssembly(options: SynthOptions = {}): Promise<string> {
  const { app } = await buildTestStacks({ stageAssets: true, ...options });
  return app.synth().directory;
}

/** Removes a directory written by {@link synthesizeAssembly}. */
export function removeAssembly(directory: string | undefined): void {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
}
