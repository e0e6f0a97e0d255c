#!/usr/bin/python3
"""Train the example models on data sets that ship with scikit-learn and export them to ONNX.

How to run (from the repository root), with the Debian system Python:

    apt-get install -y python3-sklearn python3-onnx python3-pandas
    /usr/bin/python3 examples/train.py

(Use /usr/bin/python3 explicitly: a pyenv/venv python first on PATH will usually not have these packages.
Tested with scikit-learn 1.2.1, onnx 1.12.0, numpy 1.24.2, pandas 1.5.3.)

It (re)writes, for each model, a folder next to this script:

    <name>/model.onnx     the ONNX graph (opset 13, IR 8), float32 weights, built by hand with onnx.helper
    <name>/model.json     the manifest read by lambda/manifest.ts
    <name>/test.csv       the held-out test rows: raw feature values, then the target column
    <name>/expected.json  the first 10 test rows with sklearn's predictions and the float32 graph's predictions
    <name>/metrics.json   test-set metrics computed by sklearn

Models:
    breast-cancer  load_breast_cancer, MLPClassifier(16 relu units), binary: ["malignant", "benign"]
    iris           load_iris, multinomial LogisticRegression: ["setosa", "versicolor", "virginica"]
    diabetes       load_diabetes(scaled=False), Ridge regression of disease progression after one year

Design: standardization is NOT in the ONNX graph. The runtime applies `(x - mean) / std` from the manifest
(`input.features[i].scale`, StandardScaler's mean_ and scale_ - the population std - fitted on the training
split only), so each model.onnx takes already-standardized float32 features.

Graph contract: one input `input` float32 ["batch", F]; classifiers output `probabilities` float32
["batch", K] (rows sum to 1, columns in the order of `output.labels`); the regressor outputs `value`
float32 ["batch", 1].

skl2onnx is not used (not packaged for Debian): every graph is written from the fitted coefficients. There is no
onnxruntime for this python either, so the script checks each graph by reloading model.onnx and executing it
with a small float32 numpy interpreter (`run_graph`), and asserts that the result agrees with sklearn's
predict_proba / predict. Those float32 results are stored as `float32Predictions` in expected.json for the
TypeScript tests (which run the same graph in onnxruntime-node).

Deterministic: fixed random_state everywhere, no timestamps; running it twice gives byte-identical files.
"""
import json
import os
import re

import numpy as np
import onnx
import pandas as pd
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, mean_absolute_error, mean_squared_error,
                             precision_score, r2_score, recall_score)
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13
IR_VERSION = 8
TEST_SIZE = 0.25
SPLIT_SEED = 42
EXPECTED_ROWS = 10
PRODUCER = 'modelstack examples/train.py'


def snake(name):
    """'mean radius' -> 'mean_radius'; 'sepal length (cm)' -> 'sepal_length_cm'."""
    return re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')


# ---------------------------------------------------------------------------------------------------------------
# ONNX graph building
# ---------------------------------------------------------------------------------------------------------------

def f32(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name=name)


def make_model(name, doc, nodes, initializers, n_features, output_name, n_outputs):
    graph = helper.make_graph(
        nodes,
        name,
        inputs=[helper.make_tensor_value_info('input', TensorProto.FLOAT, ['batch', n_features])],
        outputs=[helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ['batch', n_outputs])],
        initializer=initializers,
        doc_string=doc,
    )
    model = helper.make_model(graph, producer_name=PRODUCER, producer_version='1.0.0',
                              opset_imports=[helper.make_opsetid('', OPSET)], doc_string=doc)
    model.ir_version = IR_VERSION
    model.model_version = 1
    onnx.checker.check_model(model, full_check=True)  # full_check also runs shape inference
    return model


