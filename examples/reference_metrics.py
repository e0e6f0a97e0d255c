"""Reference metrics for every example: examples/<name>/reference-metrics.json.

Each COMMITTED model.onnx is run by Python onnxruntime over the whole test.csv, prepared as the serving runtime
prepares it, and scored by scikit-learn. The TypeScript evaluation is meant to reproduce these numbers; the
`definitions` object in each file says exactly how each one is computed.

Run from the repository root, in the examples venv (see examples/README.md):

    python examples/reference_metrics.py

Preparation (examples with a manifest: model.json): each feature in
manifest order; a missing cell (empty in the CSV) is filled per `missing` ("mean": the feature's `mean`, else
`scale.mean`; {"constant": c}; "reject" would stop the script: no test.csv has a missing value there); then, if the
feature has `scale`, (x - mean) / std in float64; then cast to float32, one [N, F] tensor. penguins-sklearn has no
manifest (it is the model that `modelstack init` must fix): its original graph is fed one [N, 1] input per column
(float32 with NaN for a missing number, string with '' for a missing string), and its ZipMap maps are read back in
the order of the ZipMap's class labels.

Before scoring, every model is also run on its expected.json instances and compared with the outputs recorded
there (1e-5), so the preparation here is the one the tests pin.
"""
import json
import os
import warnings

import numpy as np
import onnx
from sklearn.calibration import calibration_curve
from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, confusion_matrix, log_loss,
                             mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)

from common import HERE, read_csv, session, sha256, softmax64, versions, write_json

PACKAGES = ('scikit-learn', 'onnxruntime', 'onnx', 'numpy', 'pandas')
EXAMPLES = ['breast-cancer', 'iris', 'diabetes', 'penguins-sklearn', 'penguins-lightgbm', 'digits-pytorch']
PENGUIN_NUMERIC = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g']
PENGUIN_CATEGORICAL = ['island', 'sex']
MISSING_SLICE = '(missing)'
N_BINS = 10

