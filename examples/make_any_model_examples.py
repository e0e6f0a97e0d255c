"""Makes the examples of models as exporters produce them from scikit-learn's own data, with no hand edit:

* breast-cancer-names: load_breast_cancer with scikit-learn's column names (`mean radius`, ...), a
  StandardScaler + LogisticRegression pipeline by skl2onnx, one [N, 30] float input; labels 0/1 (1: benign).
* wine-renamed: load_wine, one [N, 1] input per column by skl2onnx (multi-input pipeline concatenated by the
  converter); input names are the column names with every character other than a letter, digit or _ replaced, as
  exporters do (`od280/od315_of_diluted_wines` becomes `od280_od315_of_diluted_wines`), the CSV keeps the originals.
* xgboost-binary: load_breast_cancer, an XGBClassifier converted by onnxmltools, one [N, 30] input named `input`.

Each folder gets model.onnx, train.csv, test.csv (the target column last) and expected.json: the first rows of
test.csv and Python onnxruntime's outputs for them (label and probabilities), which the jest tests compare with
what `modelstack init` + the runtime answer over JSON, CSV, v2 JSON and v2 binary.

    scripts/python-venv.sh && .venv-tools/bin/python examples/make_any_model_examples.py
"""
import os
import re

import numpy as np
import onnx
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from common import (SPLIT_SEED, TEST_SIZE, canonical_opsets, example_dir, instances, session, sha256, versions,
                    write_csv, write_json)

EXPECTED_ROWS = 10
PACKAGES = ('numpy', 'onnx', 'onnxmltools', 'onnxruntime', 'scikit-learn', 'skl2onnx', 'xgboost-cpu')


def split(frame, target):
    return train_test_split(frame, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=frame[target])


def save(name, model, train, test, target, feed, note):
    folder = example_dir(name)
    model = canonical_opsets(model)
    for p in model.metadata_props:
        p.value = ''
    # onnxmltools names the graph with a random UUID: a fixed name keeps the bytes the same run to run.
    model.graph.name = name
    path = os.path.join(folder, 'model.onnx')
    onnx.save_model(model, path)
    write_csv(os.path.join(folder, 'train.csv'), train)
    write_csv(os.path.join(folder, 'test.csv'), test)
    rows = test.head(EXPECTED_ROWS)
    features = [c for c in test.columns if c != target]
    sess = session(path)
    outputs = sess.run(None, feed(rows[features]))
    names = [o.name for o in sess.get_outputs()]
    labels, probabilities = outputs[names.index('label')], outputs[names.index('probabilities')]
    all_outputs = sess.run(None, feed(test[features]))
    all_probabilities = all_outputs[names.index('probabilities')]
    write_json(os.path.join(folder, 'expected.json'), {
        'note': note,
        'versions': versions(*PACKAGES),
        'modelSha256': sha256(path),
        'target': target,
        'inputs': [{'name': i.name, 'type': i.type, 'shape': i.shape} for i in sess.get_inputs()],
        'instances': instances(rows, features),
        'onnxruntime': [{'label': str(l), 'probabilities': [float(p) for p in row]} for l, row in zip(labels, probabilities)],
        'sklearnMetrics': sklearn_metrics(test[target], all_probabilities),
    })
    print(f'{name}: {len(train)} train, {len(test)} test rows, inputs {[i.name for i in sess.get_inputs()]}')


def sklearn_metrics(truth, probabilities):
    """scikit-learn's figures over all of test.csv from onnxruntime's probabilities, with its defaults (for binary
    labels 0/1: pos_label=1; macro F1 over the labels)."""
    from sklearn.metrics import accuracy_score, average_precision_score, f1_score, roc_auc_score
    classes = sorted(set(truth))
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    metrics = {'accuracy': accuracy_score(truth, predicted), 'macroF1': f1_score(truth, predicted, average='macro')}
    if len(classes) == 2:
        metrics.update({'positiveLabel': str(classes[1]), 'rocAuc': roc_auc_score(truth, probabilities[:, 1]),
                        'prAuc': average_precision_score(truth, probabilities[:, 1])})
    return {k: (float(v) if not isinstance(v, str) else v) for k, v in metrics.items()}


def matrix_feed(rows):
    return {'input': rows.to_numpy(dtype=np.float32)}


def breast_cancer_names():
    from skl2onnx import to_onnx
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.copy()
    train, test = split(frame, 'target')
    features = list(data.feature_names)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pipe.fit(train[features].to_numpy(dtype=np.float32), train['target'])
    model = to_onnx(pipe, initial_types=[('input', FloatTensorType([None, len(features)]))],
                    options={id(pipe): {'zipmap': False}}, target_opset={'': 17, 'ai.onnx.ml': 3})
    save('breast-cancer-names', model, train, test, 'target', matrix_feed,
         "load_breast_cancer with scikit-learn's own column names (spaces); StandardScaler + LogisticRegression by skl2onnx")


