"""Generates Python protobuf/gRPC modules for Protos/ at run time (never committed) and puts
them on sys.path. Shared by the interop tests, the router benchmark and its grpcio peer."""
import os, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROUTER_PROTOS = ["zooter/v1/common.proto", "zooter/v1/artifact.proto", "zooter/v1/router.proto"]


def generate(protos=ROUTER_PROTOS, grpc_stubs=True):
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="zooter-stubs-")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = ["protoc", f"-I{os.path.join(ROOT, 'Protos')}", f"-I{include}", f"--python_out={out}"]
    if grpc_stubs:
        args.append(f"--grpc_python_out={out}")
    if protoc.main(args + list(protos)) != 0:
        sys.exit("grpc_tools.protoc failed on " + " ".join(protos))
    sys.path.insert(0, out)
    return out
