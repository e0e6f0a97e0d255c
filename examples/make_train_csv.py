"""Writes train.csv for the three original examples (breast-cancer, iris, diabetes) by reproducing train.py's split.

Nothing is retrained and nothing else is rewritten: model.onnx, model.json, test.csv, expected.json and metrics.json
stay as train.py made them. The split is train_test_split(test_size=0.25, random_state=42), stratified by class
for the classifiers, on the same scikit-learn data sets; it only depends on numpy's RandomState, so it is the same
with this venv's scikit-learn as with the Debian one train.py used. The script proves it before writing anything:

* the test rows it reproduces are the committed test.csv: the same rows in the same order, the same targets, and
  the same values up to one unit in the last place (written the way train.py writes test.csv, they are
  byte-identical for breast-cancer and iris; for diabetes one cell differs, s5 of test row 108: this scikit-learn
  loads 5.366 where scikit-learn 1.2.1 loaded 5.3660000000000005, one ulp apart);
* the mean and population std of its training rows equal every feature's `scale` in the committed model.json
  (within 1e-12 relative: summation order may differ between numpy versions).

Run from the repository root, in the examples venv (see examples/README.md):

    python examples/make_train_csv.py

train.csv has the same format as test.csv: the raw feature values (integer features as integers), then the target
column (the label string for the classifiers, the number for diabetes).
"""
import io
import json
import os
import re

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import train_test_split

from common import HERE, SPLIT_SEED, TEST_SIZE

EXAMPLES = {
    # name: (loader, classifier, target column)
    'breast-cancer': (load_breast_cancer, True, 'diagnosis'),
    'iris': (load_iris, True, 'species'),
    'diabetes': (lambda: load_diabetes(scaled=False), False, 'progression'),
}


def snake(name):
    """As train.py: 'mean radius' -> 'mean_radius'; 'sepal length (cm)' -> 'sepal_length_cm'."""
    return re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')


def as_csv(X, y, names, features, target):
    """A split as train.py writes test.csv."""
    frame = pd.DataFrame(X, columns=names)
    for f in features:
        if f['type'] == 'integer':
            frame[f['name']] = frame[f['name']].round().astype(np.int64)
    frame[target] = y
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator='\n')
    return buffer.getvalue()


def split(name):
    """The train and test rows of one original example, with its manifest: (X_train, y_train, X_test, y_test,
    feature names, manifest). y is given as the label strings for classifiers."""
    loader, classifier, _ = EXAMPLES[name]
    data = loader()
    X, y = data.data, data.target
    names = [snake(n) for n in data.feature_names]
    with open(os.path.join(HERE, name, 'model.json')) as f:
        manifest = json.load(f)
    assert [f['name'] for f in manifest['input']['features']] == names, name
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=y if classifier else None)
    if classifier:
        labels = manifest['output']['labels']
        assert list(data.target_names) == labels, name
        y_train, y_test = np.asarray(labels)[y_train], np.asarray(labels)[y_test]
    return X_train, y_train, X_test, y_test, names, manifest


def main():
    for name, (_, _, target) in EXAMPLES.items():
        X_train, y_train, X_test, y_test, names, manifest = split(name)
        features = manifest['input']['features']
        folder = os.path.join(HERE, name)

        with open(os.path.join(folder, 'test.csv')) as f:
            committed = f.read()
        identical = as_csv(X_test, y_test, names, features, target) == committed
        old = pd.read_csv(io.StringIO(committed))
        assert list(old.columns) == names + [target], name
        assert np.array_equal(old[target].to_numpy(), y_test), f'{name}: test targets not reproduced'
        old_x = old[names].to_numpy(dtype=np.float64)
        ulps = int(np.sum(old_x != X_test))
        assert np.all(np.abs(old_x - X_test) <= np.spacing(np.abs(X_test))), f'{name}: test rows not reproduced'
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)  # StandardScaler: population std
        for i, feature in enumerate(features):
            scale = feature['scale']
            assert np.isclose(mean[i], scale['mean'], rtol=1e-12, atol=0), (name, feature['name'], 'mean')
            assert np.isclose(std[i], scale['std'], rtol=1e-12, atol=0), (name, feature['name'], 'std')

        with open(os.path.join(folder, 'train.csv'), 'w') as f:
            f.write(as_csv(X_train, y_train, names, features, target))
        same = 'byte-identical to' if identical else f'equal to (within 1 ulp in {ulps} cell(s))'
        print(f'{name}: train.csv {len(X_train)} rows; test split {same} test.csv ({len(X_test)} rows); '
              f'training mean/std equal the manifest scale')


if __name__ == '__main__':
    main()
