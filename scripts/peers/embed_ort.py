#!/usr/bin/env python3
"""The peer of `zooter-trainer embed` (benchmark, not a test): the same JSONL in, the same raw
little-endian float32 rows out, with `tokenizers` + onnxruntime running all-MiniLM-L6-v2 the way a
Python user would batch it: texts sorted by token count, padded per batch of 32, mask-aware mean
pooling, L2 normalisation, rows back in input order.

    /usr/bin/time -f %e .build/release/zooter-trainer embed --input T.jsonl --output ours.f32
    /usr/bin/time -f %e scripts/peers/embed_ort.py models/all-MiniLM-L6-v2 ../shared/bench/all-MiniLM-L6-v2.onnx T.jsonl peer.f32 2
"""
import json
import sys

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

if len(sys.argv) != 6:
    sys.exit(__doc__)
model, onnx, source, target, threads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
texts = [json.loads(line)["text"] for line in open(source) if line.strip()]
tokenizer = Tokenizer.from_file(model + "/tokenizer.json")
tokenizer.no_padding()  # the shipped tokenizer.json pads to 128; pad per batch instead
tokenizer.enable_truncation(256)
options = ort.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
session = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])
inputs = {i.name for i in session.get_inputs()}
encoded = tokenizer.encode_batch(texts)
order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
out = np.zeros((len(texts), 384), np.float32)
for start in range(0, len(order), 32):
    rows = order[start:start + 32]
    width = max(len(encoded[i].ids) for i in rows)
    ids = np.zeros((len(rows), width), np.int64)
    mask = np.zeros_like(ids)
    for j, i in enumerate(rows):
        ids[j, :len(encoded[i].ids)] = encoded[i].ids
        mask[j, :len(encoded[i].ids)] = 1
    feed = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in inputs:
        feed["token_type_ids"] = np.zeros_like(ids)
    hidden = session.run(None, feed)[0]
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(1) / weights.sum(1)
    out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
out.tofile(target)