def mlp_binary_graph(mlp, n_features):
    """sklearn MLPClassifier (binary, logistic output unit): hidden MatMul/Add/Relu layers, then
    p = Sigmoid(h W + b) = P(class 1) and probabilities = Concat(1 - p, p), like predict_proba."""
    assert mlp.activation == 'relu' and mlp.out_activation_ == 'logistic' and mlp.n_outputs_ == 1
    nodes, inits, prev = [], [], 'input'
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        inits += [f32(f'W{i}', w), f32(f'B{i}', b)]
        nodes += [helper.make_node('MatMul', [prev, f'W{i}'], [f'matmul{i}']),
                  helper.make_node('Add', [f'matmul{i}', f'B{i}'], [f'logits{i}'])]
        prev = f'logits{i}'
        if i < len(mlp.coefs_) - 1:
            nodes.append(helper.make_node('Relu', [prev], [f'hidden{i}']))
            prev = f'hidden{i}'
    inits.append(f32('one', [1.0]))
    nodes += [helper.make_node('Sigmoid', [prev], ['p_positive']),            # [batch, 1] = P(class 1)
              helper.make_node('Sub', ['one', 'p_positive'], ['p_negative']),  # [batch, 1] = P(class 0)
              helper.make_node('Concat', ['p_negative', 'p_positive'], ['probabilities'], axis=1)]
    return nodes, inits


def softmax_linear_graph(clf):
    """Multinomial logistic regression: probabilities = Softmax(x W^T + b, axis=1), like predict_proba."""
    assert clf.coef_.shape[0] > 2
    inits = [f32('W', clf.coef_.T), f32('B', clf.intercept_)]
    nodes = [helper.make_node('MatMul', ['input', 'W'], ['matmul']),
             helper.make_node('Add', ['matmul', 'B'], ['logits']),
             helper.make_node('Softmax', ['logits'], ['probabilities'], axis=1)]
    return nodes, inits


def linear_regression_graph(reg):
    """Ridge: value = x w + b, shape [batch, 1]."""
    inits = [f32('W', np.asarray(reg.coef_).reshape(-1, 1)), f32('B', np.asarray([reg.intercept_]))]
    nodes = [helper.make_node('MatMul', ['input', 'W'], ['matmul']),
             helper.make_node('Add', ['matmul', 'B'], ['value'])]
    return nodes, inits


# ---------------------------------------------------------------------------------------------------------------
# A tiny float32 interpreter for exactly the operators used above (onnx 1.12 has no reference evaluator).
# ---------------------------------------------------------------------------------------------------------------

def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attr(node, name):
    return next(helper.get_attribute_value(a) for a in node.attribute if a.name == name)


OPS = {
    'MatMul': lambda n, a, b: np.matmul(a, b),
    'Add': lambda n, a, b: a + b,
    'Sub': lambda n, a, b: a - b,
    'Relu': lambda n, a: np.maximum(a, np.float32(0)),
    'Sigmoid': lambda n, a: np.float32(1) / (np.float32(1) + np.exp(-a)),
    'Softmax': lambda n, a: _softmax(a, attr(n, 'axis')),
    'Concat': lambda n, *xs: np.concatenate(xs, axis=attr(n, 'axis')),
}


def run_graph(model, x):
    """Executes `model` on float32 `x` in graph order, all in float32; returns the single output."""
    values = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        out = OPS[node.op_type](node, *[values[i] for i in node.input])
        assert out.dtype == np.float32, (node.op_type, out.dtype)
        values[node.output[0]] = out
    return values[model.graph.output[0].name]


# ---------------------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------------------

def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2, allow_nan=False)
        f.write('\n')


def plain(value, integer):
    """A raw feature value as JSON: int for integer features, python float otherwise."""
    return int(value) if integer else float(value)


