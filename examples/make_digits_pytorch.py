"""digits-pytorch: a small PyTorch MLP (64 -> 32 ReLU -> 10) on scikit-learn's load_digits (8x8 images of
handwritten digits, 1,797 rows, pixel values 0-16), exported by torch.onnx.export (the dynamo exporter) with a
dynamic batch axis. The graph outputs raw logits: there is NO softmax in it; the runtime is meant to apply one
(manifest: "output": {"logits": "logits", "activation": "softmax", "labels": ["0", ..., "9"]}).

Run from the repository root, in the examples venv (see examples/README.md):

    python examples/make_digits_pytorch.py

Writes examples/digits-pytorch/{model.onnx, model.json, train.csv, test.csv, expected.json}.

Input: `input` float32 [batch, 64], the raw pixel values 0-16 in row-major order (pixel_0 .. pixel_63). The graph
divides by 16 itself (the manifest's per-feature scaling cannot be used: several pixels are always 0 in training,
so their std is 0). Split as train.py: 75/25, random_state 42, stratified by digit.

Deterministic: torch.manual_seed(0), torch.use_deterministic_algorithms(True), one thread, full-batch training
in float32 on the CPU, and the weights are saved inside model.onnx (external_data=False).
"""
import os

import numpy as np
import onnx
import pandas as pd
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

from common import (SPLIT_SEED, TEST_SIZE, canonical_opsets, example_dir, instances, session, sha256, signature,
                    softmax64, versions, write_csv, write_json)

NAME = 'digits-pytorch'
TARGET = 'digit'
LABELS = [str(d) for d in range(10)]
FEATURES = [f'pixel_{i}' for i in range(64)]
EXPECTED_ROWS = 10
EPOCHS = 200
PACKAGES = ('torch', 'onnxscript', 'onnx', 'onnxruntime', 'scikit-learn', 'numpy', 'pandas')