DEFINITIONS = {
    'probabilities': ('the model output as float32, cast to float64, columns in `labels` order; not renormalized. '
                      'digits-pytorch: softmax over the float32 logits computed in float64 (max subtracted first). '
                      'penguins-sklearn: the ZipMap output maps, read in the order of the ZipMap class labels.'),
    'predicted': ('the label of the largest probability (the first one in `labels` order on a tie), as the serving '
                  'runtime does; where the graph also outputs a label (penguins-sklearn output_label, '
                  'penguins-lightgbm label) it was checked to be the same on every row.'),
    'accuracy': 'sklearn.metrics.accuracy_score: fraction of rows whose predicted label equals the true label.',
    'perClass': ('sklearn.metrics.precision_recall_fscore_support(labels=labels, average=None, zero_division=0): '
                 'precision = TP / (TP + FP), recall = TP / (TP + FN), f1 = 2PR / (P + R), support = true rows of '
                 'the label; a 0/0 ratio is 0.'),
    'macro': ('the unweighted mean of perClass precision, recall and f1 over ALL labels in `labels` (a label '
              'absent from the rows counts, with 0 where zero_division applies); support = rows.'),
    'weighted': 'the mean of perClass precision, recall and f1 weighted by support; support = rows.',
    'confusionMatrix': ('sklearn.metrics.confusion_matrix(labels=labels): matrix[i][j] = rows whose true label '
                        'is labels[i] and predicted label is labels[j].'),
    'logLoss': ('sklearn.metrics.log_loss with every label listed: mean over rows of -ln(clip(p_true, eps, '
                '1 - eps)), natural log, eps = 2.220446049250313e-16 (float64 machine epsilon), probabilities not '
                'renormalized. (log_loss assumes the probability columns are in sorted label order, so they are '
                'reordered for it; the value does not depend on the order.) maxAbsRowSumMinusOne: how far the '
                'probability rows are from summing to 1 (float32 rounding; sklearn warns above 1.5e-8).'),
    'brierMulticlass': ('mean over rows of the sum over labels of (p_label - [label is true])^2; range 0..2. For '
                        'a binary model it is twice brierPositive.'),
    'brierPositive': ('binary only: sklearn.metrics.brier_score_loss(y_true == positiveLabel, p_positive) = mean '
                      'over rows of (p_positive - [true label is positiveLabel])^2.'),
    'rocAuc': 'binary only: sklearn.metrics.roc_auc_score(y_true == positiveLabel, p_positive) (ties count 1/2).',
    'averagePrecision': ('binary only: PR AUC as sklearn.metrics.average_precision_score(y_true == positiveLabel, '
                         'p_positive) = sum over thresholds of (R_n - R_{n-1}) P_n (step-wise, no interpolation).'),
    'calibration': ('binary only: sklearn.calibration.calibration_curve(y_true == positiveLabel, p_positive, '
                    'n_bins=10, strategy="uniform"). Edges numpy.linspace(0, 1, 11) = k * 0.1 in float64 (0.30000000000000004 '
                    'for k = 3), the last exactly 1; bin k (0-based) holds p with '
                    'edges[k] < p <= edges[k+1] (bin 0 also holds p = 0; numpy.searchsorted(edges[1:-1], p, '
                    'side="left")). Only non-empty bins are listed: bin, count, meanPredicted (mean p in the bin, '
                    'prob_pred) and fractionPositive (share of positive rows, prob_true).'),
    'regression': ('mae = sklearn mean_absolute_error; rmse = sqrt(sklearn mean_squared_error); r2 = sklearn '
                   'r2_score; mape = sklearn mean_absolute_percentage_error over the rows whose target is not 0 '
                   '(mean of |y - yhat| / |y|, a fraction, not a percentage); mapeRowsSkipped = rows with target 0. '
                   'Predictions: the float32 output cast to float64.'),
    'baseline': ('classification: every row gets the training label frequencies (train.csv) as probabilities and '
                 'the most frequent training label as prediction (the first in `labels` order on a tie), scored '
                 'with the same metrics. regression: every row is predicted the training mean of the target.'),
    'slices': ('penguins only: the same metrics (no baseline) over the rows of each value of island and of sex '
               f'(an empty sex cell is the slice "{MISSING_SLICE}"); the averages in a slice still run over all '
               'labels. penguins-lightgbm does not use island or sex: its slices take them from '
               'penguins-sklearn/test.csv, the same rows in the same order (checked).'),
}


# ---------------------------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------------------------

