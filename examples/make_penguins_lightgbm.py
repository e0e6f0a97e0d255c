"""penguins-lightgbm: a small LightGBM gradient-boosted tree classifier on the four Palmer penguin measurements,
converted by skl2onnx with onnxmltools' LightGBM converter registered (update_registered_converter) and
options={'zipmap': False}, so the graph has plain tensor outputs and the current manifest format describes it
(model.json). (onnxmltools.convert_lightgbm(..., zipmap=False) directly gives the same tree ensemble but declares
the label output with shape [1] instead of [N], and onnxruntime warns on every batch; and it accepts opset <= 15.)

Run from the repository root, in the examples venv (see examples/README.md):

    python examples/make_penguins_lightgbm.py

Writes examples/penguins-lightgbm/{model.onnx, model.json, train.csv, test.csv, expected.json}.

Same rows and split as penguins-sklearn (make_penguins_sklearn.split()): 258 train, 86 test, same order.
Features: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g (float32 input `input` [N, 4]);
island and sex are not used (the manifest has no string or categorical features yet).

Missing values. LightGBM itself handles NaN (use_missing=True: each split learns which side a missing value
goes to, but only when the training data has NaN for that feature; otherwise NaN is treated as 0 at prediction).
The converted TreeEnsemble has the same missing-value tracks. We do not rely on either: the serving runtime fills a
missing feature per the manifest (`"missing": "mean"` with `"mean"` = the training-split mean), so training fills
NaN with that same mean first, and the graph never sees a NaN. Two training rows lack all four measurements; the
test split has none (its two incomplete rows lack only sex, which this model does not use).

Float precision. LightGBM trains and compares in float64; the ONNX TreeEnsemble compares float32 inputs with
float32 thresholds. LightGBM is trained on the raw float64 values (as a Python user would), and its thresholds then
sit just above a data value (42.20000000000001 for 42.2), which float32 rounds consistently: the graph fed float32
matches LightGBM fed the raw float64 values within 2e-7 on every train and test row. (Training on float32-rounded
values instead puts a threshold at 42.19999885559083, which float32 rounds up onto 42.2: one test row then moves
to the other branch and a probability differs by 0.04.) LightGBM fed the float32-rounded values is NOT the
reference here, for the same reason; its difference is recorded in expected.json.
"""
import numpy as np
import onnx
from lightgbm import LGBMClassifier
from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
from skl2onnx import convert_sklearn, update_registered_converter
from skl2onnx.common.data_types import FloatTensorType
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes

from common import canonical_opsets, example_dir, instances, session, sha256, signature, versions, write_csv, write_json
from make_penguins_sklearn import NUMERIC, TARGET, split

NAME = 'penguins-lightgbm'
FEATURES = NUMERIC
EXPECTED_ROWS = 15
TARGET_OPSET = {'': 17, 'ai.onnx.ml': 3}  # skl2onnx keeps the lowest versions that suffice; IR version 8
PACKAGES = ('lightgbm', 'onnxmltools', 'scikit-learn', 'onnx', 'onnxruntime', 'numpy', 'pandas', 'palmerpenguins')
PARAMS = dict(n_estimators=20, max_depth=3, num_leaves=8, learning_rate=0.3, min_child_samples=10,
              random_state=0, n_jobs=1, deterministic=True, force_row_wise=True, verbose=-1)
DESCRIPTIONS = {'bill_length_mm': 'bill (culmen) length (mm)', 'bill_depth_mm': 'bill (culmen) depth (mm)',
                'flipper_length_mm': 'flipper length (mm)', 'body_mass_g': 'body mass (g)'}


