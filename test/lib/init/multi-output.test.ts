/**
 * Models init cannot read alone (examples/multi-output-regression, made by skl2onnx from load_linnerud): it never
 * writes a classifier it cannot prove, and a declared output shape the graph does not return is reported by init,
 * not by onnxruntime's logger.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInit } from '../../../lib/init/init';
import { InitError } from '../../../lib/init/init-error';

const DIR = join(__dirname, '../../../examples/multi-output-regression');
let out: string;

beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'modelstack-multi-output-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('Given a LinearRegression on three targets (output [N, 3])', () => {
  it('init without data refuses to guess a classifier and names --target and --task', async () => {
    const run = runInit({ model: join(DIR, 'model.onnx'), out });
    await expect(run).rejects.toThrow(InitError);
    await expect(runInit({ model: join(DIR, 'model.onnx'), out })).rejects.toThrow(
      'the model\'s output "variable" has 3 columns: 3 class scores or 3 regression targets, and without labels init cannot tell which. ' +
        'Pass --data <train.csv> --target <column> (the labels come from the target), or --task multiclass-classification to write placeholder labels class_0 ... class_2',
    );
    expect(existsSync(join(out, 'model.json'))).toBe(false);
  });

  it('init with --task regression says multi-output regression is not served yet', async () => {
    await expect(runInit({ model: join(DIR, 'model.onnx'), out, task: 'regression' })).rejects.toThrow(/multi-output regression is not served yet/);
  });

  it('init with --task multiclass-classification writes the classifier the user asked for, with placeholder labels', async () => {
    const result = await runInit({ model: join(DIR, 'model.onnx'), out, task: 'multiclass-classification' });
    expect(result.manifest.task).toBe('multiclass-classification');
    expect(result.output.review.join('\n')).toContain('labels are placeholders class_0 ... class_2 (--task, no --target)');
  });
});

describe('Given a RandomForestRegressor declared [N, 1] that returns [N, 3]', () => {
  it('init\'s probe reports the disagreement instead of writing a manifest', async () => {
    await expect(runInit({ model: join(DIR, 'forest-declared-one-column.onnx'), out })).rejects.toThrow(
      'the model\'s output "variable" is declared [N, 1] but returns [N, 3] on the probe rows',
    );
    expect(existsSync(join(out, 'model.json'))).toBe(false);
  });
});