def classification_metrics(y_true, proba, labels, positive=None, macro_present=False):
    y_true = np.asarray(y_true, dtype=object)
    proba = np.asarray(proba, dtype=np.float64)
    assert proba.shape == (len(y_true), len(labels)) and set(y_true) <= set(labels)
    y_pred = np.asarray(labels, dtype=object)[proba.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=0)
    m = {
        'rows': len(y_true),
        'accuracy': accuracy_score(y_true, y_pred),
        'perClass': {lab: {'precision': p[i], 'recall': r[i], 'f1': f[i], 'support': int(s[i])}
                     for i, lab in enumerate(labels)},
    }
    # A slice averages macro figures over the labels in its truth or predictions (scikit-learn without labels=).
    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    for avg in ('macro', 'weighted'):
        over = present if macro_present and avg == 'macro' else labels
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=over, average=avg, zero_division=0)
        m[avg] = {'precision': ap, 'recall': ar, 'f1': af, 'support': len(y_true)}
    m['confusionMatrix'] = {'labels': list(labels), 'rows': 'true label', 'columns': 'predicted label',
                            'matrix': confusion_matrix(y_true, y_pred, labels=labels).tolist()}
    order = sorted(range(len(labels)), key=lambda i: labels[i])  # log_loss wants sorted label order
    with warnings.catch_warnings():  # float32 rows sum to 1 within ~1e-7, not within sklearn's sqrt(eps) 1.5e-8
        warnings.filterwarnings('ignore', message='The y_prob values do not sum to one')
        m['logLoss'] = log_loss(y_true, proba[:, order], labels=[labels[i] for i in order])
    m['maxAbsRowSumMinusOne'] = float(np.max(np.abs(proba.sum(axis=1) - 1)))
    onehot = (y_true[:, None] == np.asarray(labels, dtype=object)[None, :]).astype(np.float64)
    eps = np.finfo(np.float64).eps
    manual = float(np.mean(-np.log(np.clip(np.sum(proba * onehot, axis=1), eps, 1 - eps))))
    assert np.isclose(manual, m['logLoss'], rtol=1e-12, atol=1e-15), (manual, m['logLoss'])
    m['brierMulticlass'] = float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
    if positive is not None:
        assert len(labels) == 2
        is_pos = y_true == positive
        p_pos = proba[:, labels.index(positive)]
        m['positiveLabel'] = positive
        m['brierPositive'] = brier_score_loss(is_pos, p_pos)
        assert np.isclose(2 * m['brierPositive'], m['brierMulticlass'], rtol=1e-12)
        m['rocAuc'] = roc_auc_score(is_pos, p_pos)
        m['averagePrecision'] = average_precision_score(is_pos, p_pos)
        prob_true, prob_pred = calibration_curve(is_pos, p_pos, n_bins=N_BINS, strategy='uniform')
        edges = np.linspace(0.0, 1.0, N_BINS + 1)
        bins = np.searchsorted(edges[1:-1], p_pos)
        counts = np.bincount(bins, minlength=N_BINS)
        used = np.nonzero(counts)[0]
        assert len(used) == len(prob_true)
        m['calibration'] = {'nBins': N_BINS, 'strategy': 'uniform', 'edges': edges.tolist(),
                            'bins': [{'bin': int(b), 'count': int(counts[b]), 'meanPredicted': prob_pred[i],
                                      'fractionPositive': prob_true[i]} for i, b in enumerate(used)]}
    return m


def regression_metrics(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    nonzero = y_true != 0
    return {'rows': len(y_true), 'mae': mean_absolute_error(y_true, y_pred),
            'rmse': float(np.sqrt(mean_squared_error(y_true, y_pred))), 'r2': r2_score(y_true, y_pred),
            'mape': mean_absolute_percentage_error(y_true[nonzero], y_pred[nonzero]),
            'mapeRowsSkipped': int(np.sum(~nonzero))}


def plain(obj):
    """numpy scalars to python numbers, recursively; NaN is refused later by write_json."""
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


# ---------------------------------------------------------------------------------------------------------------
# Running the committed models
# ---------------------------------------------------------------------------------------------------------------

def read_manifest(folder):
    for name in ('model.json',):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path) as f:
                return name, json.load(f)
    return None, None


def prepare(manifest, frame):
    """Raw feature columns -> the float32 [N, F] tensor, as the serving runtime builds it."""
    columns = []
    for feature in manifest['input']['features']:
        x = frame[feature['name']].to_numpy(dtype=np.float64)
        missing = feature.get('missing', 'reject')
        if np.isnan(x).any():
            assert missing != 'reject', f"{feature['name']}: missing value but missing is reject"
            fill = (feature.get('mean', feature.get('scale', {}).get('mean')) if missing == 'mean'
                    else missing['constant'])
            x = np.where(np.isnan(x), fill, x)
        if 'scale' in feature:
            x = (x - feature['scale']['mean']) / feature['scale']['std']
        columns.append(x)
    return np.stack(columns, axis=1).astype(np.float32)


def run_manifest_model(folder, manifest, frame):
    """Returns ('classification', proba, graph_label or None) or ('regression', values, None)."""
    sess = session(os.path.join(folder, 'model.onnx'))
    feeds = {manifest['input']['tensor']: prepare(manifest, frame)}
    out = manifest['output']
    if 'value' in out:
        return 'regression', sess.run([out['value']], feeds)[0].astype(np.float64).reshape(-1), None
    if 'logits' in out:
        assert out['activation'] == 'softmax'
        return 'classification', softmax64(sess.run([out['logits']], feeds)[0]), None
    names = [o.name for o in sess.get_outputs()]
    fetch = [out['probabilities']] + (['label'] if 'label' in names else [])
    results = sess.run(fetch, feeds)
    return 'classification', results[0].astype(np.float64), (results[1] if len(results) > 1 else None)


