"""FastAPI + orjson + onnxruntime serving SageMaker's /invocations as modelstack does (the usual hand-written server)."""
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response

from common import LABELS, NAMES, open_session, predict

session = open_session()
app = FastAPI()


@app.get("/ping")
def ping() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@app.post("/invocations")
async def invocations(request: Request) -> Response:
    body = orjson.loads(await request.body())
    rows = [[instance[name] for name in NAMES] if isinstance(instance, dict) else instance for instance in body["instances"]]
    probabilities = predict(session, rows)
    best = probabilities.argmax(axis=1)
    predictions = [
        {"label": LABELS[i], "probabilities": dict(zip(LABELS, row.tolist()))} for i, row in zip(best, probabilities)
    ]
    return Response(orjson.dumps({"predictions": predictions}), media_type="application/json")
