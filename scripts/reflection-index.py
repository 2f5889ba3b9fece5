#!/usr/bin/env python3
"""Turns the FileDescriptorSet protoc writes for Protos/ into the index the services' gRPC
reflection serves (Sources/ZooterServiceKit/Resources/reflection.json): each file's serialized
FileDescriptorProto and imports, and which file defines each fully qualified symbol (services,
methods, messages, enums, nested ones included). Run by scripts/gen-protos, checked like the C.
Usage: reflection-index.py SET.binpb > reflection.json
"""
import base64, json, sys

from google.protobuf import descriptor_pb2


def main():
    with open(sys.argv[1], "rb") as f:
        descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    files, symbols = {}, {}
    for file in descriptor_set.file:
        files[file.name] = {
            "descriptor": base64.b64encode(file.SerializeToString(deterministic=True)).decode("ascii"),
            "dependencies": list(file.dependency),
        }
        prefix = file.package + "." if file.package else ""

        def add_message(message, scope):
            symbols[scope + message.name] = file.name
            for nested in message.nested_type:
                add_message(nested, scope + message.name + ".")
            for enum in message.enum_type:
                symbols[scope + message.name + "." + enum.name] = file.name

        for message in file.message_type:
            add_message(message, prefix)
        for enum in file.enum_type:
            symbols[prefix + enum.name] = file.name
        for service in file.service:
            symbols[prefix + service.name] = file.name
            for method in service.method:
                symbols[prefix + service.name + "." + method.name] = file.name
    json.dump({"files": files, "symbols": symbols}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
