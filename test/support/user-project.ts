import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments } from '../../config/environments';
import { synthesizeAssembly } from './assembly';
import { BREAST_CANCER } from './verify-edge';

/** The one environment of {@link createUserProject}: not one of this repository's. */
export const USER_ENVIRONMENT = 'edge';

/** A project outside this repository, as `npx modelstack new` leaves it after `npx cdk synth`. */
export interface UserProject {
  /** Its root: cdk.json, the pinned CLI's place, models/breast-cancer and cdk.out. */
  readonly root: string;
  /** Its synthesized cloud assembly (root/cdk.out). */
  readonly cdkOut: string;
}

/**
 * Writes a project of its own in a temporary folder: one Lambda environment {@link USER_ENVIRONMENT} serving a copy
 * of the breast-cancer example from `models/breast-cancer`, synthesized into its `cdk.out` by the real app code.
 * The CDK CLI is a placeholder file: deploy tests stub the process runner. Remove it with {@link removeUserProject}.
 */
export async function createUserProject(): Promise<UserProject> {
  const root = mkdtempSync(join(tmpdir(), 'modelstack-user-project-'));
  cpSync(BREAST_CANCER, join(root, 'models', 'breast-cancer'), { recursive: true });
  writeFileSync(join(root, 'cdk.json'), JSON.stringify({ app: 'npx ts-node bin/app.ts' }));
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(root, 'node_modules', '.bin', 'cdk'), '');
  const cdkOut = join(root, 'cdk.out');
  const raw = { [USER_ENVIRONMENT]: { ...environments.dev, model: { directory: 'models/breast-cancer' } } };
  await synthesizeAssembly({ projectRoot: root, environments: raw, outdir: cdkOut });
  return { root, cdkOut };
}

export function removeUserProject(project: UserProject | undefined): void {
  if (project !== undefined) rmSync(project.root, { recursive: true, force: true });
}
