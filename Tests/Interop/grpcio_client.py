#!/usr/bin/env python3
"""Interop: the reference Python gRPC client (grpcio) calls a Zooter server.

Stubs for the health protocol are generated from Protos/ with grpcio-tools at run time (never
committed). Prints one JSON object with what it observed; the Swift test asserts on it.
Usage: grpcio_client.py --port N [--echo] [--tls-ca CA.pem [--tls-cert C.pem --tls-key K.pem]] [--host H]
  --echo: also call the test.Echo raw-bytes service
  --tls-ca: connect over TLS trusting CA.pem (with --tls-cert/--tls-key: mutual TLS); --host is
            the name the server's certificate must carry (default 127.0.0.1)
"""
import argparse, importlib, json, os, sys, tempfile, time

import grpc
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def generate_stubs(out_dir, protos):
    """Generates Python modules for Protos/ files. The health proto is copied under another name
    first: its path grpc/health/v1 would collide with the installed grpc package."""
    import shutil
    src = os.path.join(out_dir, "src")
    shutil.copytree(os.path.join(ROOT, "Protos"), src)
    shutil.copy(os.path.join(src, "grpc/health/v1/health.proto"), os.path.join(src, "health_stub.proto"))
    protos = ["health_stub.proto" if p == "grpc/health/v1/health.proto" else p for p in protos]
    args = ["protoc", f"-I{src}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"]
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args.append(f"-I{include}")
    if protoc.main(args + protos) != 0:
        sys.exit("grpc_tools.protoc failed")
    sys.path.insert(0, out_dir)


# Deadlines that only catch a hang: the suite runs in parallel on 2 cores, where a healthy call
# can wait seconds for a core. The Slow call keeps its short deadline: that is what it tests.
HANG = 60


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--echo", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tls-ca")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    opts = parser.parse_args()
    out = tempfile.mkdtemp(prefix="zooter-stubs-")
    generate_stubs(out, ["grpc/health/v1/health.proto"])
    health_pb2 = importlib.import_module("health_stub_pb2")
    result = {}
    target = f"{opts.host}:{opts.port}"
    if opts.tls_ca:
        def read(path):
            with open(path, "rb") as f:
                return f.read()
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(opts.tls_ca),
            private_key=read(opts.tls_key) if opts.tls_key else None,
            certificate_chain=read(opts.tls_cert) if opts.tls_cert else None)
        channel = grpc.secure_channel(target, credentials)
    else:
        channel = grpc.insecure_channel(target)
    grpc.channel_ready_future(channel).result(timeout=HANG)

    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                                response_deserializer=health_pb2.HealthCheckResponse.FromString)
    result["health"] = health_pb2.HealthCheckResponse.ServingStatus.Name(
        check(health_pb2.HealthCheckRequest(service=""), timeout=HANG).status)
    try:
        check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=HANG)
        result["health_unknown"] = "OK"
    except grpc.RpcError as error:
        result["health_unknown"] = error.code().name

    if opts.echo:
        echo = channel.unary_unary("/test.Echo/Echo")
        response, call = echo.with_call(b"\x01\x02\x03", metadata=[("x-echo", "hi"), ("x-data-bin", b"\x00\xff")], timeout=HANG)
        result["echo"] = list(response)
        result["echo_trailers"] = {k: (v if isinstance(v, str) else list(v)) for k, v in call.trailing_metadata()}
        try:
            channel.unary_unary("/test.Echo/Fail")(b"", timeout=HANG)
        except grpc.RpcError as error:
            result["fail"] = [error.code().name, error.details()]
        try:
            channel.unary_unary("/test.Echo/Slow")(b"", timeout=0.2)
        except grpc.RpcError as error:
            result["slow"] = error.code().name
        try:
            channel.unary_unary("/test.Echo/Missing")(b"", timeout=HANG)
        except grpc.RpcError as error:
            result["missing"] = error.code().name
        stream = channel.unary_stream("/test.Echo/Count")
        result["count"] = [list(m)[0] for m in stream(b"\x05", timeout=HANG)]
        try:
            echo(b"\x00" * (5 << 20), timeout=HANG)
        except grpc.RpcError as error:
            result["oversized"] = error.code().name
    print(json.dumps(result))


if __name__ == "__main__":
    main()
