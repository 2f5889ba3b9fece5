#!/usr/bin/env python3
"""Interop: a reference grpcio server that our client calls.

Serves grpc.health.v1.Health (grpcio-health-checking) and a raw-bytes test.Echo service:
Echo (echoes the body; x-echo metadata comes back as a trailer), Fail (INVALID_ARGUMENT),
Slow (sleeps 2 s, for deadlines), Count (server streaming). Prints "PORT <n>" once it listens,
then serves until stdin closes.
"""
import sys, time
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc


def echo(request, context):
    trailers = [(k, v) for k, v in context.invocation_metadata() if k in ("x-echo", "x-data-bin")]
    context.set_trailing_metadata(trailers)
    return request


def fail(request, context):
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "bad request: ünïcode détails")


def slow(request, context):
    time.sleep(2)
    return b""


def count(request, context):
    for i in range(request[0] if request else 0):
        yield bytes([i])


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(echo),
        "Fail": grpc.unary_unary_rpc_method_handler(fail),
        "Slow": grpc.unary_unary_rpc_method_handler(slow),
        "Count": grpc.unary_stream_rpc_method_handler(count),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Echo", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    server.stop(grace=0)


if __name__ == "__main__":
    main()
