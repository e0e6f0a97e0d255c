/**
 * `npm run rehearse:container [-- --base <image>] [--model <dir>]`: builds the SageMaker image with the local Docker
 * daemon from the same build context `cdk deploy` builds, runs it as SageMaker does, and checks it answers.
 *
 * Run as SageMaker runs it: `docker run <image> serve`, the model mounted read-only at /opt/ml/model, the image's
 * own unprivileged user, a read-only root file system (a tmpfs /tmp only), no capabilities, MODEL_SHA256 set.
 * Checks: the image's user is not root and it holds no source map; GET /ping; POST /invocations as JSON and as CSV
 * answering what the runtime predicts offline for the same rows of the evaluation data; a bad value gets a 400
 * naming the field; SIGTERM ends the process with exit code 0 within the grace period.
 *
 * The base defaults to the digest pinned in container/Dockerfile, which needs a registry; where none is reachable,
 * pass a local stand-in (`npm run container:stand-in-base` makes one from this machine's node). Not part of
 * `npm test`: it needs Docker. Exit 0 when every check passes, 1 when one fails, 2 on usage errors.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { readManifest } from '../lambda/core/manifest';
import { bundleContainerContext } from '../lib/bundling/container-bundling';
import { PROJECT_ROOT } from '../lib/bundling/runtime-bundle';
import { BASE_IMAGE_ARG, pinnedBaseImage } from '../lib/container-image';
import { comparePredictions } from '../lib/verify/compare-predictions';
import { sampleRows, type SampleRows } from '../lib/verify/sample-rows';

const run = promisify(execFile);

/** SageMaker's container contract: the port, the model mount and the argument. */
const CONTAINER_PORT = 8080;
const MODEL_MOUNT = '/opt/ml/model';
/** How long the server may take to answer /ping after start, and to exit after SIGTERM (SageMaker waits 30 s). */
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_SECONDS = 30;

/** An HTTP answer: status and body text. */
interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * One HTTP request with Node's own client. Not `fetch`: while Docker's port proxy holds a connection to a container
 * that is not listening yet, undici's socket does not keep the event loop alive and the script would just end.
 */
function http(url: string, method = 'GET', body?: string, contentType?: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers: contentType === undefined ? {} : { 'content-type': contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', fail);
    req.end(body);
  });
}

/** One check of the rehearsal. */
interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

interface RehearsalOptions {
  readonly base: string;
  readonly modelDir: string;
  readonly docker: string;
  readonly tag: string;
}

async function docker(options: RehearsalOptions, args: readonly string[]): Promise<string> {
  const { stdout } = await run(options.docker, [...args], { maxBuffer: 64 << 20 });
  return stdout.trim();
}

