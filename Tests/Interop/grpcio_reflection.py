#!/usr/bin/env python3
"""Interop: grpcio's reflection client (grpcio-reflection) describes a Zooter service, then calls
Route with message classes built only from what reflection returned (no .proto files, no
generated stubs). Prints one JSON object with what it observed; the Swift test asserts on it.
Usage: grpcio_reflection.py HOST:PORT QUERY
"""
import json, sys

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase


def main():
    target, query = sys.argv[1], sys.argv[2]
    result = {}
    with grpc.insecure_channel(target) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        result["services"] = sorted(database.get_services())
        pool = descriptor_pool.DescriptorPool(database)
        router = pool.FindServiceByName("zooter.v1.Router")
        result["methods"] = [method.name for method in router.methods]
        route = router.FindMethodByName("Route")
        request_class = message_factory.GetMessageClass(route.input_type)
        response_class = message_factory.GetMessageClass(route.output_type)
        call = channel.unary_unary("/zooter.v1.Router/Route", request_serializer=request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)
        response = call(request_class(query=query), timeout=60)
        result["chosen"] = response.chosen
        result["model_version"] = response.model_version
        try:
            pool.FindMessageTypeByName("no.such.Message")
            result["unknown"] = "found"
        except KeyError:
            result["unknown"] = "KeyError"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