def build(spec):
    name, task = spec['name'], spec['task']
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    X, y, names = spec['X'], spec['y'], spec['feature_names']
    n_features = X.shape[1]
    classifier = task != 'regression'

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=y if classifier else None)
    scaler = StandardScaler().fit(X_train)
    model = spec['estimator'].fit(scaler.transform(X_train), y_train)
    if getattr(model, 'n_iter_', None) is not None:  # iterative solvers must have converged
        n_iter = np.max(model.n_iter_)
        assert n_iter < model.max_iter, f'{name}: did not converge in {model.max_iter} iterations'

    # --- ONNX ---------------------------------------------------------------------------------------------------
    nodes, inits = spec['graph'](model)
    out_name = 'value' if not classifier else 'probabilities'
    n_out = 1 if not classifier else len(spec['labels'])
    onnx_model = make_model(name, spec['doc'], nodes, inits, n_features, out_name, n_out)
    onnx_path = os.path.join(out_dir, 'model.onnx')
    onnx.save(onnx_model, onnx_path)
    onnx_model = onnx.load(onnx_path)  # check what was written, not what is in memory
    onnx.checker.check_model(onnx_model, full_check=True)

    # --- predictions: sklearn (float64) vs the graph in float32 on the whole test split ---------------------------
    # Scaling as the runtime does it: (x - mean) / std in double precision, then rounded to float32.
    Z_test = ((X_test - scaler.mean_) / scaler.scale_).astype(np.float32)
    assert np.allclose(Z_test, scaler.transform(X_test), rtol=1e-6, atol=1e-6)
    graph_out = run_graph(onnx_model, Z_test)
    assert graph_out.shape == (len(X_test), n_out) and graph_out.dtype == np.float32
    labels = spec['labels'] if classifier else None

    if classifier:
        proba = model.predict_proba(scaler.transform(X_test))
        pred = model.predict(scaler.transform(X_test))
        assert np.all(np.abs(graph_out.sum(axis=1) - 1) < 1e-6), 'probability rows must sum to 1'
        diff = np.max(np.abs(graph_out.astype(np.float64) - proba))
        assert diff < 1e-4, f'{name}: float32 graph vs predict_proba differ by {diff}'
        assert np.array_equal(graph_out.argmax(axis=1), pred), f'{name}: float32 graph changes a predicted class'
        # Independent check of the graph arithmetic, written directly from the estimator's formula.
        direct = spec['direct'](model, Z_test)
        assert np.max(np.abs(direct - graph_out)) < 1e-6
        y_true_lab = np.asarray(labels)[y_test]
        y_pred_lab = np.asarray(labels)[pred]
    else:
        pred = model.predict(scaler.transform(X_test))
        rel = np.max(np.abs(graph_out[:, 0].astype(np.float64) - pred) / np.abs(pred))
        assert rel < 1e-5, f'{name}: float32 graph vs predict differ by relative {rel}'
        direct = Z_test @ np.asarray(model.coef_, dtype=np.float32).reshape(-1, 1) + np.float32(model.intercept_)
        assert np.max(np.abs(direct - graph_out) / np.abs(graph_out)) < 1e-6
        diff = rel

    # --- metrics --------------------------------------------------------------------------------------------------
    metrics = {'dataset': spec['dataset'], 'model': spec['model_desc'], 'sklearn': sklearn.__version__,
               'rows': int(len(X_test)), 'trainRows': int(len(X_train)), 'splitSeed': SPLIT_SEED}
    if task == 'binary-classification':
        pos = spec['positive']
        metrics.update({
            'positiveLabel': pos,
            'accuracy': accuracy_score(y_true_lab, y_pred_lab),
            'precision': precision_score(y_true_lab, y_pred_lab, pos_label=pos),
            'recall': recall_score(y_true_lab, y_pred_lab, pos_label=pos),
            'f1': f1_score(y_true_lab, y_pred_lab, pos_label=pos),
        })
    elif task == 'multiclass-classification':
        metrics.update({
            'average': 'macro',
            'accuracy': accuracy_score(y_true_lab, y_pred_lab),
            'precision': precision_score(y_true_lab, y_pred_lab, average='macro'),
            'recall': recall_score(y_true_lab, y_pred_lab, average='macro'),
            'f1': f1_score(y_true_lab, y_pred_lab, average='macro'),
        })
    else:
        metrics.update({
            'mae': mean_absolute_error(y_test, pred),
            'rmse': float(np.sqrt(mean_squared_error(y_test, pred))),
            'r2': r2_score(y_test, pred),
        })
    if classifier:
        metrics['confusionMatrix'] = {'labels': list(labels),
                                      'rows': 'true label', 'columns': 'predicted label',
                                      'matrix': confusion_matrix(y_true_lab, y_pred_lab, labels=labels).tolist()}
    metrics['maxAbsDiffFloat32VsSklearn' if classifier else 'maxRelDiffFloat32VsSklearn'] = float(diff)
    metrics = {k: (float(v) if isinstance(v, np.floating) else v) for k, v in metrics.items()}
    write_json(os.path.join(out_dir, 'metrics.json'), metrics)

    # --- manifest -------------------------------------------------------------------------------------------------
    features = []
    for i, fname in enumerate(names):
        meta = spec['features'].get(fname, {})
        ftype = meta.get('type', 'number')
        if ftype == 'integer':
            assert np.all(X[:, i] == np.round(X[:, i])), f'{fname} is not whole'
        feature = {'name': fname, 'type': ftype}
        if 'description' in meta:
            feature['description'] = meta['description']
        for bound in ('min', 'max'):
            if bound in meta:
                feature[bound] = meta[bound]
        if 'min' in meta:
            assert X[:, i].min() >= meta['min'], fname
        if 'max' in meta:
            assert X[:, i].max() <= meta['max'], fname
        feature['scale'] = {'mean': float(scaler.mean_[i]), 'std': float(scaler.scale_[i])}
        feature['missing'] = spec['missing']
        features.append(feature)

    if classifier:
        m = metrics
        summary = (f"test accuracy {m['accuracy']:.3f}, precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
                   f"f1 {m['f1']:.3f}"
                   + (f" (positive: {m['positiveLabel']})" if 'positiveLabel' in m else ' (macro)'))
        output = {'probabilities': 'probabilities', 'labels': list(labels)}
    else:
        summary = f"test MAE {metrics['mae']:.1f}, RMSE {metrics['rmse']:.1f}, R2 {metrics['r2']:.3f}"
        output = {'value': 'value'}
    manifest = {
        'schemaVersion': 1,
        'name': name,
        'version': '1.0.0',
        'task': task,
        'description': f"{spec['dataset']}; {spec['model_desc']}; {summary} on {len(X_test)} held-out rows",
        'input': {'tensor': 'input', 'features': features},
        'output': output,
        'evaluation': {'data': 'test.csv', 'target': spec['target']},
    }
    write_json(os.path.join(out_dir, 'model.json'), manifest)

    # --- test.csv -------------------------------------------------------------------------------------------------
    integer_cols = [i for i, f in enumerate(features) if f['type'] == 'integer']
    frame = pd.DataFrame(X_test, columns=names)
    for i in integer_cols:
        frame[names[i]] = frame[names[i]].round().astype(np.int64)
    frame[spec['target']] = y_true_lab if classifier else y_test
    frame.to_csv(os.path.join(out_dir, 'test.csv'), index=False, lineterminator='\n')

    # --- expected.json --------------------------------------------------------------------------------------------
    k = EXPECTED_ROWS
    instances = [{names[j]: plain(X_test[r, j], j in integer_cols) for j in range(n_features)} for r in range(k)]
    if classifier:
        def as_pred(row_probs):
            return {'label': labels[int(np.argmax(row_probs))],
                    'probabilities': {lab: float(p) for lab, p in zip(labels, row_probs)}}
        predictions = [as_pred(p) for p in proba[:k]]
        for r in range(k):
            assert predictions[r]['label'] == labels[pred[r]]
        float32_predictions = [as_pred(p) for p in graph_out[:k]]
    else:
        predictions = [{'value': float(v)} for v in pred[:k]]
        float32_predictions = [{'value': float(v)} for v in graph_out[:k, 0]]
    write_json(os.path.join(out_dir, 'expected.json'), {
        'rows': k,
        'note': ('instances: the first rows of test.csv (raw values). predictions: sklearn (float64). '
                 'float32Predictions: model.onnx executed in float32 on ((x - mean) / std) computed in double '
                 'and rounded to float32, i.e. what onnxruntime should return (compare within 1e-5).'),
        'instances': instances,
        'predictions': predictions,
        'float32Predictions': float32_predictions,
    })
    print(f'{name}: {summary}; {onnx_path} {os.path.getsize(onnx_path)} bytes; '
          f'float32 vs sklearn max diff {diff:.2e}')


