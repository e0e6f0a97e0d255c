/** Jest global teardown: removes the run's folder (set `MODELSTACK_KEEP_TEST_OUTPUT=1` to keep it for a look). */
import { rmSync } from 'node:fs';
import { SUITE_OUTPUT_ENV } from './suite-output';

export default function globalTeardown(): void {
  const run = process.env[SUITE_OUTPUT_ENV];
  if (run !== undefined && run !== '' && process.env.MODELSTACK_KEEP_TEST_OUTPUT !== '1') rmSync(run, { recursive: true, force: true });
}
