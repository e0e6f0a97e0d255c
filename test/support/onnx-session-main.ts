/**
 * Child process of the onnx-session test: opens one session on the breast-cancer example through the runtime's
 * `createSession` (onnxruntime's environment is per process, so this needs a fresh one), then exits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession } from '../../lambda/core/onnx-session';

const modelPath = join(__dirname, '..', '..', 'examples', 'breast-cancer', 'model.onnx');
createSession(readFileSync(modelPath), {}, modelPath).then(
  async (session) => {
    await session.release();
    process.stdout.write('session opened\n');
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
