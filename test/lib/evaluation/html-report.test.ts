/**
 * The HTML report: self-contained (nothing fetched from a network), every section present, and every number the
 * same as in evaluation.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateModel } from '../../../lib/evaluation/evaluate-model';
import type { EvaluationRecord } from '../../../lib/evaluation/evaluation-record';
import { renderReport } from '../../../lib/evaluation/html-report';
import { isMetricName, metricValue } from '../../../lib/evaluation/metric-names';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const committed = JSON.parse(readFileSync(join(EXAMPLES, 'breast-cancer', 'evaluation.json'), 'utf8')) as EvaluationRecord;

/** Every `data-metric="name" data-value="v"` pair of the page. */
function numbersOf(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of html.matchAll(/data-metric="([^"]+)" data-value="([^"]*)"/g)) found.set(match[1], match[2]);
  return found;
}

function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=/i);
  // The only URL is the SVG namespace, which browsers never fetch.
  expect([...html.matchAll(/[a-z]+:\/\/[^\s"'<>)]+/gi)].map((m) => m[0]).filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
}

describe('Given the committed breast-cancer evaluation', () => {
  const html = renderReport([committed]);

  test('When rendered, then it loads nothing from anywhere: no scripts, stylesheets, images, fonts or links', () => {
    expectSelfContained(html);
  });

  test.each(['summary', 'verdict', 'metrics', 'per-class', 'confusion-matrix', 'curves', 'calibration', 'slices', 'rejected'])(
    'When rendered, then it has the %s section',
    (id) => {
      expect(html).toContain(`<section id="${id}">`);
    },
  );

  test('When rendered, then the confusion matrix heat map shows every count', () => {
    const section = html.slice(html.indexOf('<section id="confusion-matrix">'), html.indexOf('<section id="curves">'));
    const counts = [...section.matchAll(/class="count [a-z]+">(\d+)</g)].map((m) => Number(m[1]));
    expect(counts).toEqual([52, 1, 4, 86]);
  });

  test('When rendered, then every metric and baseline figure equals evaluation.json', () => {
    const numbers = numbersOf(html);
    let checked = 0;
    for (const [name, value] of numbers) {
      const [scope, metric] = name.includes('.') ? name.split('.', 2) : ['model', name];
      if (!isMetricName(metric)) continue;
      const metrics = scope === 'trivial' ? committed.baselines.trivial.metrics : committed.metrics;
      expect([name, Number(value)]).toEqual([name, metricValue(metrics, metric)]);
      checked++;
    }
    expect(checked).toBe(24);
    expect(numbers.get('malignant.recall')).toBe(String(committed.metrics.task === 'classification' ? committed.metrics.perClass.malignant.recall : NaN));
    expect(numbers.get('evaluatedRows')).toBe('143');
  });

  test('When rendered, then the verdict and the requirement from the manifest are stated', () => {
    expect(html).toContain('PASS: every requirement is met.');
    expect(html).toContain('recall of malignant is 0.9811; required &gt;= 0.9500');
  });

  test('When the committed evaluation.html is compared, then it is exactly this rendering of evaluation.json', () => {
    expect(readFileSync(join(EXAMPLES, 'breast-cancer', 'evaluation.html'), 'utf8')).toBe(html);
  });
});

describe('Given a regression model and a sliced multiclass model', () => {
  let diabetes: EvaluationRecord;
  let penguins: EvaluationRecord;
  beforeAll(async () => {
    diabetes = await evaluateModel({ modelDir: join(EXAMPLES, 'diabetes'), now: new Date(0) });
    penguins = await evaluateModel({
      modelDir: join(EXAMPLES, 'penguins-lightgbm'),
      data: join(EXAMPLES, 'penguins-sklearn', 'test.csv'),
      sliceBy: ['island', 'sex'],
      now: new Date(0),
    });
  });

  test('When the regressor is rendered, then it has the predicted-vs-actual and residual plots with one dot per row', () => {
    const html = renderReport([diabetes]);
    expectSelfContained(html);
    const section = html.slice(html.indexOf('<section id="regression-plots">'), html.indexOf('<section id="slices">'));
    expect(section).toContain('Predicted vs actual');
    expect(section).toContain('Residuals');
    expect(section.match(/<circle /g)).toHaveLength(2 * 111);
    expect(numbersOf(html).get('rmse')).toBe(String(diabetes.metrics.task === 'regression' ? diabetes.metrics.rmse : NaN));
  });

  test('When the sliced model is rendered, then each slice value is a row with its figures and bars', () => {
    const html = renderReport([penguins]);
    const numbers = numbersOf(html);
    for (const [value, slice] of Object.entries(penguins.slices.island)) {
      expect(numbers.get(`slice.island.${value}.rows`)).toBe(String(slice.rows));
      expect(numbers.get(`slice.island.${value}.accuracy`)).toBe(String(metricValue(slice.metrics, 'accuracy')));
    }
    expect(html.slice(html.indexOf('<section id="slices">')).match(/class="bar"/g)?.length).toBe((3 + 3) * 3);
  });

  test('When two candidates are rendered together, then the comparison ranks them side by side', () => {
    const iris = { ...penguins, model: { ...penguins.model, name: 'second', version: '2.0.0' }, metrics: { ...penguins.metrics, macro: { precision: 0.5, recall: 0.5, f1: 0.5, support: 86 } } } as EvaluationRecord;
    const html = renderReport([iris, penguins], 'macroF1');
    expectSelfContained(html);
    expect(html).toContain('<section id="comparison">');
    expect(html.indexOf('#1 penguins-lightgbm')).toBeLessThan(html.indexOf('#2 second'));
    expect(numbersOf(html).get('candidate.1.macroF1')).toBe('0.5');
  });
});
