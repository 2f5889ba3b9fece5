// Shim for the protobuf-c runtime (libprotobuf-c-dev, >= 1.3). Imported `internal` by ZooterWire only.
#pragma once
#include <protobuf-c/protobuf-c.h>
