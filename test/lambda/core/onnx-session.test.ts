/**
 * onnxruntime's telemetry is off in the runtime's processes unless the environment keeps it on: real onnxruntime in
 * a fresh child process (its environment is created once per process), with its own home directory, where the
 * telemetry keeps its store (`~/.cache/Microsoft/DeveloperTools/.onnxruntime`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disableOnnxRuntimeTelemetry, ORT_TELEMETRY_ENV } from '../../../lambda/core/onnx-session';

const REPO = join(__dirname, '..', '..', '..');
const FIXTURE = join(REPO, 'test', 'support', 'onnx-session-main.ts');

/** Opens a session in a child whose home is a fresh directory; returns whether onnxruntime's telemetry wrote there. */
function telemetryStoreAfterSession(extraEnv: Record<string, string>): boolean {
  const home = mkdtempSync(join(tmpdir(), 'modelstack-ort-home-'));
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: home, ...extraEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('session opened');
    return existsSync(join(home, '.cache', 'Microsoft'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('Given onnxruntime telemetry', () => {
  test('When the environment does not set ORT_DISABLE_TELEMETRY, then the runtime turns it off', () => {
    const env: NodeJS.ProcessEnv = {};
    disableOnnxRuntimeTelemetry(env);
    expect(env[ORT_TELEMETRY_ENV]).toBe('1');
  });

  test('When the environment sets ORT_DISABLE_TELEMETRY, then its value is kept', () => {
    const env: NodeJS.ProcessEnv = { [ORT_TELEMETRY_ENV]: '0' };
    disableOnnxRuntimeTelemetry(env);
    expect(env[ORT_TELEMETRY_ENV]).toBe('0');
  });

  test('When a session is opened, then onnxruntime writes no telemetry store in the home directory', () => {
    expect(telemetryStoreAfterSession({})).toBe(false);
  });

  test('When ORT_DISABLE_TELEMETRY=0 keeps it on, then onnxruntime writes its store (the check above can fail)', () => {
    expect(telemetryStoreAfterSession({ [ORT_TELEMETRY_ENV]: '0' })).toBe(true);
  });
});
