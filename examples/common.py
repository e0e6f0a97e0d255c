"""Helpers shared by the example scripts (make_*.py, make_train_csv.py, reference_metrics.py).

Nothing here depends on time, the machine or the working directory: every path is relative to this file.
"""
import hashlib
import json
import os
from importlib import metadata

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))

# The split convention of train.py: 75 % train / 25 % test, random_state 42, stratified for classifiers.
TEST_SIZE = 0.25
SPLIT_SEED = 42


def example_dir(name):
    path = os.path.join(HERE, name)
    os.makedirs(path, exist_ok=True)
    return path


def write_json(path, obj):
    """Pretty JSON with a trailing newline; NaN/Infinity are refused (they are not JSON)."""
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2, allow_nan=False)
        f.write('\n')


def write_csv(path, frame):
    """Raw values, no index, '\\n' line ends, empty cell for a missing value (NaN or None)."""
    frame.to_csv(path, index=False, lineterminator='\n', na_rep='')


def read_csv(path, string_columns=()):
    """Reads a CSV written by write_csv: an empty cell is missing (NaN for numbers, None for strings), and no
    other text ('NA', 'null', 'nan', ...) is taken as missing."""
    dtype = {c: object for c in string_columns}
    frame = pd.read_csv(path, keep_default_na=False, na_values=[''], dtype=dtype)
    for c in string_columns:
        frame[c] = [None if (isinstance(v, float) and np.isnan(v)) else v for v in frame[c]]
    return frame


def versions(*packages):
    """Exact installed versions of the named distributions, e.g. {'scikit-learn': '1.9.1'}."""
    return {p: metadata.version(p) for p in packages}


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def json_value(v):
    """A raw cell as JSON: None for missing, int for whole numbers stored as ints, float otherwise."""
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return str(v)


def instances(frame, columns):
    """Rows as objects keyed by column, missing values as null."""
    return [{c: json_value(row[c]) for c in columns} for _, row in frame.iterrows()]


def session(path):
    """A single-threaded onnxruntime session (deterministic and polite on a shared 2-core machine)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])


def signature(sess):
    """Inputs and outputs exactly as onnxruntime reports them (name, type, shape)."""
    def describe(values):
        return [{'name': v.name, 'type': v.type, 'shape': [d if d is None or isinstance(d, (int, str)) else str(d)
                                                            for d in v.shape]} for v in values]
    return {'inputs': describe(sess.get_inputs()), 'outputs': describe(sess.get_outputs())}


def softmax64(logits):
    """Softmax over axis 1 in float64 (max subtracted first)."""
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def canonical_opsets(model):
    """Sorts the model's opset imports by domain. Converters collect them in a set or dict keyed by strings, so
    their order follows Python's per-process string hashing (PYTHONHASHSEED) and two runs could write different
    bytes for the same model. The order has no meaning in ONNX."""
    opsets = sorted(((o.domain, o.version) for o in model.opset_import))
    del model.opset_import[:]
    for domain, version in opsets:
        model.opset_import.add(domain=domain, version=version)
    return model
