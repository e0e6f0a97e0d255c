"""Records what tritonclient's HTTP client sends with its default settings, for the runtime's tests.

tritonclient.http sends input tensors with the Open Inference Protocol's binary tensor extension by default
(`Inference-Header-Content-Length`, a JSON header, then raw tensor bytes). This script points the real client at a
loopback socket that records each request (method, path, headers, body) and answers with a small v2 response, and
writes the recordings to test/fixtures/tritonclient/ (one `<case>.json` with the headers and the JSON header, one
`<case>.bin` with the whole body as sent). The jest tests replay them against the runtime; no Python at test time.

    scripts/python-venv.sh && .venv-tools/bin/python examples/make_tritonclient_fixtures.py
"""

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import tritonclient.http as httpclient

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "tritonclient"
RECORDED = []


class Recorder(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        RECORDED.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        answer = json.dumps({"model_name": "recorded", "outputs": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def rows(example, count):
    with open(ROOT / "examples" / example, newline="") as f:
        return list(csv.DictReader(f))[:count]


def record(client, case, model, inputs, outputs=None):
    RECORDED.clear()
    client.infer(model, inputs, outputs=outputs, request_id=case)
    (req,) = RECORDED
    header_length = int(req["headers"]["inference-header-content-length"])
    header = json.loads(req["body"][:header_length])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{case}.bin").write_bytes(req["body"])
    meta = {
        "client": f"tritonclient {httpclient.__name__} {version()}",
        "path": req["path"],
        "headers": {k: v for k, v in req["headers"].items() if k in ("content-type", "inference-header-content-length", "content-length", "accept-encoding")},
        "header": header,
    }
    (OUT / f"{case}.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{case}: {len(req['body'])} bytes, JSON header {header_length}")


def version():
    from importlib.metadata import version as v

    return v("tritonclient")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = httpclient.InferenceServerClient(f"127.0.0.1:{server.server_address[1]}")
    try:
        # One [N, 30] FP32 tensor named as the manifest's input tensor, all outputs (default settings).
        cancer = rows("breast-cancer/test.csv", 4)
        names = [n for n in cancer[0] if n != "diagnosis" and n != "target"]
        names = names[:30]
        matrix = np.array([[float(r[n]) for n in names] for r in cancer], dtype=np.float32)
        x = httpclient.InferInput("input", list(matrix.shape), "FP32")
        x.set_data_from_numpy(matrix)
        record(client, "breast-cancer-matrix", "breast-cancer", [x])
        # The same, asking for both outputs in binary (InferRequestedOutput's default binary_data=True).
        outputs = [httpclient.InferRequestedOutput("label"), httpclient.InferRequestedOutput("probabilities")]
        record(client, "breast-cancer-binary-outputs", "breast-cancer", [x], outputs)
        # One tensor per feature, BYTES for the category features, FP32 for the numbers.
        penguins = rows("penguins-sklearn/test.csv", 3)
        inputs = []
        for name in ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]:
            column = np.array([float(r[name]) for r in penguins], dtype=np.float32)
            t = httpclient.InferInput(name, [len(penguins)], "FP32")
            t.set_data_from_numpy(column)
            inputs.append(t)
        for name in ["island", "sex"]:
            column = np.array([r[name].encode() for r in penguins], dtype=np.object_)
            t = httpclient.InferInput(name, [len(penguins), 1], "BYTES")
            t.set_data_from_numpy(column.reshape(-1, 1))
            inputs.append(t)
        record(client, "penguins-columns", "penguins-sklearn", inputs, [httpclient.InferRequestedOutput("label")])
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
