"""penguins-sklearn: a scikit-learn Pipeline (ColumnTransformer + LogisticRegression) on Palmer penguins, exported
by skl2onnx with its DEFAULT conversion options, so the graph ends in a ZipMap (a sequence of maps) and takes
one input per column, including two string inputs. modelstack refuses such a graph as it is; `modelstack init`
is meant to rewrite it. This is the raw graph that it must fix.

Run from the repository root, in the examples venv (see examples/README.md):

    python examples/make_penguins_sklearn.py

Writes examples/penguins-sklearn/{model.onnx, train.csv, test.csv, expected.json}.

Data: palmerpenguins' own CSV (344 rows; CC0), columns bill_length_mm, bill_depth_mm, flipper_length_mm,
body_mass_g (float), island, sex (string), target species. `year` is dropped. Rows with missing values are kept:
2 rows lack all four measurements and sex, 9 more lack sex. The split is 75/25 with random_state 42,
stratified by species AND by whether the row has a missing value, so that the test split has incomplete rows too.

Missing values, the contract of the graph: a missing number is NaN in its float input, a missing string is the
empty string '' in its string input (skl2onnx's string imputer can only match a string, so the categorical
SimpleImputer is fitted with missing_values=''; the training frame holds '' for a missing island or sex, which is
also what an empty CSV cell is). The numeric SimpleImputer (mean) replaces NaN inside the graph.
"""
import numpy as np
import onnx
import pandas as pd
from palmerpenguins import load_penguins
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from common import (SPLIT_SEED, TEST_SIZE, canonical_opsets, example_dir, instances, session, sha256, signature, versions,
                    write_csv, write_json)

NAME = 'penguins-sklearn'
NUMERIC = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g']
CATEGORICAL = ['island', 'sex']
TARGET = 'species'
FIRST_ROWS = 15  # expected.json: the first 15 test rows, plus every other test row with a missing value
TARGET_OPSET = {'': 17, 'ai.onnx.ml': 3}  # what onnxruntime-node 1.30 runs; IR version 8
PACKAGES = ('scikit-learn', 'skl2onnx', 'onnx', 'onnxruntime', 'numpy', 'pandas', 'palmerpenguins')


def load():
    """The penguins as a frame: floats with NaN for missing numbers, python str with '' for missing strings."""
    df = load_penguins()
    frame = pd.DataFrame({c: df[c].astype(np.float64) for c in NUMERIC})
    for c in CATEGORICAL + [TARGET]:
        frame[c] = np.array([v if isinstance(v, str) else '' for v in df[c]], dtype=object)
    assert (frame[TARGET] != '').all() and (frame['island'] != '').all()
    return frame


def split():
    """The 75/25 split shared by penguins-sklearn and penguins-lightgbm (same rows, same order), stratified by
    species and by whether a row has a missing value."""
    data = load()
    incomplete = data[NUMERIC].isna().any(axis=1) | (data[CATEGORICAL] == '').any(axis=1)
    strata = data[TARGET] + '/' + np.where(incomplete, 'incomplete', 'complete')
    train, test = train_test_split(data, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=strata)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def pipeline():
    numeric = Pipeline([('impute', SimpleImputer(strategy='mean')), ('scale', StandardScaler())])
    categorical = Pipeline([('impute', SimpleImputer(strategy='most_frequent', missing_values='')),
                            ('onehot', OneHotEncoder(handle_unknown='ignore'))])
    pre = ColumnTransformer([('numeric', numeric, NUMERIC), ('categorical', categorical, CATEGORICAL)])
    return Pipeline([('prepare', pre), ('classify', LogisticRegression(C=1.0, max_iter=1000))])


def feeds(frame):
    """One [N, 1] input per column: float32 (NaN = missing) or string ('' = missing)."""
    f = {c: frame[[c]].to_numpy(dtype=np.float32) for c in NUMERIC}
    f.update({c: frame[[c]].to_numpy(dtype=object).astype(str).astype(object) for c in CATEGORICAL})
    return f


