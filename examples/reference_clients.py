"""What the reference-client checks share (check_tritonclient.py, check_kserve.py): the examples they run, the
server they start, and the answers they compare with (Python onnxruntime's, from each example's expected.json).
Not part of `npm test`.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-6


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def modelstack(*args, **kwargs):
    return subprocess.Popen(['npx', 'tsx', os.path.join(ROOT, 'bin', 'modelstack.ts'), *args], cwd=ROOT, **kwargs)


def get_json(base_url, path):
    with urllib.request.urlopen(base_url + path, timeout=5) as answer:
        return json.load(answer)


class Server:
    """`modelstack serve <model_dir>` on a free loopback port, until the `with` block ends."""

    def __init__(self, model_dir):
        self.model_dir = model_dir
        self.port = free_port()
        self.base_url = f'http://127.0.0.1:{self.port}'

    def __enter__(self):
        # Its own process group: npx starts tsx, which starts node; stopping the group stops them all.
        self.proc = modelstack('serve', self.model_dir, '--port', str(self.port), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base_url + '/v2/health/ready', timeout=1).close()
                return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f'modelstack serve {self.model_dir} exited: {self.proc.stderr.read().decode()}')
            time.sleep(0.2)
        raise SystemExit(f'modelstack serve {self.model_dir} did not become ready')

    def __exit__(self, *_):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait()


def reference(example):
    """The example's test instances with no missing value (a tensor has none) and onnxruntime's (label, probabilities)."""
    with open(os.path.join(ROOT, 'examples', example, 'expected.json')) as f:
        expected = json.load(f)
    if 'onnxruntime' in expected:
        want = [(r['label'], r['probabilities']) for r in expected['onnxruntime']]
    else:
        key = 'float32Predictions' if 'float32Predictions' in expected else 'zipmapPredictions'
        want = [(p['label'], list(p['probabilities'].values())) for p in expected[key]]
    kept = [i for i, inst in enumerate(expected['instances']) if None not in inst.values()]
    return [expected['instances'][i] for i in kept], [want[i] for i in kept]


def tensors(metadata, instances):
    """(name, datatype, numpy array) of each tensor to send: the matrix when the model takes one, else one per feature
    named by its identifier (a name any client library accepts as a tensor name), BYTES for category features."""
    if 'tensor' in metadata:
        names = [i['name'] for i in metadata['inputs']]
        matrix = np.array([[inst[n] for n in names] for inst in instances], dtype=np.float32)
        return [(metadata['tensor']['name'], 'FP32', matrix)]
    columns = []
    for feature in metadata['inputs']:
        if feature['datatype'] == 'BYTES':
            column = np.array([str(inst[feature['name']]).encode() for inst in instances], dtype=np.object_)
        else:
            column = np.array([inst[feature['name']] for inst in instances], dtype=np.float32)
        columns.append((feature['id'], feature['datatype'], column))
    return columns


def compare(what, labels, probabilities, want):
    """Exits 1 unless the labels are onnxruntime's and the probabilities within TOLERANCE; returns the largest difference."""
    labels = [v.decode() if isinstance(v, bytes) else str(v) for v in labels]
    if labels != [w[0] for w in want]:
        raise SystemExit(f'{what}: labels {labels} differ from {[w[0] for w in want]}')
    diff = float(np.max(np.abs(np.asarray(probabilities) - np.array([w[1] for w in want]))))
    if diff > TOLERANCE:
        raise SystemExit(f'{what}: probabilities differ by {diff}')
    return diff


def each_example(check):
    """Runs `check(example, model_dir, model_name)` on every example a client should serve: two with their
    manifests, three as exporters made them with the manifest `modelstack init` writes."""
    with tempfile.TemporaryDirectory() as tmp:
        check('breast-cancer', os.path.join(ROOT, 'examples', 'breast-cancer'), 'breast-cancer')
        check('penguins-sklearn', os.path.join(ROOT, 'examples', 'penguins-sklearn', 'served'), 'penguins-sklearn')
        for example in ('breast-cancer-names', 'wine-renamed', 'xgboost-binary'):
            src = os.path.join(ROOT, 'examples', example)
            out = os.path.join(tmp, example)
            init = modelstack('init', os.path.join(src, 'model.onnx'), '--data', os.path.join(src, 'train.csv'),
                              '--target', 'target', '--out', out, stdout=subprocess.DEVNULL)
            if init.wait() != 0:
                raise SystemExit(f'modelstack init {example} failed')
            check(example, out, example)