/** Bundles the build context as synth stages it, and builds the image from `base`. */
async function buildImage(options: RehearsalOptions): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'modelstack-rehearsal-'));
  try {
    bundleContainerContext({ outputDir: context, manifest: await readManifest(join(options.modelDir, 'model.json')) });
    const started = Date.now();
    await docker(options, ['build', '--quiet', '--platform', 'linux/amd64', '--build-arg', `${BASE_IMAGE_ARG}=${options.base}`, '--tag', options.tag, context]);
    console.log(`built ${options.tag} from ${options.base} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Checks of the image itself: its user and its files. */
async function imageChecks(options: RehearsalOptions): Promise<Check[]> {
  const user = await docker(options, ['image', 'inspect', '--format', '{{.Config.User}}', options.tag]);
  const nonRoot = user !== '' && !/^(0|root)(:|$)/.test(user);
  const probe = 'const fs=require("fs");const maps=fs.readdirSync("/opt/program").filter(f=>f.endsWith(".map")||f==="Dockerfile");console.log(maps.join(",")||"none")';
  const extra = await docker(options, ['run', '--rm', '--read-only', '--entrypoint', 'node', options.tag, '-e', probe]);
  return [
    { name: 'image user is not root', ok: nonRoot, detail: `USER ${user || '(unset: root)'}` },
    { name: 'no source map or Dockerfile in /opt/program', ok: extra === 'none', detail: extra === 'none' ? 'none' : `found ${extra}` },
  ];
}

/** Starts the container as SageMaker does; returns its id and the host URL of port 8080. */
async function startContainer(options: RehearsalOptions, sha256: string): Promise<{ id: string; url: string }> {
  const id = await docker(options, [
    'run', '--detach', '--read-only', '--tmpfs', '/tmp:rw,noexec,nosuid,size=64m', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--volume', `${options.modelDir}:${MODEL_MOUNT}:ro`, '--env', `MODEL_SHA256=${sha256}`,
    '--publish', `127.0.0.1::${CONTAINER_PORT}`, options.tag, 'serve',
  ]);
  const port = (await docker(options, ['port', id, String(CONTAINER_PORT)])).split('\n')[0].split(':').pop();
  return { id, url: `http://127.0.0.1:${port}` };
}

async function waitForPing(url: string): Promise<Check> {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < READY_TIMEOUT_MS) {
    try {
      const response = await http(`${url}/ping`);
      if (response.status === 200) return { name: 'GET /ping', ok: true, detail: `200 after ${Date.now() - started} ms` };
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  return { name: 'GET /ping', ok: false, detail: `no 200 within ${READY_TIMEOUT_MS / 1000} s (${last})` };
}

async function invocationCheck(url: string, name: string, contentType: string, body: string, sample: SampleRows): Promise<Check> {
  const response = await http(`${url}/invocations`, 'POST', body, contentType);
  const text = response.text;
  if (response.status !== 200) return { name, ok: false, detail: `status ${response.status}: ${text.slice(0, 200)}` };
  const differences = comparePredictions((JSON.parse(text) as { predictions?: unknown }).predictions, sample.expected);
  return { name, ok: differences.length === 0, detail: differences.length === 0 ? `${sample.expected.length} predictions as offline` : differences.join('; ') };
}

async function badRequestCheck(url: string, sample: SampleRows): Promise<Check> {
  const instances = (JSON.parse(sample.json) as { instances: Record<string, unknown>[] }).instances.slice(0, 1);
  const field = Object.keys(instances[0])[0];
  const body = JSON.stringify({ instances: [{ ...instances[0], [field]: 'not-a-value' }] });
  const response = await http(`${url}/invocations`, 'POST', body, 'application/json');
  const text = response.text;
  const ok = response.status === 400 && text.includes(field);
  return { name: 'POST /invocations, bad value', ok, detail: `status ${response.status}: ${text.slice(0, 160)}` };
}

/** The read-only root and the user, seen from inside the running container. */
async function runtimeChecks(options: RehearsalOptions, id: string): Promise<Check[]> {
  const probe = 'let w;try{require("fs").writeFileSync("/opt/program/x","");w="writable"}catch(e){w=e.code}console.log(process.getuid()+" "+w)';
  const [uid, write] = (await docker(options, ['exec', id, 'node', '-e', probe])).split(' ');
  return [
    { name: 'server runs as non-root', ok: uid !== '0', detail: `uid ${uid}` },
    { name: 'root file system read-only', ok: write === 'EROFS', detail: `writing /opt/program: ${write}` },
  ];
}

async function sigtermCheck(options: RehearsalOptions, id: string): Promise<Check> {
  const started = Date.now();
  await docker(options, ['kill', '--signal', 'SIGTERM', id]);
  const waited = run(options.docker, ['wait', id]).then(({ stdout }) => stdout.trim());
  const timeout = new Promise<string>((done) => setTimeout(() => done('timeout'), STOP_GRACE_SECONDS * 1000).unref());
  const code = await Promise.race([waited, timeout]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { name: 'SIGTERM: clean exit', ok: code === '0', detail: code === 'timeout' ? `still running after ${STOP_GRACE_SECONDS} s` : `exit ${code} after ${seconds} s` };
}

/** Runs every check against a started container; the container is removed whatever happens. */
async function rehearse(options: RehearsalOptions): Promise<Check[]> {
  await buildImage(options);
  const checks = await imageChecks(options);
  const manifest = await readManifest(join(options.modelDir, 'model.json'));
  const sample = await sampleRows(options.modelDir, manifest);
  const sha256 = createHash('sha256').update(readFileSync(join(options.modelDir, 'model.onnx'))).digest('hex');
  const { id, url } = await startContainer(options, sha256);
  try {
    const ping = await waitForPing(url);
    checks.push(ping);
    if (ping.ok) {
      checks.push(await invocationCheck(url, 'POST /invocations, JSON', 'application/json', sample.json, sample));
      checks.push(await invocationCheck(url, 'POST /invocations, CSV', 'text/csv', sample.csv, sample));
      checks.push(await badRequestCheck(url, sample));
      checks.push(...(await runtimeChecks(options, id)));
      checks.push(await sigtermCheck(options, id));
    }
    if (!checks.every((check) => check.ok)) console.log((await run(options.docker, ['logs', '--tail', '40', id])).stdout);
  } finally {
    await run(options.docker, ['rm', '--force', id]).catch(() => undefined);
  }
  return checks;
}

function report(checks: readonly Check[]): void {
  const width = Math.max(...checks.map((check) => check.name.length));
  for (const check of checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`);
}

function options(argv: readonly string[]): RehearsalOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: { type: 'string' },
      model: { type: 'string', default: join(PROJECT_ROOT, 'examples', 'breast-cancer') },
      docker: { type: 'string', default: 'docker' },
      tag: { type: 'string', default: 'modelstack-rehearsal:latest' },
    },
  });
  return { base: values.base ?? pinnedBaseImage(), modelDir: resolve(values.model), docker: values.docker, tag: values.tag };
}

if (require.main === module) {
  let parsed: RehearsalOptions;
  try {
    parsed = options(process.argv.slice(2));
  } catch (error) {
    console.error(`rehearse:container: ${(error as Error).message}\nusage: npm run rehearse:container -- [--base <image>] [--model <dir>] [--tag <name>] [--docker <path>]`);
    process.exit(2);
  }
  rehearse(parsed).then(
    (checks) => {
      report(checks);
      process.exitCode = checks.every((check) => check.ok) ? 0 : 1;
    },
    (error: unknown) => {
      console.error(`rehearse:container: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