class DigitsMLP(nn.Module):
    """x / 16 -> Linear(64, 32) -> ReLU -> Linear(32, 10) = logits."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(64, 32)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x / 16.0)))


def train(x, y):
    torch.manual_seed(0)
    model = DigitsMLP()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(EPOCHS):  # full batch: no shuffling, nothing random after the initial weights
        optimizer.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        optimizer.step()
    model.eval()
    return model, float(loss.detach())


def strip_debug_metadata(model):
    """The dynamo exporter annotates every node and value with metadata_props (pkg.torch.onnx.stack_trace with the
    absolute path of this script and of torch in the venv, fx node text, name scopes). They are debugging aids that
    change with the checkout location, so they are removed; the graph itself is untouched."""
    def clear(items):
        for item in items:
            del item.metadata_props[:]
    clear([model, model.graph])
    clear(model.graph.node)
    clear(model.graph.input)
    clear(model.graph.output)
    clear(model.graph.value_info)
    clear(model.graph.initializer)
    return model


def main():
    np.random.seed(0)  # nothing should depend on it
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    digits = load_digits()
    X, y = digits.data, digits.target
    assert X.shape == (1797, 64) and X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=SPLIT_SEED,
                                                        stratify=y)
    model, final_loss = train(X_train.astype(np.float32), y_train.astype(np.int64))

    # --- ONNX ---------------------------------------------------------------------------------------------------
    out = example_dir(NAME)
    model_path = f'{out}/model.onnx'
    example = torch.from_numpy(X_test[:2].astype(np.float32))
    program = torch.onnx.export(model, (example,), input_names=['input'], output_names=['logits'],
                                dynamic_shapes={'x': {0: torch.export.Dim('batch')}}, dynamo=True,
                                external_data=False, verbose=False)
    onx = strip_debug_metadata(canonical_opsets(program.model_proto))
    onnx.save(onx, model_path)
    assert not os.path.exists(model_path + '.data')
    onx = onnx.load(model_path)
    onnx.checker.check_model(onx, full_check=True)
    assert not any(n.op_type in ('Softmax', 'LogSoftmax') for n in onx.graph.node), 'no softmax in the graph'

    # --- the graph vs torch on the whole test split -------------------------------------------------------------
    sess = session(model_path)
    sig = signature(sess)
    x_test = X_test.astype(np.float32)
    (logits,) = sess.run(['logits'], {'input': x_test})
    with torch.no_grad():
        torch_logits = model(torch.from_numpy(x_test)).numpy()
    assert logits.dtype == np.float32 and logits.shape == (len(X_test), 10)
    diff = float(np.max(np.abs(logits.astype(np.float64) - torch_logits)))
    rel = float(np.max(np.abs(logits.astype(np.float64) - torch_logits) / np.maximum(1, np.abs(torch_logits))))
    assert rel < 1e-5, f'graph vs torch logits differ by {diff} (relative {rel})'
    proba, torch_proba = softmax64(logits), softmax64(torch_logits)
    proba_diff = float(np.max(np.abs(proba - torch_proba)))
    assert proba_diff < 1e-5
    pred = logits.argmax(axis=1)
    assert np.array_equal(pred, torch_logits.argmax(axis=1)), 'graph changes a predicted digit'
    accuracy = float(np.mean(pred == y_test))

    # --- CSVs ---------------------------------------------------------------------------------------------------
    def frame(x, target):
        f = pd.DataFrame(x.astype(np.int64), columns=FEATURES)
        f[TARGET] = target.astype(np.int64)
        return f
    write_csv(f'{out}/train.csv', frame(X_train, y_train))
    write_csv(f'{out}/test.csv', frame(X_test, y_test))

    # --- manifest: raw logits, the runtime applies the softmax ----------------------------------------------------
    write_json(f'{out}/model.json', {
        'schemaVersion': 1,
        'name': NAME,
        'version': '1.0.0',
        'task': 'multiclass-classification',
        'description': ('scikit-learn load_digits (8x8 handwritten digits, 1797 rows, pixel values 0-16); PyTorch '
                        'MLP 64-32-10 (ReLU), input raw pixels (the graph divides by 16), output raw logits; '
                        f'test accuracy {accuracy:.3f} on {len(X_test)} held-out rows'),
        'input': {'tensor': 'input',
                  'features': [{'name': f, 'type': 'integer', 'min': 0, 'max': 16, 'missing': 'reject'}
                               for f in FEATURES]},
        'output': {'logits': 'logits', 'activation': 'softmax', 'labels': LABELS},
        'evaluation': {'data': 'test.csv', 'target': TARGET},
    })

    # --- expected.json ------------------------------------------------------------------------------------------
    k = EXPECTED_ROWS
    write_json(f'{out}/expected.json', {
        'rows': k,
        'note': ('instances: the first rows of test.csv (raw pixel values 0-16). float32Predictions: `logits` is '
                 'model.onnx run by Python onnxruntime on the pixels as float32; `probabilities` the softmax of '
                 'those float32 logits computed in float64 (max subtracted first); `label` the argmax, as a '
                 'string. torchLogits: the PyTorch module in float32. Compare probabilities within 1e-5 and '
                 'logits within 1e-5 * max(1, |logit|).'),
        'versions': versions(*PACKAGES),
        'modelSha256': sha256(model_path),
        'signature': sig,
        'opset': {o.domain or 'ai.onnx': o.version for o in onx.opset_import},
        'irVersion': onx.ir_version,
        'labels': LABELS,
        'instances': instances(frame(X_test[:k], y_test[:k])[FEATURES], FEATURES),
        'float32Predictions': [{'label': LABELS[int(np.argmax(p))], 'logits': [float(v) for v in z],
                                'probabilities': dict(zip(LABELS, map(float, p)))}
                               for z, p in zip(logits[:k], proba[:k])],
        'torchLogits': [[float(v) for v in z] for z in torch_logits[:k]],
        'testAccuracy': accuracy,
        'finalTrainingLoss': final_loss,
        'maxAbsDiffGraphVsTorchLogits': diff,
        'maxAbsDiffGraphVsTorchSoftmax': proba_diff,
    })
    print(f'{NAME}: accuracy {accuracy:.4f}, final training loss {final_loss:.4f}, graph vs torch logits '
          f'{diff:.1e}, {model_path} {os.path.getsize(model_path)} bytes')
    for kind in ('inputs', 'outputs'):
        for v in sig[kind]:
            print(f"  {kind[:-1]} {v['name']}: {v['type']} {v['shape']}")


if __name__ == '__main__':
    main()
