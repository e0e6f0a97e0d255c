import { BENCHMARK_NAMES, parseArgs, UsageError } from '../../bench/cli';

describe('Given the bench command line', () => {
  it('runs every benchmark, full length, by default', () => {
    expect(parseArgs([])).toEqual({ quick: false, only: [...BENCHMARK_NAMES], help: false });
  });

  it('takes --quick and --help', () => {
    expect(parseArgs(['--quick']).quick).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('takes --only as a separate value, with =, comma-separated or repeated, in canonical order', () => {
    expect(parseArgs(['--only', 'throughput']).only).toEqual(['throughput']);
    expect(parseArgs(['--only=cold-start']).only).toEqual(['cold-start']);
    expect(parseArgs(['--only', 'throughput,overhead']).only).toEqual(['overhead', 'throughput']);
    expect(parseArgs(['--only', 'throughput', '--only', 'overhead', '--only', 'overhead']).only).toEqual(['overhead', 'throughput']);
  });

  it('takes --node, separate or with =, for the start benchmarks; none by default', () => {
    expect(parseArgs([]).node).toBeUndefined();
    expect(parseArgs(['--node', '/opt/node24/bin/node']).node).toBe('/opt/node24/bin/node');
    expect(parseArgs(['--node=/opt/node24/bin/node', '--only', 'cold-start'])).toMatchObject({ node: '/opt/node24/bin/node', only: ['cold-start'] });
    expect(() => parseArgs(['--node'])).toThrow(/--node needs the path of a Node.js binary/);
    expect(() => parseArgs(['--node='])).toThrow(/--node needs the path of a Node.js binary/);
  });

  it('names the bad argument', () => {
    expect(() => parseArgs(['--only', 'latency'])).toThrow(UsageError);
    expect(() => parseArgs(['--only', 'latency'])).toThrow(/unknown benchmark "latency"/);
    expect(() => parseArgs(['--only'])).toThrow(/--only needs a benchmark name/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument "--fast"/);
  });
});
