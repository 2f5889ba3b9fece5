#!/usr/bin/env python3
"""Interop: the grpcio client calls zooter.v1.Router/Route with stubs generated from Protos/ at
run time. Reads a JSON list of queries from argv, prints a JSON list of answers:
[{"chosen": ..., "model_version": ..., "ranked": [[expert, probability], ...]}, ...].
Usage: grpcio_route.py --port N '["query", ...]'
"""
import argparse, importlib, json, os, sys

import grpc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "peers"))
import zooter_stubs  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("queries")
    opts = parser.parse_args()
    zooter_stubs.generate()
    router_pb2 = importlib.import_module("zooter.v1.router_pb2")
    router_grpc = importlib.import_module("zooter.v1.router_pb2_grpc")
    channel = grpc.insecure_channel(f"127.0.0.1:{opts.port}")
    stub = router_grpc.RouterStub(channel)
    answers = []
    for query in json.loads(opts.queries):
        response = stub.Route(router_pb2.RouteRequest(query=query), timeout=30)
        answers.append({"chosen": response.chosen, "model_version": response.model_version,
                        "ranked": [[s.expert, s.probability] for s in response.ranked]})
    print(json.dumps(answers))


if __name__ == "__main__":
    main()