def zipmap_labels(model_path):
    zipmap = next(n for n in onnx.load(model_path).graph.node if n.op_type == 'ZipMap')
    attr = next(a for a in zipmap.attribute if a.name == 'classlabels_strings')
    return [s.decode() for s in attr.strings]


def run_penguins_sklearn(folder, frame):
    """The original graph: one [N, 1] input per column, ZipMap maps back to rows in class-label order."""
    model_path = os.path.join(folder, 'model.onnx')
    labels = zipmap_labels(model_path)
    feeds = {c: frame[[c]].to_numpy(dtype=np.float64).astype(np.float32) for c in PENGUIN_NUMERIC}
    for c in PENGUIN_CATEGORICAL:
        feeds[c] = np.array([[v if isinstance(v, str) else ''] for v in frame[c]], dtype=object)
    graph_label, maps = session(model_path).run(['output_label', 'output_probability'], feeds)
    proba = np.array([[m[lab] for lab in labels] for m in maps], dtype=np.float32).astype(np.float64)
    return labels, proba, graph_label


# ---------------------------------------------------------------------------------------------------------------
# One example
# ---------------------------------------------------------------------------------------------------------------

def check_expected(name, folder, manifest, labels):
    """The model run here on expected.json's instances reproduces what expected.json records (1e-5)."""
    import pandas as pd
    with open(os.path.join(folder, 'expected.json')) as f:
        expected = json.load(f)
    frame = pd.DataFrame(expected['instances'])
    frame = frame.map(lambda v: np.nan if v is None else v) if manifest is not None else frame
    if manifest is None:
        _, proba, _ = run_penguins_sklearn(folder, frame)
        want = expected['zipmapPredictions']
    else:
        kind, proba, _ = run_manifest_model(folder, manifest, frame)
        want = expected['float32Predictions']
        if kind == 'regression':
            got = proba
            ref = np.array([w['value'] for w in want])
            assert np.all(np.abs(got - ref) <= 1e-5 * np.maximum(1, np.abs(ref))), name
            return len(want)
    ref = np.array([[w['probabilities'][lab] for lab in labels] for w in want])
    assert np.max(np.abs(proba - ref)) <= 1e-5, (name, np.max(np.abs(proba - ref)))
    assert [labels[i] for i in proba.argmax(axis=1)] == [w['label'] for w in want], name
    return len(want)


