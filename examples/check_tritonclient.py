"""Checks the runtime with tritonclient's own HTTP client and response parser (not part of `npm test`).

For each example (reference_clients.each_example): starts `modelstack serve` on a free loopback port, sends the
example's test rows with tritonclient.http's default settings (binary tensors in, binary outputs back) and again
with binary_data=False (JSON), decodes the answers with tritonclient's InferResult.as_numpy, and compares them with
Python onnxruntime's answers in the example's expected.json. Exits 1 on the first disagreement.

    scripts/python-venv.sh && .venv-tools/bin/python examples/check_tritonclient.py
"""
import sys

import tritonclient.http as httpclient

from reference_clients import Server, compare, each_example, reference, tensors


def check(example, model_dir, model):
    instances, want = reference(example)
    with Server(model_dir) as server:
        client = httpclient.InferenceServerClient(f'127.0.0.1:{server.port}')
        metadata = client.get_model_metadata(model)
        for binary in (True, False):
            inputs = []
            for name, datatype, array in tensors(metadata, instances):
                tensor = httpclient.InferInput(name, list(array.shape), datatype)
                tensor.set_data_from_numpy(array, binary_data=binary)
                inputs.append(tensor)
            outputs = [httpclient.InferRequestedOutput('label', binary_data=binary),
                       httpclient.InferRequestedOutput('probabilities', binary_data=binary)]
            result = client.infer(model, inputs, outputs=outputs)
            what = f'{example} (binary={binary})'
            diff = compare(what, result.as_numpy('label'), result.as_numpy('probabilities'), want)
            print(f'{example}: tritonclient binary_data={binary}: {len(want)} answers agree (max abs diff {diff:.2e})')


def main():
    each_example(check)
    print('tritonclient agrees with Python onnxruntime on every example')


if __name__ == '__main__':
    sys.exit(main())
