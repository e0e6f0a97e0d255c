"""Checks the runtime with tritonclient's own HTTP client and response parser (not part of `npm test`).

For each case: runs `modelstack init` where the example has no manifest, starts `modelstack serve` on a free
loopback port, sends the example's first test rows with tritonclient.http's default settings (binary tensors in,
binary outputs back) and again with binary_data=False (JSON), decodes the answers with tritonclient's
InferResult.as_numpy, and compares them with Python onnxruntime's answers in the example's expected.json.
Exits 1 on the first disagreement.

    scripts/python-venv.sh && .venv-tools/bin/python examples/check_tritonclient.py
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np
import tritonclient.http as httpclient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-6


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def modelstack(*args, **kwargs):
    return subprocess.Popen(['npx', 'tsx', os.path.join(ROOT, 'bin', 'modelstack.ts'), *args], cwd=ROOT, **kwargs)


def serve(model_dir):
    port = free_port()
    # Its own process group: npx starts tsx, which starts node; stopping the group stops them all.
    proc = modelstack('serve', model_dir, '--port', str(port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                      start_new_session=True)
    client = httpclient.InferenceServerClient(f'127.0.0.1:{port}')
    for _ in range(300):
        try:
            if client.is_server_ready():
                return proc, client
        except Exception:
            pass
        if proc.poll() is not None:
            raise SystemExit(f'modelstack serve {model_dir} exited: {proc.stderr.read().decode()}')
        time.sleep(0.2)
    raise SystemExit(f'modelstack serve {model_dir} did not become ready')


def reference(example):
    with open(os.path.join(ROOT, 'examples', example, 'expected.json')) as f:
        expected = json.load(f)
    if 'onnxruntime' in expected:
        return expected['instances'], [(r['label'], r['probabilities']) for r in expected['onnxruntime']]
    key = 'float32Predictions' if 'float32Predictions' in expected else 'zipmapPredictions'
    return expected['instances'], [(p['label'], list(p['probabilities'].values())) for p in expected[key]]


def inputs_for(client, model, instances, binary):
    metadata = client.get_model_metadata(model)
    rows = len(instances)
    if 'tensor' in metadata:
        names = [i['name'] for i in metadata['inputs']]
        matrix = np.array([[inst[n] for n in names] for inst in instances], dtype=np.float32)
        tensor = httpclient.InferInput(metadata['tensor']['name'], list(matrix.shape), 'FP32')
        tensor.set_data_from_numpy(matrix, binary_data=binary)
        return [tensor]
    tensors = []
    for feature in metadata['inputs']:
        if feature['datatype'] == 'BYTES':
            column = np.array([str(inst[feature['name']]).encode() for inst in instances], dtype=np.object_)
        else:
            column = np.array([inst[feature['name']] for inst in instances], dtype=np.float32)
        # The feature's identifier: a name any client library accepts as a tensor name.
        tensor = httpclient.InferInput(feature['id'], [rows], feature['datatype'])
        tensor.set_data_from_numpy(column, binary_data=binary)
        tensors.append(tensor)
    return tensors


def check(example, model_dir, model):
    instances, want = reference(example)
    # A tensor has no missing values: rows with one (penguins) are left out.
    kept = [i for i, inst in enumerate(instances) if None not in inst.values()]
    instances, want = [instances[i] for i in kept], [want[i] for i in kept]
    proc, client = serve(model_dir)
    try:
        for binary in (True, False):
            outputs = [httpclient.InferRequestedOutput('label', binary_data=binary),
                       httpclient.InferRequestedOutput('probabilities', binary_data=binary)]
            result = client.infer(model, inputs_for(client, model, instances, binary), outputs=outputs)
            labels = [v.decode() if isinstance(v, bytes) else str(v) for v in result.as_numpy('label')]
            probabilities = result.as_numpy('probabilities')
            if labels != [w[0] for w in want]:
                raise SystemExit(f'{example} (binary={binary}): labels {labels} differ from {[w[0] for w in want]}')
            diff = float(np.max(np.abs(probabilities - np.array([w[1] for w in want]))))
            if diff > TOLERANCE:
                raise SystemExit(f'{example} (binary={binary}): probabilities differ by {diff}')
            print(f'{example}: tritonclient binary_data={binary}: {len(labels)} answers agree (max abs diff {diff:.2e})')
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()


def main():
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
    print('tritonclient agrees with Python onnxruntime on every example')


if __name__ == '__main__':
    sys.exit(main())