def identifier(name):
    replaced = re.sub(r'[^A-Za-z0-9_]', '_', name)
    return '_' + replaced if replaced[:1].isdigit() else replaced


def wine_renamed():
    from skl2onnx import to_onnx
    data = load_wine(as_frame=True)
    frame = data.frame.copy()
    frame['target'] = [data.target_names[t] for t in data.target]
    features = list(data.feature_names)
    train, test = split(frame, 'target')
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pipe.fit(train[features].to_numpy(dtype=np.float32), train['target'])
    types = [(identifier(f), FloatTensorType([None, 1])) for f in features]
    model = to_onnx(pipe, initial_types=types, options={id(pipe): {'zipmap': False}},
                    target_opset={'': 17, 'ai.onnx.ml': 3})

    def feed(rows):
        return {identifier(f): rows[[f]].to_numpy(dtype=np.float32) for f in features}

    save('wine-renamed', model, train, test, 'target', feed,
         'load_wine; one [N, 1] input per column by skl2onnx, input names with / replaced by _ (the CSV keeps the originals)')


def xgboost_binary():
    from onnxmltools import convert_xgboost
    from onnxmltools.convert.common.data_types import FloatTensorType as MlFloatTensorType
    from xgboost import XGBClassifier
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.copy()
    train, test = split(frame, 'target')
    features = list(data.feature_names)
    clf = XGBClassifier(n_estimators=20, max_depth=3, learning_rate=0.3, random_state=0, n_jobs=1)
    clf.fit(train[features].to_numpy(dtype=np.float32), train['target'])
    model = convert_xgboost(clf, initial_types=[("input", MlFloatTensorType([None, len(features)]))], target_opset=15)
    save('xgboost-binary', model, train, test, 'target', matrix_feed,
         'load_breast_cancer; XGBClassifier(20 trees, depth 3) converted by onnxmltools')


def multi_output_regression():
    """load_linnerud (3 features, 3 targets Weight, Waist, Pulse): a LinearRegression whose output is [N, 3], served
    as a multi-output regression (`init --target Weight,Waist,Pulse`), and a RandomForestRegressor that skl2onnx
    declares [N, 1] but that returns [N, 3], which init must report. linnerud has 20 rows: train.csv holds them all
    (the model is fitted on all of them, as before), test.csv the last 8, expected.json Python onnxruntime's values
    on those and scikit-learn's MAE, RMSE and R² per target on test.csv."""
    from skl2onnx import to_onnx
    from sklearn.datasets import load_linnerud
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
    data = load_linnerud(as_frame=True)
    frame = pd.concat([data.data, data.target], axis=1)
    folder = example_dir('multi-output-regression')
    write_csv(os.path.join(folder, 'train.csv'), frame)
    test = frame.tail(8)
    write_csv(os.path.join(folder, 'test.csv'), test)
    x = data.data.to_numpy(dtype=np.float32)
    y = data.target.to_numpy(dtype=np.float32)
    types = [('input', FloatTensorType([None, x.shape[1]]))]
    for file, estimator in (('model.onnx', LinearRegression()),
                            ('forest-declared-one-column.onnx', RandomForestRegressor(n_estimators=5, max_depth=3, random_state=0))):
        model = to_onnx(estimator.fit(x, y), initial_types=types, target_opset={'': 17, 'ai.onnx.ml': 3})
        model = canonical_opsets(model)
        model.graph.name = file.split('.')[0]
        onnx.save_model(model, os.path.join(folder, file))
        out = session(os.path.join(folder, file)).get_outputs()[0]
        print(f'multi-output-regression/{file}: output {out.name} declared {out.shape}')
    path = os.path.join(folder, 'model.onnx')
    features, targets = list(data.data.columns), list(data.target.columns)
    sess = session(path)
    values = sess.run(None, {'input': test[features].to_numpy(dtype=np.float32)})[0]
    truth = test[targets].to_numpy(dtype=np.float64)
    predicted = values.astype(np.float64)
    per_target = {t: {'mae': float(mean_absolute_error(truth[:, i], predicted[:, i])),
                      'rmse': float(np.sqrt(mean_squared_error(truth[:, i], predicted[:, i]))),
                      'r2': float(r2_score(truth[:, i], predicted[:, i]))} for i, t in enumerate(targets)}
    write_json(os.path.join(folder, 'expected.json'), {
        'note': 'load_linnerud; LinearRegression on 3 targets by skl2onnx, output "variable" [N, 3]',
        'versions': versions(*PACKAGES),
        'modelSha256': sha256(path),
        'targets': targets,
        'inputs': [{'name': i.name, 'type': i.type, 'shape': i.shape} for i in sess.get_inputs()],
        'instances': instances(test, features),
        'onnxruntime': [{t: float(row[i]) for i, t in enumerate(targets)} for row in values],
        'sklearnMetrics': {'perTarget': per_target},
    })


if __name__ == '__main__':
    from skl2onnx.common.data_types import FloatTensorType
    breast_cancer_names()
    wine_renamed()
    xgboost_binary()
    multi_output_regression()
