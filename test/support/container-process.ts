/**
 * The SageMaker container's entry point as a plain process: the bundle `ContainerImage.fromAsset()` puts in the
 * image, run by `node index.js serve` with SageMaker's file layout in a temporary directory (the model directory
 * as SageMaker fills `/opt/ml/model`) and the environment the stack sets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleContainerContext } from '../../lib/bundling/container-bundling';
import type { Manifest } from '../../lambda/core/manifest';

/** Builds the container's build context (as staged at synth) into a new temporary directory. */
export function bundleContainer(manifest: Manifest): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-container-'));
  bundleContainerContext({ outputDir: dir, manifest });
  return dir;
}

/** A fake `/opt/ml/model`: `model.onnx` and `model.json` of an example directory. */
export function sageMakerModelDir(exampleDir: string): string {
  const root = mkdtempSync(join(tmpdir(), 'modelstack-opt-ml-'));
  const modelDir = join(root, 'opt', 'ml', 'model');
  mkdirSync(modelDir, { recursive: true });
  for (const file of ['model.onnx', 'model.json']) copyFileSync(join(exampleDir, file), join(modelDir, file));
  return modelDir;
}

export interface ContainerProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Resolves with the URL once the server announces it; rejects when the process exits first. */
  readonly listening: Promise<string>;
}

/** Runs `node <bundle>/index.js ...args` with `env` (over a minimal PATH/HOME). */
export function runContainer(bundleDir: string, args: readonly string[], env: Record<string, string>): ContainerProcess {
  const child = spawn(process.execPath, [join(bundleDir, 'index.js'), ...args], {
    cwd: bundleDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const match = /serving \S+ \S+ on http:\/\/0\.0\.0\.0:(\d+)/.exec(out);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`container exited with ${code} before listening: ${err}`)));
  });
  listening.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, exited, listening };
}
