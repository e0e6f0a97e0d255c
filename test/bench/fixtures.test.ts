import { batchOf, instancesFromCsv, invocationBody } from '../../bench/fixtures';

describe('Given the benchmark fixtures', () => {
  const csv = 'a,b,target\n1,2.5,x\n3,-4e-2,y\n';

  it('reads CSV rows as instances keyed by the requested columns, dropping the others', () => {
    expect(instancesFromCsv(csv, ['b', 'a'])).toEqual([
      { b: 2.5, a: 1 },
      { b: -0.04, a: 3 },
    ]);
  });

  it('accepts CRLF and ignores blank lines', () => {
    expect(instancesFromCsv('a\r\n1\r\n\r\n2\r\n', ['a'])).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses a missing column, a ragged row, a quoted cell and a non-number', () => {
    expect(() => instancesFromCsv(csv, ['c'])).toThrow(/no column "c"/);
    expect(() => instancesFromCsv('a,b\n1\n', ['a'])).toThrow(/1 cells, header has 2/);
    expect(() => instancesFromCsv('a\n"1"\n', ['a'])).toThrow(/quoted/);
    expect(() => instancesFromCsv('a\nx\n', ['a'])).toThrow(/"x" is not a number/);
    expect(() => instancesFromCsv('a\n\n', ['a'])).not.toThrow();
    expect(() => instancesFromCsv('', ['a'])).toThrow(/empty/);
  });

  it('builds batches of any size, cycling through the rows', () => {
    expect(batchOf([1, 2, 3], 2)).toEqual([1, 2]);
    expect(batchOf([1, 2], 5)).toEqual([1, 2, 1, 2, 1]);
    expect(() => batchOf([], 1)).toThrow(/no instances/);
    expect(() => batchOf([1], 0)).toThrow(/positive integer/);
  });

  it('writes the POST /invocations body', () => {
    expect(invocationBody([{ a: 1 }])).toBe('{"instances":[{"a":1}]}');
  });
});
