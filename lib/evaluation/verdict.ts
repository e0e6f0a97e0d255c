/**
 * The verdict: every requirement of the application checked against the metrics. Minimums per metric, per class
 * and per slice (from the manifest's `evaluation`), the trivial baseline to beat, the previous model not to fall
 * behind (within a tolerance), and the share of rejected rows. A minimum on an error metric is a ceiling.
 */
import type { Manifest } from '../../lambda/core/manifest';
import type { ClassificationMetrics } from './classification-metrics';
import { EvaluationError } from './evaluation-error';
import { CLASS_METRICS, higherIsBetter, isMetricName, metricsOfTask, metricValue, type ClassMetricName, type MetricName, type Metrics } from './metric-names';

export type CheckKind = 'minimum' | 'class-minimum' | 'target-minimum' | 'slice-minimum' | 'beats-trivial-baseline' | 'not-worse-than-previous' | 'rejected-rows';

/** One requirement and whether it was met. */
export interface Check {
  readonly kind: CheckKind;
  /** What was checked, e.g. `recall of malignant` or `macroF1 on island=Biscoe`. */
  readonly subject: string;
  readonly actual: number;
  readonly comparison: '>=' | '<=' | '>' | '<';
  readonly required: number;
  readonly passed: boolean;
}

export interface Verdict {
  readonly passed: boolean;
  readonly checks: readonly Check[];
  /** One sentence per failed check, e.g. `recall of malignant is 0.90; required >= 0.95`. */
  readonly failures: readonly string[];
}

/** What the verdict is computed from. */
export interface VerdictInput {
  readonly manifest: Manifest;
  readonly metrics: Metrics;
  readonly keyMetric: MetricName;
  readonly trivialMetrics: Metrics;
  /** Slice column -> value -> metrics. */
  readonly slices?: Readonly<Record<string, Readonly<Record<string, Metrics>>>>;
  readonly previous?: { readonly metrics: Metrics; readonly tolerance: number };
  readonly rejectedShare: number;
  readonly maxRejectedShare: number;
}

const format = (value: number): string => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

/** The sentence a failed check reads as. */
export function describeCheck(check: Check): string {
  return `${check.subject} is ${format(check.actual)}; required ${check.comparison} ${format(check.required)}`;
}

function check(kind: CheckKind, subject: string, actual: number, comparison: Check['comparison'], required: number): Check {
  const passed = { '>=': actual >= required, '<=': actual <= required, '>': actual > required, '<': actual < required }[comparison];
  return { kind, subject, actual, comparison, required, passed };
}

function floorChecks(kind: CheckKind, floors: Readonly<Record<string, number>>, metrics: Metrics, where: string, field: string): Check[] {
  const allowed = metricsOfTask(metrics.task, metrics.task === 'classification' && metrics.binary !== undefined);
  return Object.entries(floors).map(([name, floor]) => {
    const value = isMetricName(name) ? metricValue(metrics, name) : undefined;
    if (value === undefined) {
      throw new EvaluationError(`${field}.${name}: "${name}" is not a metric of this model; expected one of ${allowed.join(', ')}`);
    }
    return check(kind, `${name}${where}`, value, higherIsBetter(name) ? '>=' : '<=', floor);
  });
}

function classChecks(kind: CheckKind, perClass: Readonly<Record<string, Readonly<Record<string, number>>>>, metrics: Metrics, where: string, field: string): Check[] {
  if (Object.keys(perClass).length === 0) return [];
  if (metrics.task !== 'classification') throw new EvaluationError(`${field}: per-class minimums need a classifier; this model is a regressor`);
  const classification: ClassificationMetrics = metrics;
  return Object.entries(perClass).flatMap(([label, floors]) => {
    const scores = classification.perClass[label];
    if (scores === undefined) {
      throw new EvaluationError(`${field}.${label}: "${label}" is not a label of this model; expected one of ${Object.keys(classification.perClass).join(', ')}`);
    }
    return Object.entries(floors).map(([name, floor]) => {
      if (!(CLASS_METRICS as readonly string[]).includes(name)) {
        throw new EvaluationError(`${field}.${label}.${name}: "${name}" is not a per-class metric; expected one of ${CLASS_METRICS.join(', ')}`);
      }
      return check(kind, `${name} of ${label}${where}`, scores[name as ClassMetricName], '>=', floor);
    });
  });
}

/** A multi-output regression's floors per target, each read from that target's metrics. */
function targetChecks(perTarget: Readonly<Record<string, Readonly<Record<string, number>>>>, metrics: Metrics, field: string): Check[] {
  if (Object.keys(perTarget).length === 0) return [];
  const targets = metrics.task === 'regression' ? metrics.perTarget : undefined;
  if (targets === undefined) throw new EvaluationError(`${field}: per-target minimums need a multi-output regression (output.targets); this model has one output`);
  return Object.entries(perTarget).flatMap(([target, floors]) => {
    const scores = targets[target];
    if (scores === undefined) {
      throw new EvaluationError(`${field}.${target}: "${target}" is not a target of this model; expected one of ${Object.keys(targets).join(', ')}`);
    }
    return floorChecks('target-minimum', floors, scores, ` of ${target}`, `${field}.${target}`);
  });
}

/** Checks every requirement; throws when a requirement names a metric, class or slice column that does not exist. */
export function verdictOf(input: VerdictInput): Verdict {
  const evaluation = input.manifest.evaluation;
  const checks: Check[] = [];
  checks.push(...floorChecks('minimum', evaluation?.minimum ?? {}, input.metrics, '', 'evaluation.minimum'));
  checks.push(...classChecks('class-minimum', evaluation?.minimumPerClass ?? {}, input.metrics, '', 'evaluation.minimumPerClass'));
  checks.push(...targetChecks(evaluation?.minimumPerTarget ?? {}, input.metrics, 'evaluation.minimumPerTarget'));
  for (const [column, floors] of Object.entries(evaluation?.slices ?? {})) {
    const values = input.slices?.[column];
    if (values === undefined) continue;
    for (const [value, metrics] of Object.entries(values)) {
      const where = ` on ${column}=${value}`;
      checks.push(...floorChecks('slice-minimum', floors.minimum ?? {}, metrics, where, `evaluation.slices.${column}.minimum`));
      if (floors.minimumPerClass !== undefined) {
        checks.push(...classChecks('slice-minimum', floors.minimumPerClass, metrics, where, `evaluation.slices.${column}.minimumPerClass`));
      }
    }
  }
  const key = input.keyMetric;
  const actual = metricValue(input.metrics, key);
  const trivial = metricValue(input.trivialMetrics, key);
  if (actual === undefined || trivial === undefined) throw new EvaluationError(`metric: "${key}" is not a metric of this model`);
  checks.push(check('beats-trivial-baseline', `${key} vs the trivial baseline`, actual, higherIsBetter(key) ? '>' : '<', trivial));
  if (input.previous !== undefined) {
    const before = metricValue(input.previous.metrics, key);
    if (before === undefined) throw new EvaluationError(`baseline: the previous model's evaluation has no "${key}"`);
    const tolerance = input.previous.tolerance;
    const required = higherIsBetter(key) ? before - tolerance : before + tolerance;
    checks.push(check('not-worse-than-previous', `${key} vs the previous model (tolerance ${tolerance})`, actual, higherIsBetter(key) ? '>=' : '<=', required));
  }
  checks.push(check('rejected-rows', 'share of rejected rows', input.rejectedShare, '<=', input.maxRejectedShare));
  const failures = checks.filter((c) => !c.passed).map(describeCheck);
  return { passed: failures.length === 0, checks, failures };
}
