/** Cutting CSV and JSON Lines byte streams into records, wherever the chunks happen to split. */
import fc from 'fast-check';
import { RecordSplitter, type InputRecord } from '../../../lambda/batch/record-splitter';

function split(format: 'csv' | 'jsonl', text: string, cuts: number[]): InputRecord[] {
  const bytes = Buffer.from(text, 'utf8');
  const splitter = new RecordSplitter(format);
  const records: InputRecord[] = [];
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
    records.push(...splitter.push(bytes.subarray(from, cut)));
    from = cut;
  }
  records.push(...splitter.push(bytes.subarray(from)), ...splitter.end());
  return records;
}

describe('Given CSV text', () => {
  const text = 'a,b\r\n1,"two\nlines"\n"é",3\n4,5';

  test('Then a quoted cell spanning lines stays one record, with the line it starts on and its byte range', () => {
    const records = split('csv', text, []);
    expect(records.map((r) => [r.text, r.line])).toEqual([
      ['a,b', 1],
      ['1,"two\nlines"', 2],
      ['"é",3', 4],
      ['4,5', 5],
    ]);
    const bytes = Buffer.from(text);
    for (const r of records) expect(bytes.toString('utf8', r.start, r.end).replace(/\r?\n$/, '')).toBe(r.text);
  });

  test('When the chunks split anywhere (also inside a UTF-8 character or a quote), then the records are the same', () => {
    const whole = split('csv', text, []);
    fc.assert(fc.property(fc.array(fc.nat(Buffer.byteLength(text)), { maxLength: 6 }), (cuts) => {
      expect(split('csv', text, cuts)).toEqual(whole);
    }));
  });
});

describe('Given JSON Lines text', () => {
  test('Then every line is a record, quotes included', () => {
    expect(split('jsonl', '{"a":"x\\"y"}\n{"a":1}\n', [3]).map((r) => r.text)).toEqual(['{"a":"x\\"y"}', '{"a":1}']);
  });
});

describe('Given a range that starts inside a file', () => {
  test('Then lines and offsets continue from the range start', () => {
    const splitter = new RecordSplitter('csv', 100, 7);
    expect(splitter.push(Buffer.from('x,y\nz,w\n')).map((r) => [r.line, r.start, r.end])).toEqual([
      [7, 100, 104],
      [8, 104, 108],
    ]);
  });
});
