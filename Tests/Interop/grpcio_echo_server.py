#!/usr/bin/env python3
"""Interop: a reference grpcio server that our client calls.

Serves grpc.health.v1.Health (grpcio-health-checking) and a raw-bytes test.Echo service:
Echo (echoes the body; x-echo metadata comes back as a trailer), Fail (INVALID_ARGUMENT),
Slow (sleeps 2 s, for deadlines), Count (server streaming). Prints "PORT <n>" once it listens,
then serves until stdin closes.
Usage: grpcio_echo_server.py [--tls-cert C.pem --tls-key K.pem [--tls-client-ca CA.pem]]
  (TLS; with --tls-client-ca, client certificates issued by CA.pem are required)
"""
import argparse, sys, time
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--tls-client-ca")
    opts = parser.parse_args()
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
    if opts.tls_cert:
        def read(path):
            with open(path, "rb") as f:
                return f.read()
        credentials = grpc.ssl_server_credentials(
            [(read(opts.tls_key), read(opts.tls_cert))],
            root_certificates=read(opts.tls_client_ca) if opts.tls_client_ca else None,
            require_client_auth=bool(opts.tls_client_ca))
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    server.stop(grace=0)


if __name__ == "__main__":
    main()