def evaluate(name):
    folder = os.path.join(HERE, name)
    manifest_file, manifest = read_manifest(folder)
    penguins = name.startswith('penguins-')
    strings = PENGUIN_CATEGORICAL if name == 'penguins-sklearn' else []
    if manifest is None:
        target = 'species'
    else:
        target = manifest['evaluation']['target']
    classifier = manifest is None or manifest['task'] != 'regression'
    if classifier:
        strings = strings + [target]  # labels are strings, digits' "0".."9" too
    test = read_csv(os.path.join(folder, 'test.csv'), strings)
    train = read_csv(os.path.join(folder, 'train.csv'), strings)

    if manifest is None:
        labels, proba, graph_label = run_penguins_sklearn(folder, test)
        positive, kind = None, 'classification'
        task = 'multiclass-classification'
        prepared = ('original graph, one [N, 1] input per column: float32 with NaN for a missing number, string '
                    "with '' for a missing string; ZipMap maps read in ZipMap class-label order")
    else:
        task = manifest['task']
        kind, proba, graph_label = run_manifest_model(folder, manifest, test)
        labels = manifest['output'].get('labels')
        positive = labels[0] if task == 'binary-classification' else None
        scaled = any('scale' in f for f in manifest['input']['features'])
        prepared = (f'{manifest_file}: features in manifest order, missing filled per manifest'
                    + (', (x - mean) / std in float64' if scaled else ', no scaling') + ', cast to float32 [N, F]')
    checked = check_expected(name, folder, manifest, labels)

    result = {
        'example': name,
        'task': task,
        'modelSha256': sha256(os.path.join(folder, 'model.onnx')),
        'data': 'test.csv',
        'target': target,
        'rows': len(test),
        'trainRows': len(train),
        'input': prepared,
        'checkedAgainstExpectedJson': f'{checked} instances within 1e-5',
        'versions': versions(*PACKAGES),
    }
    if kind == 'regression':
        y, y_train = test[target].to_numpy(np.float64), train[target].to_numpy(np.float64)
        result['metrics'] = regression_metrics(y, proba)
        result['baseline'] = {'prediction': 'training mean', 'trainingMean': float(np.mean(y_train)),
                              'metrics': regression_metrics(y, np.full(len(y), np.mean(y_train)))}
        result['definitions'] = {k: DEFINITIONS[k] for k in ('regression', 'baseline')}
        return result, f"MAE {result['metrics']['mae']:.2f} RMSE {result['metrics']['rmse']:.2f} " \
                       f"R2 {result['metrics']['r2']:.4f} MAPE {result['metrics']['mape']:.4f}"

    y, y_train = test[target].to_numpy(dtype=object), train[target].to_numpy(dtype=object)
    if graph_label is not None:
        as_text = [labels[int(v)] if not isinstance(v, str) else v for v in graph_label]
        assert as_text == [labels[i] for i in proba.argmax(axis=1)], f'{name}: graph label is not the argmax'
    result['labels'] = labels
    if positive is not None:
        result['positiveLabel'] = positive
    result['metrics'] = classification_metrics(y, proba, labels, positive)
    freq = np.array([np.mean(y_train == lab) for lab in labels])
    result['baseline'] = {
        'prediction': 'most frequent training label, training label frequencies as probabilities',
        'label': labels[int(np.argmax(freq))],
        'trainingFrequencies': dict(zip(labels, freq.tolist())),
        'metrics': classification_metrics(y, np.tile(freq, (len(y), 1)), labels, positive),
    }
    keys = ['probabilities', 'predicted', 'accuracy', 'perClass', 'macro', 'weighted', 'confusionMatrix',
            'logLoss', 'brierMulticlass']
    keys += ['brierPositive', 'rocAuc', 'averagePrecision', 'calibration'] if positive is not None else []
    keys += ['baseline'] + (['slices'] if penguins else [])
    result['definitions'] = {k: DEFINITIONS[k] for k in keys}
    if penguins:
        result['slices'] = slices(name, test, y, proba, labels)
    m = result['metrics']
    summary = f"accuracy {m['accuracy']:.4f} macro F1 {m['macro']['f1']:.4f} log loss {m['logLoss']:.4f}"
    if positive is not None:
        summary += f" ROC AUC {m['rocAuc']:.4f} AP {m['averagePrecision']:.4f}"
    return result, summary + f" (baseline accuracy {result['baseline']['metrics']['accuracy']:.4f})"


def slices(name, test, y, proba, labels):
    if name == 'penguins-sklearn':
        source = test
    else:  # penguins-lightgbm: island and sex from penguins-sklearn's test.csv, the same rows
        source = read_csv(os.path.join(HERE, 'penguins-sklearn', 'test.csv'), PENGUIN_CATEGORICAL + ['species'])
        assert list(source['species']) == list(y), 'penguins test rows differ'
        for c in PENGUIN_NUMERIC:
            assert np.array_equal(source[c].to_numpy(), test[c].to_numpy(), equal_nan=True), c
    out = {}
    for column in PENGUIN_CATEGORICAL:
        values = np.array([v if isinstance(v, str) else MISSING_SLICE for v in source[column]], dtype=object)
        out[column] = {v: classification_metrics(y[values == v], proba[values == v], labels, macro_present=True)
                       for v in sorted(set(values))}
    return out


def main():
    for name in EXAMPLES:
        result, summary = evaluate(name)
        write_json(os.path.join(HERE, name, 'reference-metrics.json'), plain(result))
        print(f'{name}: {summary}')


if __name__ == '__main__':
    main()
