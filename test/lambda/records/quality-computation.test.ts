/**
 * The quality computation's parts: the training profile's bins, PSI and its epsilon, unseen categories and
 * missing shares, the ground-truth forms, the window's join, and the reader's refusals.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, type Manifest } from '../../../lambda/core/manifest';
import { truthOf } from '../../../lambda/records/captured-prediction';
import { predictionId } from '../../../lambda/records/record-format';
import { featureDrift, populationStabilityIndex, PSI_EPSILON } from '../../../lambda/records/feature-drift';
import { windowAt, hourFoldersBetween, qualityRecordKey } from '../../../lambda/records/quality-job';
import { computeQualityWindow } from '../../../lambda/records/quality-window';
import type { CaptureRecord, GroundTruthRecord } from '../../../lambda/records/record-format';
import { CaptureFormatError, localRecordSource, parseCaptureLines, parseGroundTruthLines, readCaptures } from '../../../lambda/records/record-reader';
import { binOf, computeProfile } from '../../../lambda/records/training-profile';

const MANIFEST: Manifest = parseManifest({
  name: 'toy',
  version: '1.0.0',
  task: 'binary-classification',
  input: {
    tensor: 'input',
    features: [
      { name: 'x', type: 'number', missing: { constant: 0 } },
      { name: 'colour', type: 'category', categories: ['red', 'blue', 'green'], encoding: 'ordinal', missing: { constant: 'red' }, unknownCategory: { map: 'red' } },
    ],
  },
  output: { probabilities: 'p', labels: ['no', 'yes'] },
});

const rows = (n: number, f: (i: number) => Record<string, string>) => Array.from({ length: n }, (_, i) => f(i));
const PROFILE = computeProfile(MANIFEST, { rows: rows(100, (i) => ({ x: String(i + 1), colour: i % 2 === 0 ? 'red' : 'blue' })), file: 'train.csv', sha256: '0'.repeat(64) });

describe('Given a training profile of 1..100 and red/blue', () => {
  test('Then the numeric feature has 10 deciles and a tenth of the rows in each bin', () => {
    const x = PROFILE.features.x;
    expect(x.kind).toBe('numeric');
    if (x.kind !== 'numeric') return;
    expect(x.edges).toHaveLength(9);
    expect(x.binShares.every((s) => Math.abs(s - 0.1) < 1e-12)).toBe(true);
  });

  test('Then a value on an edge falls in the bin below it (edges[i-1] < v <= edges[i])', () => {
    expect(binOf([10, 20], 10)).toBe(0);
    expect(binOf([10, 20], 10.5)).toBe(1);
    expect(binOf([10, 20], 21)).toBe(2);
  });

  test('Then the category shares are counted over the non-missing values', () => {
    expect(PROFILE.features.colour).toEqual({ kind: 'categorical', categoryShares: { blue: 0.5, red: 0.5 }, missingShare: 0 });
  });

  test('When the training data has no rows, then profiling is refused naming the file', () => {
    expect(() => computeProfile(MANIFEST, { rows: [], file: 'train.csv', sha256: '0'.repeat(64) })).toThrow(/train.csv has no rows/);
  });
});

describe('Given live values', () => {
  test('When they follow the training distribution, then PSI is 0', () => {
    expect(featureDrift(MANIFEST, PROFILE, rows(100, (i) => ({ x: String(i + 1), colour: 'red' }))).x.psi).toBeCloseTo(0, 12);
  });

  test(`When a bin empties, then it counts as ${PSI_EPSILON} instead of an infinite log`, () => {
    const psi = populationStabilityIndex([0.5, 0.5], [1, 0]);
    expect(psi).toBeCloseTo(0.5 * Math.log(2) + (PSI_EPSILON - 0.5) * Math.log(PSI_EPSILON / 0.5), 12);
  });

  test('When categories are unseen and values missing, then their shares are reported', () => {
    const drift = featureDrift(MANIFEST, PROFILE, [{ x: 1, colour: 'green' }, { x: null, colour: 'red' }, { colour: null }, ['3', 'blue']]);
    expect(drift.colour).toEqual({ values: 4, missingShare: 0.25, unseenCategoryShare: 1 / 3 });
    expect(drift.x.missingShare).toBe(0.5);
  });

  test('When no instance has a feature at all (kept out of capture), then it has no drift rather than all missing', () => {
    const drift = featureDrift(MANIFEST, PROFILE, [{ x: 1 }, { x: 2 }]);
    expect(Object.keys(drift)).toEqual(['x']);
  });

  test('When the bins differ in number, then PSI is refused', () => {
    expect(() => populationStabilityIndex([1], [0.5, 0.5])).toThrow(RangeError);
  });
});

describe('Given ground truth', () => {
  const gt = (data: string, encoding: 'CSV' | 'JSON'): GroundTruthRecord => ({ groundTruthData: { data, encoding }, eventMetadata: { eventId: 'a' }, eventVersion: '0' });
  test.each([
    ['a label as CSV text', gt('yes', 'CSV'), 'yes'],
    ['a label as JSON', gt('"no"', 'JSON'), 'no'],
    ['a label that is not one of the labels', gt('maybe', 'CSV'), undefined],
    ['JSON that does not parse', gt('{', 'JSON'), undefined],
  ])('When it is %s, then the truth is %p', (_name, record, expected) => {
    expect(truthOf(MANIFEST, record)).toEqual(expected);
  });

  test('Then a batch instance is keyed <id>#<index>, a single one by the id', () => {
    expect(predictionId('req', 0, 1)).toBe('req');
    expect(predictionId('req', 2, 3)).toBe('req#2');
  });
});

describe('Given captures in and out of a window', () => {
  const capture = (id: string, at: string, instances: unknown[], predictions: unknown[] | undefined): CaptureRecord => ({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify({ instances }), encoding: 'JSON' },
      ...(predictions === undefined ? {} : { endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify({ predictions }), encoding: 'JSON' } }),
    },
    eventMetadata: { eventId: `e-${id}`, inferenceId: id, inferenceTime: at },
    eventVersion: '0',
  });
  const yes = { label: 'yes', probabilities: { no: 0.2, yes: 0.8 } };
  const no = { label: 'no', probabilities: { no: 0.7, yes: 0.3 } };
  const window = { start: new Date('2026-01-01T10:00:00Z'), end: new Date('2026-01-01T11:00:00Z') };
  const record = computeQualityWindow({
    manifest: MANIFEST,
    profile: PROFILE,
    window,
    captures: [
      capture('a', '2026-01-01T10:05:00Z', [{ x: 1, colour: 'red' }, { x: 2, colour: 'blue' }], [yes, no]),
      capture('b', '2026-01-01T10:06:00Z', [{ x: 3, colour: 'red' }], [yes]),
      capture('c', '2026-01-01T10:07:00Z', [{ x: 3, colour: 'red' }], undefined),
      capture('late', '2026-01-01T11:00:00Z', [{ x: 3, colour: 'red' }], [yes]),
    ],
    groundTruth: [
      { groundTruthData: { data: 'yes', encoding: 'CSV' }, eventMetadata: { eventId: 'a#0' }, eventVersion: '0' },
      { groundTruthData: { data: 'yes', encoding: 'CSV' }, eventMetadata: { eventId: 'a#1' }, eventVersion: '0' },
      { groundTruthData: { data: 'maybe', encoding: 'CSV' }, eventMetadata: { eventId: 'b' }, eventVersion: '0' },
      { groundTruthData: { data: 'no', encoding: 'CSV' }, eventMetadata: { eventId: 'late' }, eventVersion: '0' },
    ],
  });

  test('Then only the predictions inside [start, end) count, and the labelled ones are scored', () => {
    expect(record).toMatchObject({ predictions: 3, labelled: 2, labelledShare: 2 / 3, unusableLabels: 1, unscoredRequests: 1 });
    expect(record.live?.accuracy).toBe(0.5);
    expect(record.live?.perClass?.yes).toEqual({ precision: 1, recall: 0.5 });
  });

  test('Then drift covers the inputs of every captured request in the window', () => {
    expect(record.drift?.colour.values).toBe(4);
  });

  test("When the runtime's records leave a feature out of capture, then the instances are read and that feature has no drift", () => {
    const partial = computeQualityWindow({ manifest: MANIFEST, profile: PROFILE, window, groundTruth: [], captures: [capture('p', '2026-01-01T10:05:00Z', [{ x: 150 }, { x: null }], [yes, no])] });
    expect(partial.drift).toEqual({ x: expect.objectContaining({ values: 2, missingShare: 0.5 }) });
  });

  test('When a body holds a value the runtime refuses, then it is left out of drift but its predictions still count', () => {
    const refused = computeQualityWindow({ manifest: MANIFEST, profile: PROFILE, window, groundTruth: [], captures: [capture('r', '2026-01-01T10:05:00Z', [{ x: 'abc', colour: 'red' }], [yes])] });
    expect(refused.predictions).toBe(1);
    expect(refused.drift?.x.values).toBe(0);
  });
});

describe('Given the job clock', () => {
  test('Then a run evaluates the window that ended the label delay before it, on a window boundary', () => {
    expect(windowAt(new Date('2026-01-03T10:20:00Z'), 48, 1)).toEqual({ start: new Date('2026-01-01T09:00:00Z'), end: new Date('2026-01-01T10:00:00Z') });
  });

  test("Then it reads the window's hour folders and writes its record in the start hour's folder", () => {
    expect(hourFoldersBetween(new Date('2026-01-01T22:00:00Z'), new Date('2026-01-02T00:00:00Z'))).toEqual(['2026/01/01/22/', '2026/01/01/23/']);
    expect(qualityRecordKey({ start: new Date('2026-01-01T22:00:00Z'), end: new Date('2026-01-01T23:00:00Z') })).toBe('quality/2026/01/01/22/20260101T220000Z.json');
  });
});

describe('Given record files', () => {
  test.each([
    ['a line that is not JSON', 'nope', /x.jsonl:1: not JSON/],
    ['a line without eventMetadata.eventId', '{"captureData": {}}', /x.jsonl:1: not a SageMaker capture record/],
    ['a payload with an unknown encoding', '{"captureData": {"endpointInput": {"data": "", "encoding": "XML"}}, "eventMetadata": {"eventId": "e"}}', /captureData.endpointInput must have data and encoding JSON, CSV or BASE64/],
  ])('When a capture file has %s, then it is refused naming the file and line', (_name, text, message) => {
    expect(() => parseCaptureLines(text, 'x.jsonl')).toThrow(message);
  });

  test('When a ground-truth line has no data, then it is refused naming the file and line', () => {
    expect(() => parseGroundTruthLines('\n{"eventMetadata": {"eventId": "a"}}', 'gt.jsonl')).toThrow(CaptureFormatError);
    expect(() => parseGroundTruthLines('\n{"eventMetadata": {"eventId": "a"}}', 'gt.jsonl')).toThrow(/gt.jsonl:2: not a SageMaker ground-truth record/);
  });

  test('When a local folder holds captures in hour folders, then every .jsonl file under it is read', async () => {
    const root = mkdtempSync(join(tmpdir(), 'modelstack-records-'));
    try {
      mkdirSync(join(root, 'ep', 'live', '2026', '01', '01', '10'), { recursive: true });
      const line = JSON.stringify({ captureData: {}, eventMetadata: { eventId: 'e', inferenceTime: '2026-01-01T10:00:00Z' }, eventVersion: '0' });
      writeFileSync(join(root, 'ep', 'live', '2026', '01', '01', '10', 'a.jsonl'), `${line}\n${line}\n`);
      writeFileSync(join(root, 'notes.txt'), 'ignored');
      const read = await readCaptures(localRecordSource(root));
      expect(read.map((r) => r.key)).toEqual(['ep/live/2026/01/01/10/a.jsonl', 'ep/live/2026/01/01/10/a.jsonl']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