def zipmap_details(model):
    """The ZipMap node's input tensor (the plain probabilities) and its class labels, and the label output."""
    zipmaps = [n for n in model.graph.node if n.op_type == 'ZipMap']
    assert len(zipmaps) == 1, 'expected exactly one ZipMap'
    zm = zipmaps[0]
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in zm.attribute}
    labels = [s.decode() for s in attrs['classlabels_strings']]
    return zm, labels


def probabilities_tensor(model, tensor, frame):
    """Runs a copy of the graph (in memory only) that also returns the ZipMap's input tensor."""
    import onnxruntime as ort
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    copy.graph.output.append(onnx.helper.make_tensor_value_info(tensor, onnx.TensorProto.FLOAT, [None, None]))
    sess = ort.InferenceSession(copy.SerializeToString(), providers=['CPUExecutionProvider'])
    return sess.run([tensor], feeds(frame))[0]


def main():
    np.random.seed(0)  # nothing should depend on it
    train, test = split()

    pipe = pipeline().fit(train[NUMERIC + CATEGORICAL], train[TARGET])
    clf = pipe.named_steps['classify']
    assert np.max(clf.n_iter_) < clf.max_iter, 'LogisticRegression did not converge'
    labels = [str(c) for c in clf.classes_]

    # --- ONNX: skl2onnx, default options (ZipMap on), one input per column ------------------------------------
    initial_types = ([(c, FloatTensorType([None, 1])) for c in NUMERIC]
                     + [(c, StringTensorType([None, 1])) for c in CATEGORICAL])
    onx = convert_sklearn(pipe, name='penguins_sklearn', initial_types=initial_types, target_opset=TARGET_OPSET,
                          doc_string='Palmer penguins species: skl2onnx Pipeline(ColumnTransformer, '
                                     'LogisticRegression), default options (ZipMap)')
    canonical_opsets(onx)
    out = example_dir(NAME)
    model_path = f'{out}/model.onnx'
    onnx.save(onx, model_path)
    onx = onnx.load(model_path)  # check what was written
    onnx.checker.check_model(onx, full_check=True)
    zipmap, zip_labels = zipmap_details(onx)
    assert zip_labels == labels, (zip_labels, labels)

    # --- the graph vs sklearn on the whole test split ----------------------------------------------------------
    sess = session(model_path)
    sig = signature(sess)
    assert [o['name'] for o in sig['outputs']] == ['output_label', 'output_probability'], sig
    graph_label, graph_maps = sess.run(None, feeds(test))
    graph_proba = np.array([[m[lab] for lab in labels] for m in graph_maps], dtype=np.float64)
    sk_proba = pipe.predict_proba(test[NUMERIC + CATEGORICAL])
    sk_label = pipe.predict(test[NUMERIC + CATEGORICAL])
    diff = float(np.max(np.abs(graph_proba - sk_proba)))
    assert diff < 1e-5, f'graph vs predict_proba differ by {diff}'
    assert list(graph_label) == list(sk_label), 'graph label differs from sklearn'
    assert list(graph_label) == [labels[i] for i in graph_proba.argmax(axis=1)], 'label is not the argmax'
    plain = probabilities_tensor(onx, zipmap.input[0], test)
    assert np.array_equal(plain.astype(np.float64), graph_proba), 'ZipMap changed the values'
    accuracy = float(np.mean(graph_label == test[TARGET].to_numpy()))

    # --- CSVs: raw values, empty cell for missing, target last --------------------------------------------------
    columns = NUMERIC + CATEGORICAL + [TARGET]
    write_csv(f'{out}/train.csv', train[columns])
    write_csv(f'{out}/test.csv', test[columns])

    # --- expected.json ------------------------------------------------------------------------------------------
    test_incomplete = test[NUMERIC].isna().any(axis=1) | (test[CATEGORICAL] == '').any(axis=1)
    missing_rows = [i for i in range(FIRST_ROWS, len(test)) if test_incomplete[i]]
    rows = list(range(FIRST_ROWS)) + missing_rows
    shown = test.loc[rows, NUMERIC + CATEGORICAL].copy()
    for c in CATEGORICAL:
        shown[c] = [v if v != '' else None for v in shown[c]]
    inst = instances(shown, NUMERIC + CATEGORICAL)
    assert any(v is None for row in inst for v in row.values()), 'no instance has a missing value'

    def maps(frame):
        lab, mp = sess.run(None, feeds(frame))
        return [{'label': str(l), 'probabilities': {k: float(m[k]) for k in labels}} for l, m in zip(lab, mp)]

    # Rows of train.csv whose measurements are missing: the test split has none, these show NaN inputs.
    nan_rows = train.index[train[NUMERIC].isna().any(axis=1)].tolist()
    nan_frame = train.loc[nan_rows, NUMERIC + CATEGORICAL].copy()
    for c in CATEGORICAL:
        nan_frame[c] = [v if v != '' else None for v in nan_frame[c]]
    num_imp = pipe.named_steps['prepare'].named_transformers_['numeric'].named_steps['impute']
    cat_imp = pipe.named_steps['prepare'].named_transformers_['categorical'].named_steps['impute']
    onehot = pipe.named_steps['prepare'].named_transformers_['categorical'].named_steps['onehot']
    write_json(f'{out}/expected.json', {
        'rows': len(rows),
        'note': (f'instances: test.csv rows {rows} (0-based, header excluded): the first {FIRST_ROWS} rows plus '
                 f'every later test row with a missing value; null = missing (sex in rows {missing_rows}). '
                 'Feed each column as its own [N, 1] input: numbers as float32 with NaN for a missing value, '
                 "strings with '' for a missing value. zipmapPredictions: this model.onnx run by Python "
                 'onnxruntime (output_label and the output_probability map). sklearnPredictions: the sklearn '
                 'Pipeline (float64). Compare probabilities within 1e-5.'),
        'versions': versions(*PACKAGES),
        'modelSha256': sha256(model_path),
        'signature': sig,
        'inputs': [{'name': c, 'type': 'float32', 'shape': ['N', 1], 'missing': 'NaN'} for c in NUMERIC]
                  + [{'name': c, 'type': 'string', 'shape': ['N', 1], 'missing': "''"} for c in CATEGORICAL],
        'zipmap': {'node': zipmap.name, 'input': zipmap.input[0], 'output': zipmap.output[0],
                   'inputShape': list(plain.shape[1:]), 'inputType': 'float32'},
        'labelOutput': {'name': 'output_label', 'type': 'string'},
        'classLabels': labels,
        'imputer': {'numericMean': dict(zip(NUMERIC, map(float, num_imp.statistics_))),
                    'categoricalMostFrequent': dict(zip(CATEGORICAL, map(str, cat_imp.statistics_)))},
        'categories': {
            'note': ("the OneHotEncoder's categories (handle_unknown='ignore'): any other string, after the imputer, "
                     'is encoded as all zeros and still gets a prediction; the graph never refuses a value'),
            **{c: [str(v) for v in cats] for c, cats in zip(CATEGORICAL, onehot.categories_)},
        },
        'instances': inst,
        'zipmapPredictions': maps(test.loc[rows]),
        'sklearnPredictions': [{'label': str(l), 'probabilities': dict(zip(labels, map(float, p)))}
                               for l, p in zip(sk_label[rows], sk_proba[rows])],
        'trainInstancesWithMissingNumbers': {
            'note': f'train.csv rows {nan_rows} (0-based): all four measurements and sex missing',
            'instances': instances(nan_frame, NUMERIC + CATEGORICAL),
            'zipmapPredictions': maps(train.loc[nan_rows]),
        },
        'testAccuracy': accuracy,
        'maxAbsDiffGraphVsSklearn': diff,
    })
    print(f'{NAME}: {len(train)} train / {len(test)} test rows, accuracy {accuracy:.4f}, graph vs sklearn '
          f'{diff:.1e}, ZipMap input {zipmap.input[0]!r}, {model_path} {len(onx.SerializeToString())} bytes')
    for kind in ('inputs', 'outputs'):
        for v in sig[kind]:
            print(f"  {kind[:-1]} {v['name']}: {v['type']} {v['shape']}")


if __name__ == '__main__':
    main()
