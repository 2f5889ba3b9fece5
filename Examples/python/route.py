#!/usr/bin/env python3
"""Asks a running zooter-router where a query should go, with grpcio.

Stubs come from the repository's Protos/ (generate them once, into any folder):
    python3 -m grpc_tools.protoc -I Protos --python_out=gen --grpc_python_out=gen \
        zooter/v1/router.proto zooter/v1/artifact.proto zooter/v1/common.proto
Run:
    PYTHONPATH=gen python3 Examples/python/route.py 127.0.0.1:50051
(pip install grpcio grpcio-tools grpcio-health-checking)
"""
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from zooter.v1 import router_pb2, router_pb2_grpc

target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"
with grpc.insecure_channel(target) as channel:  # grpc.secure_channel(target, credentials) with TLS
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="zooter.v1.Router"), timeout=5)
    print("router:", health_pb2.HealthCheckResponse.ServingStatus.Name(health.status))

    router = router_pb2_grpc.RouterStub(channel)
    decision = router.Route(router_pb2.RouteRequest(query="Prove that the square root of 2 is irrational."), timeout=10)
    print("chosen:", decision.chosen, "model:", decision.model_version)
    for expert in decision.ranked[:3]:
        print(f"  {expert.expert} {expert.probability:.3f}")
