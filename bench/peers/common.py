"""The work every peer does per request, as modelstack does it: the manifest's scaling, one float32 tensor through
onnxruntime (1 intra-op thread, as modelstack's default), labels and probabilities out."""
import json
import os

import numpy as np
import onnxruntime as ort

MODEL_DIR = os.environ["MODEL_DIR"]
with open(os.path.join(MODEL_DIR, "model.json"), encoding="utf-8") as f:
    MANIFEST = json.load(f)
FEATURES = MANIFEST["input"]["features"]
NAMES = [feature["name"] for feature in FEATURES]
MEAN = np.array([feature.get("scale", {}).get("mean", 0.0) for feature in FEATURES], dtype=np.float64)
STD = np.array([feature.get("scale", {}).get("std", 1.0) for feature in FEATURES], dtype=np.float64)
LABELS = MANIFEST["output"]["labels"]
INPUT = MANIFEST["input"]["tensor"]
OUTPUT = MANIFEST["output"]["probabilities"]


def open_session() -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(os.path.join(MODEL_DIR, "model.onnx"), options, providers=["CPUExecutionProvider"])


def predict(session: ort.InferenceSession, rows) -> np.ndarray:
    """Scaled float32 [N, F] in, probabilities [N, K] out."""
    x = ((np.asarray(rows, dtype=np.float64) - MEAN) / STD).astype(np.float32)
    return session.run([OUTPUT], {INPUT: x})[0]
