/**
 * The folder a test run owns: every synthesis of the suite writes its cloud assembly here, and `os.tmpdir()` points
 * here too (the global setup sets `TMPDIR`), so no other program's clean-up of the shared temporary folder can
 * remove a file a test is about to read, and two runs never share a folder. The global teardown removes it.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/** Environment variable naming the run's folder (set by the global setup, inherited by the workers). */
export const SUITE_OUTPUT_ENV = 'MODELSTACK_TEST_OUTPUT';
/** Environment variable naming the cloud assembly of the shipped environments, synthesized once per run. */
export const SHIPPED_ASSEMBLY_ENV = 'MODELSTACK_TEST_SHIPPED_ASSEMBLY';

/** Where runs keep their folders: inside the project (git-ignored), not the machine's temporary folder. */
export function suiteOutputRoot(projectRoot: string): string {
  return join(projectRoot, '.test-output');
}

/** The run's folder; a run started without the global setup (one file through ts-node, say) gets its own. */
export function suiteOutput(): string {
  const configured = process.env[SUITE_OUTPUT_ENV];
  if (configured !== undefined && configured !== '') return configured;
  const own = join(suiteOutputRoot(join(__dirname, '..', '..')), `run-${process.pid}`);
  mkdirSync(own, { recursive: true });
  process.env[SUITE_OUTPUT_ENV] = own;
  return own;
}

/** A new, empty folder in the run's folder, for one cloud assembly. */
export function newOutdir(prefix = 'cdk.out-'): string {
  return mkdtempSync(join(suiteOutput(), prefix));
}
