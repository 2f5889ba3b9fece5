#!/usr/bin/env bash
# Routes one query with curl alone (HTTP/2 without TLS, "prior knowledge"), no gRPC library.
# A gRPC request body is a 5-byte prefix (0 = not compressed, then the message length as a 32-bit
# big-endian number) and the protobuf message; RouteRequest's field 1 (query) is the byte 0x0a,
# the length, then the UTF-8 text (one length byte: queries under 128 bytes here).
# Usage: Examples/route-with-curl.sh [host:port] [query]
set -euo pipefail
target="${1:-127.0.0.1:50051}"
query="${2:-Prove that the square root of 2 is irrational.}"
length=$(printf %s "$query" | wc -c)
[ "$length" -lt 128 ] || { echo "keep the query under 128 bytes for this example" >&2; exit 2; }
body=$(mktemp); reply=$(mktemp); trap 'rm -f "$body" "$reply"' EXIT
{ printf '\0\0\0\0'"\\x$(printf %02x $((length + 2)))"'\x0a'"\\x$(printf %02x "$length")"; printf %s "$query"; } > "$body"
curl --silent --show-error --http2-prior-knowledge --dump-header - \
  -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @"$body" --output "$reply" \
  "http://$target/zooter.v1.Router/Route" | grep -i '^grpc-status' || true
# The reply has the same 5-byte prefix; protoc's raw decoder prints its fields by number
# (2 = chosen expert, 3 = model version; Protos/zooter/v1/router.proto).
tail -c +6 "$reply" | protoc-c --decode_raw
