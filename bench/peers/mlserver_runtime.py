"""MLServer custom runtime: the Open Inference Protocol v2 with the same work as modelstack's /v2/.../infer."""
import numpy as np
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.types import InferenceRequest, InferenceResponse, ResponseOutput

from common import LABELS, open_session, predict


class BreastCancer(MLModel):
    async def load(self) -> bool:
        self._session = open_session()
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        rows = NumpyCodec.decode_input(payload.inputs[0])
        probabilities = predict(self._session, rows)
        labels = [LABELS[i] for i in probabilities.argmax(axis=1)]
        count, classes = probabilities.shape
        return InferenceResponse(
            model_name=self.name,
            id=payload.id,
            outputs=[
                ResponseOutput(name="label", shape=[count], datatype="BYTES", data=labels),
                ResponseOutput(name="probabilities", shape=[count, classes], datatype="FP32", data=probabilities.astype(np.float32).flatten().tolist()),
            ],
        )
