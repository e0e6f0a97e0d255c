"""Checks the runtime with KServe's own v2 REST client (kserve.InferenceRESTClient) and its response types (not part
of `npm test`).

For each example (reference_clients.each_example): starts `modelstack serve` on a free loopback port, asks KServe's
client whether the server is live and ready and the model ready, sends the example's test rows as JSON and again as
binary tensors asking for binary outputs, decodes the answers with KServe's InferResponse, and compares them with
Python onnxruntime's answers in the example's expected.json. Exits 1 on the first disagreement.

    scripts/python-venv.sh examples/requirements-kserve.txt .venv-kserve
    .venv-kserve/bin/python examples/check_kserve.py
"""
import asyncio
import sys

from kserve import InferenceRESTClient, InferInput, InferOutput, InferRequest, RESTConfig

from reference_clients import Server, compare, each_example, get_json, reference, tensors


async def check_server(example, server, model):
    instances, want = reference(example)
    client = InferenceRESTClient(RESTConfig(protocol='v2', retries=0))
    try:
        for question in (client.is_server_live(server.base_url), client.is_server_ready(server.base_url),
                         client.is_model_ready(server.base_url, model)):
            if await question is not True:
                raise SystemExit(f'{example}: KServe client: server or model not ready')
        metadata = get_json(server.base_url, f'/v2/models/{model}')
        for binary in (False, True):
            inputs = []
            for name, datatype, array in tensors(metadata, instances):
                tensor = InferInput(name, list(array.shape), datatype)
                tensor.set_data_from_numpy(array, binary_data=binary)
                inputs.append(tensor)
            outputs = [InferOutput(name, [], datatype, parameters={'binary_data': binary})
                       for name, datatype in (('label', 'BYTES'), ('probabilities', 'FP32'))]
            request = InferRequest(model_name=model, infer_inputs=inputs, request_outputs=outputs)
            response = await client.infer(server.base_url, request, model_name=model)
            answers = {output.name: output.as_numpy() for output in response.outputs}
            diff = compare(f'{example} (binary={binary})', answers['label'], answers['probabilities'], want)
            print(f'{example}: KServe InferenceRESTClient binary_data={binary}: {len(want)} answers agree (max abs diff {diff:.2e})')
    finally:
        await client.close()


def check(example, model_dir, model):
    with Server(model_dir) as server:
        asyncio.run(check_server(example, server, model))


def main():
    each_example(check)
    print("KServe's v2 REST client agrees with Python onnxruntime on every example")


if __name__ == '__main__':
    sys.exit(main())
