/**
 * How many CPUs this process may use, and how to split them between server workers and onnxruntime's intra-op
 * threads. `os.availableParallelism()` counts the CPUs the process may be scheduled on (its affinity mask) but not a
 * CPU quota: a container started with `--cpus=2` on a 16-core host sees 16. The quota is the cgroup's `cpu.max`
 * (v2) or `cpu.cfs_quota_us` / `cpu.cfs_period_us` (v1), so both are read and the smaller wins.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file as text, or undefined when it cannot be read (no cgroup file, no permission). */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The cgroup v2 path of this process (`0::/path` in `/proc/self/cgroup`), or undefined. */
function cgroupV2Path(read: ReadText): string | undefined {
  const lines = read('/proc/self/cgroup')?.split('\n') ?? [];
  const unified = lines.find((line) => line.startsWith('0::'));
  return unified === undefined ? undefined : unified.slice(3).trim();
}

function quotaOf(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : undefined;
}

/**
 * The CPU quota of this process's cgroup, in CPUs (e.g. 1.5), or undefined when there is none ("max", or no
 * cgroup files). cgroup v2 first (the process's own cgroup, then the root as a container sees it), then v1.
 */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  const own = cgroupV2Path(read);
  const candidates = own === undefined || own === '/' ? ['/sys/fs/cgroup/cpu.max'] : [`/sys/fs/cgroup${own}/cpu.max`, '/sys/fs/cgroup/cpu.max'];
  for (const path of candidates) {
    const text = read(path);
    if (text === undefined) continue;
    const [quota, period] = text.trim().split(/\s+/);
    return quota === 'max' ? undefined : quotaOf(Number(quota), Number(period));
  }
  const quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ?? read('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us');
  const period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us') ?? read('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us');
  if (quota === undefined || period === undefined) return undefined;
  return quotaOf(Number(quota.trim()), Number(period.trim()));
}

/**
 * The whole CPUs this process may use: the smaller of `os.availableParallelism()` and the cgroup quota rounded
 * down (a quota of 1.5 CPUs gives 1: a second busy worker would be throttled), at least 1.
 */
export function availableCpus(read: ReadText = readText, parallelism: number = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  const cpus = quota === undefined ? parallelism : Math.min(parallelism, Math.floor(quota));
  return Math.max(1, cpus);
}

/**
 * onnxruntime intra-op threads per worker: the CPUs left to each worker, at least 1, so that workers × threads
 * never exceeds the CPUs (one worker per CPU, the default, gets 1 thread: tabular models are too small for a pool).
 */
export function threadsPerWorker(cpus: number, workers: number): number {
  return Math.max(1, Math.floor(cpus / Math.max(1, workers)));
}
