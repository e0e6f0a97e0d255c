/** The CPUs a server may use (affinity and cgroup quota) and the onnxruntime threads per worker. */
import { availableParallelism } from 'node:os';
import { availableCpus, cgroupCpuQuota, threadsPerWorker, type ReadText } from '../../../lambda/hosts/cpus';

/** A file system of only `files`. */
function files(contents: Record<string, string>): ReadText {
  return (path) => contents[path];
}

describe('cgroupCpuQuota', () => {
  test('cgroup v2: the quota of the process\'s own cgroup, in CPUs', () => {
    const read = files({ '/proc/self/cgroup': '0::/docker/abc\n', '/sys/fs/cgroup/docker/abc/cpu.max': '150000 100000\n' });
    expect(cgroupCpuQuota(read)).toBe(1.5);
  });

  test('cgroup v2 as a container sees it: the root cpu.max', () => {
    expect(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '200000 100000' }))).toBe(2);
  });

  test('cgroup v2 without a quota ("max") has none', () => {
    expect(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000' }))).toBeUndefined();
  });

  test('cgroup v1: cfs_quota_us / cfs_period_us; -1 is no quota', () => {
    const v1 = (quota: string) => files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': quota, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' });
    expect(cgroupCpuQuota(v1('300000\n'))).toBe(3);
    expect(cgroupCpuQuota(v1('-1\n'))).toBeUndefined();
  });

  test('no cgroup files: no quota', () => {
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
  });
});

describe('availableCpus', () => {
  test('the smaller of the CPUs the process may run on and the quota, rounded down', () => {
    const quota = (max: string) => files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': max });
    expect(availableCpus(quota('150000 100000'), 16)).toBe(1);
    expect(availableCpus(quota('400000 100000'), 16)).toBe(4);
    expect(availableCpus(quota('400000 100000'), 2)).toBe(2);
    expect(availableCpus(quota('max 100000'), 8)).toBe(8);
  });

  test('at least 1, even under a quota of a fraction of a CPU', () => {
    expect(availableCpus(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '50000 100000' }), 4)).toBe(1);
  });

  test('this machine: at least 1, at most os.availableParallelism()', () => {
    const cpus = availableCpus();
    expect(cpus).toBeGreaterThanOrEqual(1);
    expect(cpus).toBeLessThanOrEqual(availableParallelism());
  });
});

test('threadsPerWorker: workers x threads never exceeds the CPUs, and each worker has at least 1 thread', () => {
  expect(threadsPerWorker(4, 4)).toBe(1);
  expect(threadsPerWorker(4, 2)).toBe(2);
  expect(threadsPerWorker(4, 3)).toBe(1);
  expect(threadsPerWorker(2, 8)).toBe(1);
  expect(threadsPerWorker(8, 1)).toBe(8);
});