def main():
    np.random.seed(0)  # nothing should depend on it
    train, test = split()
    labels = sorted(train[TARGET].unique())
    assert labels == ['Adelie', 'Chinstrap', 'Gentoo']
    means = train[FEATURES].mean(axis=0, skipna=True).astype(np.float64)  # the manifest's fill values

    def matrix(frame):
        """Missing values filled with the training mean (as the runtime will), float64 raw values."""
        return frame[FEATURES].fillna(means).to_numpy(dtype=np.float64)

    y_train = np.array([labels.index(v) for v in train[TARGET]], dtype=np.int64)  # classes 0..2 in label order
    model = LGBMClassifier(**PARAMS).fit(matrix(train), y_train)
    assert list(model.classes_) == [0, 1, 2]
    update_registered_converter(LGBMClassifier, 'LightGbmLGBMClassifier', calculate_linear_classifier_output_shapes,
                                convert_lightgbm, options={'nocl': [True, False], 'zipmap': [True, False, 'columns']})

    # --- ONNX ---------------------------------------------------------------------------------------------------
    onx = convert_sklearn(model, name='penguins_lightgbm', initial_types=[('input', FloatTensorType([None, 4]))],
                          options={'zipmap': False}, target_opset=TARGET_OPSET)
    onx.doc_string = ('Palmer penguins species: LightGBM 20 rounds x 3 classes, depth 3; input [N, 4] raw '
                      'measurements (missing filled with the training mean); outputs label int64 (index into '
                      'Adelie, Chinstrap, Gentoo) and probabilities [N, 3]')
    canonical_opsets(onx)
    out = example_dir(NAME)
    model_path = f'{out}/model.onnx'
    onnx.save(onx, model_path)
    onx = onnx.load(model_path)
    onnx.checker.check_model(onx, full_check=True)

    # --- the graph vs LightGBM on the whole test split ----------------------------------------------------------
    sess = session(model_path)
    sig = signature(sess)
    assert [o['name'] for o in sig['outputs']] == ['label', 'probabilities'], sig
    diff = 0.0
    for frame in (train, test):  # every row, not only the test split
        g_label, g_proba = sess.run(None, {'input': matrix(frame).astype(np.float32)})
        diff = max(diff, float(np.max(np.abs(g_proba.astype(np.float64) - model.predict_proba(matrix(frame))))))
        assert np.array_equal(g_label, model.predict(matrix(frame))), 'graph label differs from LightGBM'
        assert np.array_equal(g_label, g_proba.argmax(axis=1)), 'label is not the argmax of probabilities'
    assert diff < 1e-5, f'graph vs LightGBM predict_proba differ by {diff}'
    x_test = matrix(test)
    graph_label, graph_proba = sess.run(None, {'input': x_test.astype(np.float32)})
    assert graph_label.dtype == np.int64 and graph_proba.dtype == np.float32 and graph_proba.shape == (len(test), 3)
    lgb_proba, lgb_label = model.predict_proba(x_test), model.predict(x_test)
    # LightGBM fed the float32-rounded values: not the reference (see the docstring), recorded for the record.
    f32_diff = float(np.max(np.abs(model.predict_proba(x_test.astype(np.float32).astype(np.float64)) - lgb_proba)))
    truth = np.array([labels.index(v) for v in test[TARGET]])
    accuracy = float(np.mean(graph_label == truth))

    # --- CSVs (features then species; empty cell = missing) -----------------------------------------------------
    write_csv(f'{out}/train.csv', train[FEATURES + [TARGET]])
    write_csv(f'{out}/test.csv', test[FEATURES + [TARGET]])

    # --- manifest (current format) ------------------------------------------------------------------------------
    mins = np.minimum(train[FEATURES].min(), test[FEATURES].min())
    assert (mins > 0).all()
    features = [{'name': f, 'type': 'number', 'description': DESCRIPTIONS[f], 'min': 0,
                 'mean': float(means[f]), 'missing': 'mean'} for f in FEATURES]
    write_json(f'{out}/model.json', {
        'schemaVersion': 1,
        'name': NAME,
        'version': '1.0.0',
        'task': 'multiclass-classification',
        'description': ('palmerpenguins (344 rows, CC0); LightGBM LGBMClassifier, 20 rounds, depth 3, 8 leaves, on '
                        'the four raw measurements (no scaling; missing values filled with the training mean); '
                        f'test accuracy {accuracy:.3f} on {len(test)} held-out rows'),
        'input': {'tensor': 'input', 'features': features},
        'output': {'probabilities': 'probabilities', 'labels': labels},
        'evaluation': {'data': 'test.csv', 'target': TARGET},
    })

    # --- expected.json ------------------------------------------------------------------------------------------
    k = EXPECTED_ROWS
    write_json(f'{out}/expected.json', {
        'rows': k,
        'note': ('instances: the first rows of test.csv (raw values; none is missing). float32Predictions: '
                 'model.onnx run by Python onnxruntime on the raw values as float32 (missing would be filled with '
                 'the manifest mean first): `label` is the graph\'s int64 label output (index into classLabels) '
                 'shown as its label, `probabilities` the [N, 3] float32 output. predictions: LightGBM\'s own '
                 'predict_proba on the raw float64 values. Compare within 1e-5. The graph matches LightGBM within '
                 'maxAbsDiffGraphVsLightgbm on every train and test row.'),
        'versions': versions(*PACKAGES),
        'modelSha256': sha256(model_path),
        'signature': sig,
        'classLabels': labels,
        'fillValues': {f: float(means[f]) for f in FEATURES},
        'lightgbmParams': PARAMS,
        'instances': instances(test.loc[:k - 1, FEATURES], FEATURES),
        'predictions': [{'label': labels[int(l)], 'probabilities': dict(zip(labels, map(float, p)))}
                        for l, p in zip(lgb_label[:k], lgb_proba[:k])],
        'float32Predictions': [{'label': labels[int(l)], 'labelIndex': int(l),
                                'probabilities': dict(zip(labels, map(float, p)))}
                               for l, p in zip(graph_label[:k], graph_proba[:k])],
        'testAccuracy': accuracy,
        'maxAbsDiffGraphVsLightgbm': diff,
        'maxAbsDiffLightgbmFedFloat32RoundedVsRawInput': f32_diff,
    })
    print(f'{NAME}: accuracy {accuracy:.4f}, graph vs LightGBM {diff:.1e} (LightGBM fed float32 {f32_diff:.1e}), '
          f'{model_path} {len(onx.SerializeToString())} bytes')
    for kind in ('inputs', 'outputs'):
        for v in sig[kind]:
            print(f"  {kind[:-1]} {v['name']}: {v['type']} {v['shape']}")


if __name__ == '__main__':
    main()
