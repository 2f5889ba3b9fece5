#!/usr/bin/env python3
"""Peer for scripts/bench-router: a Python grpcio router doing the same computation as
zooter-router — tokenizers + onnxruntime all-MiniLM-L6-v2 (the ONNX export in ../shared/bench),
mean pooling, L2 normalisation, the same trained head (read from our artifact's
head.safetensors with numpy), softmax, ranked experts — on a thread-pool server sized to the cores.

Usage: grpcio_router.py --port N --artifact DIR --model DIR --onnx FILE [--workers 2]
Prints "PORT <n>" when serving; stops on SIGTERM.
"""
import argparse, importlib, json, os, signal, struct, sys
from concurrent import futures

import grpc
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

import zooter_stubs


def load_head(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype="<f4").reshape(v["shape"])
               for k, v in header.items()}
    return tensors, meta, json.loads(meta["experts"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--artifact", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    a = ap.parse_args()

    zooter_stubs.generate()
    pb = importlib.import_module("zooter.v1.router_pb2")
    pb_grpc = importlib.import_module("zooter.v1.router_pb2_grpc")

    tk = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tk.enable_truncation(max_length=256)
    tk.no_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = a.workers
    sess = ort.InferenceSession(a.onnx, opts, providers=["CPUExecutionProvider"])
    tensors, meta, experts = load_head(os.path.join(a.artifact, "head.safetensors"))
    kind = meta.get("kind", "linear")
    version = open(os.path.join(a.artifact, "manifest.json")).read()
    version = json.loads(version)["model_version"]

    def head(x):
        if kind == "linear":
            z = tensors["linear.weight"] @ x + tensors["linear.bias"]
        else:
            h = tensors["hidden.weight"] @ x + tensors["hidden.bias"]
            h = np.maximum(h, 0) if meta.get("activation") == "relu" else 0.5 * h * (1 + np.vectorize(__import__("math").erf)(h / np.sqrt(2)))
            z = tensors["output.weight"] @ h + tensors["output.bias"]
        z = np.exp(z - z.max())
        return z / z.sum()

    class Router(pb_grpc.RouterServicer):
        def Route(self, request, context):
            if not request.query.strip():
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "query is empty")
            enc = tk.encode(request.query)
            ids = np.array([enc.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            h = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0][0]
            e = h.mean(axis=0)
            e = e / np.linalg.norm(e)
            p = head(e)
            order = np.argsort(-p)
            ranked = [pb.ExpertScore(expert=experts[i], probability=float(p[i]), score=float(p[i])) for i in order]
            return pb.RouteResponse(ranked=ranked, chosen=experts[order[0]], model_version=version)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=a.workers))
    pb_grpc.add_RouterServicer_to_server(Router(), server)
    port = server.add_insecure_port(f"127.0.0.1:{a.port}")
    server.start()
    print(f"PORT {port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: server.stop(grace=1))
    server.wait_for_termination()


if __name__ == "__main__":
    main()