# ---------------------------------------------------------------------------------------------------------------
# The three examples
# ---------------------------------------------------------------------------------------------------------------

def mlp_direct(mlp, Z):
    h = np.maximum(Z @ mlp.coefs_[0].astype(np.float32) + mlp.intercepts_[0].astype(np.float32), np.float32(0))
    z = h @ mlp.coefs_[1].astype(np.float32) + mlp.intercepts_[1].astype(np.float32)
    p = np.float32(1) / (np.float32(1) + np.exp(-z))
    return np.concatenate([np.float32(1) - p, p], axis=1)


def softmax_direct(clf, Z):
    return _softmax(Z @ clf.coef_.T.astype(np.float32) + clf.intercept_.astype(np.float32), 1)


def main():
    np.random.seed(0)  # nothing should depend on it, but make sure
    bc, iris, dia = load_breast_cancer(), load_iris(), load_diabetes(scaled=False)

    bc_names = [snake(n) for n in bc.feature_names]
    assert list(bc.target_names) == ['malignant', 'benign']
    # Every breast-cancer feature is a size, a gray-level spread, a ratio or a count-like shape measure: >= 0.
    build({
        'name': 'breast-cancer', 'task': 'binary-classification',
        'dataset': 'scikit-learn load_breast_cancer (Wisconsin Diagnostic Breast Cancer, 569 rows, 30 features)',
        'model_desc': 'MLPClassifier(16 relu units, adam, L2 alpha 1e-4) on standardized features',
        'doc': 'Breast cancer (WDBC): MLP 30-16-1, input standardized features, output [P(malignant), P(benign)]',
        'X': bc.data, 'y': bc.target, 'feature_names': bc_names,
        'labels': ['malignant', 'benign'], 'positive': 'malignant', 'target': 'diagnosis',
        'estimator': MLPClassifier(hidden_layer_sizes=(16,), activation='relu', solver='adam', alpha=1e-4,
                                   max_iter=2000, random_state=0),
        'graph': lambda m: mlp_binary_graph(m, len(bc_names)),
        'direct': mlp_direct,
        'features': {n: {'min': 0} for n in bc_names},
        'missing': 'mean',
    })

    iris_names = [snake(n) for n in iris.feature_names]
    build({
        'name': 'iris', 'task': 'multiclass-classification',
        'dataset': 'scikit-learn load_iris (Fisher iris, 150 rows, 4 features)',
        'model_desc': 'multinomial LogisticRegression (lbfgs, C=1) on standardized features',
        'doc': 'Iris: multinomial logistic regression, input standardized features, '
               'output [P(setosa), P(versicolor), P(virginica)]',
        'X': iris.data, 'y': iris.target, 'feature_names': iris_names,
        'labels': list(iris.target_names), 'target': 'species',
        'estimator': LogisticRegression(multi_class='multinomial', solver='lbfgs', C=1.0, max_iter=1000,
                                        random_state=0),
        'graph': softmax_linear_graph,
        'direct': softmax_direct,
        'features': {n: {'min': 0} for n in iris_names},  # lengths and widths in cm
        'missing': 'reject',
    })

    dia_names = [snake(n) for n in dia.feature_names]
    assert dia_names == ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']
    sex = dia.data[:, 1]
    assert set(np.unique(sex)) == {1.0, 2.0}, 'diabetes sex must be coded 1/2'
    build({
        'name': 'diabetes', 'task': 'regression',
        'dataset': 'scikit-learn load_diabetes(scaled=False) (Efron et al. 2004, 442 rows, 10 features, raw units)',
        'model_desc': 'Ridge(alpha=1) on standardized features',
        'doc': 'Diabetes: ridge regression, input standardized features, '
               'output disease progression one year after baseline',
        'X': dia.data, 'y': dia.target, 'feature_names': dia_names, 'target': 'progression',
        'estimator': Ridge(alpha=1.0),
        'graph': linear_regression_graph,
        'features': {
            'age': {'type': 'integer' if np.all(dia.data[:, 0] == np.round(dia.data[:, 0])) else 'number',
                    'description': 'age in years', 'min': 0},
            'sex': {'type': 'integer', 'description': 'sex, coded 1 or 2', 'min': 1, 'max': 2},
            'bmi': {'description': 'body mass index (kg/m2)', 'min': 0},
            'bp': {'description': 'average blood pressure (mm Hg)', 'min': 0},
            's1': {'description': 'tc, total serum cholesterol (mg/dL)', 'min': 0},
            's2': {'description': 'ldl, low-density lipoproteins (mg/dL)', 'min': 0},
            's3': {'description': 'hdl, high-density lipoproteins (mg/dL)', 'min': 0},
            's4': {'description': 'tch, total cholesterol / HDL ratio', 'min': 0},
            's5': {'description': 'ltg, log of serum triglycerides level'},  # a logarithm: no physical floor
            's6': {'description': 'glu, blood sugar level (mg/dL)', 'min': 0},
        },
        'missing': 'mean',
    })


if __name__ == '__main__':
    main()
