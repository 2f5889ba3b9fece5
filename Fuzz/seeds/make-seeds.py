#!/usr/bin/env python3
"""Writes the hand-made seed inputs under Fuzz/seeds/TARGET/ (committed; rerun after a format
change). Each is small and valid, so the fuzzer starts from inputs that pass the first checks:
HTTP/2 frames carrying real gRPC calls, protobuf messages, safetensors files, and texts.
Formats: see the header comment of each target's source in Fuzz/Sources/."""
import hashlib, json, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "models", "all-MiniLM-L6-v2", "model.safetensors")
ADMIN = "fuzz-admin-token-0123456789"  # Fuzz/Sources/fuzz-connection/Services.swift

def write(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# --- protobuf (proto3 wire format) ---
def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
def key(field, wire): return varint(field << 3 | wire)
def s(field, value): value = value.encode() if isinstance(value, str) else value; return key(field, 2) + varint(len(value)) + value
def u(field, value): return key(field, 0) + varint(value)
def d(field, value): return key(field, 1) + struct.pack("<d", value)
def f32(field, value): return key(field, 5) + struct.pack("<f", value)

route = s(1, "write a python function that reverses a list") + d(2, 0.5) + s(3, "alpha") + s(3, "gamma") + s(4, "r-1") + u(5, 2)
route_batch = s(1, route) + s(1, s(1, "plan a trip to kyoto"))
tag = s(1, s(1, "solve x^2 = 4 step by step") + s(2, "math")) + u(2, 3) + f32(3, 0.1)
score = s(1, s(1, "p1") + s(2, "what is 2+2?") + s(3, "4, because 2+2=4"))
health = s(1, "zooter.v1.Router")
load_path = s(1, "model-a")

# --- safetensors ---
def safetensors(tensors, metadata=None):
    """tensors: [(name, dtype, shape, raw bytes)] -> file bytes."""
    header, data = {}, b""
    if metadata: header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data
def floats(values): return struct.pack("<%df" % len(values), *values)
def head_meta(kind, experts, activation="gelu"):
    return {"format": "zooter-head", "kind": kind, "activation": activation, "experts": json.dumps(experts)}
def linear_head(inputs, experts):
    n = len(experts)
    return safetensors([("linear.weight", "F32", [n, inputs], floats([0.01 * i for i in range(n * inputs)])),
                        ("linear.bias", "F32", [n], floats([0.0] * n))], head_meta("linear", experts))

manifest = (u(1, 1) + s(2, "seed-model") + s(3, s(1, "alpha") + d(2, 1.0) + s(5, "https://alpha.example/v1"))
            + s(4, "all-MiniLM-L6-v2") + u(6, 1) + u(8, 4) + d(10, 1.0) + s(13, "code")
            + s(17, s(1, "accuracy") + d(2, 0.75)) + d(19, 0.2) + s(20, "alpha"))
artifact = s(1, manifest) + s(2, linear_head(4, ["alpha"]))

# --- fuzz-decode: first byte = index into `decoders` (FuzzDecode.swift) ---
for name, index, message in [("route", 0, route), ("route-batch", 1, route_batch), ("load-model", 2, load_path),
                             ("tag", 4, tag), ("score", 5, score), ("health", 8, health),
                             ("manifest", 9, manifest), ("artifact", 10, artifact)]:
    write("fuzz-decode", name + ".bin", bytes([index]) + message)

# --- fuzz-safetensors: first byte = consumer (low 2 bits) | (width - 1) << 2 ---
STATISTICS = ["log_chars", "log_chars_squared", "log_length_ratio", "unique_word_share", "log_line_breaks",
              "log_list_items", "refusal", "ends_cleanly", "non_ascii_share", "repeated_trigram_share"]  # ResponseStatistics.names
reward = safetensors([("statistics.weight", "F32", [len(STATISTICS)], floats([0.1] * len(STATISTICS))),
                      ("embedding.weight", "F32", [2], floats([0.5, -0.5]))],
                     {"format-role": "zooter-reward-model-linear", "statistics": ",".join(STATISTICS)})
write("fuzz-safetensors", "router-head.bin", bytes([1 | 3 << 2]) + linear_head(4, ["a", "b"]))
write("fuzz-safetensors", "reward-model.bin", bytes([2 | 1 << 2]) + reward)
write("fuzz-safetensors", "centroids.bin", bytes([3 | 3 << 2]) + safetensors([("centroids", "F32", [2, 4], floats(range(8)))]))
write("fuzz-safetensors", "dtypes.bin", bytes([0]) + safetensors(
    [("half", "F16", [2], struct.pack("<2e", 1.5, -2.0)), ("brain", "BF16", [2], b"\x80\x3f\x00\xc0"),
     ("ints", "I32", [1], b"\x01\x00\x00\x00")], {"note": "mixed dtypes"}))

# --- fuzz-tokenizer: UTF-8 text ---
for name, text in [("english", "The committee reviewed the proposal on Thursday; see https://example.com/v2.4.1!"),
                   ("accents-cjk", "Café naïve Zürich — 東京で寿司を食べた. Ünïcödé ﬁ ligature İstanbul"),
                   ("specials", "[CLS] question [SEP] answer [MASK][UNK][PAD] [sep]"),
                   ("hostile", "zq" * 60 + " \u0301\u0301a\u200b\u0000\u007f\ufeff 🙂👩‍👩‍👧 " + "x" * 120)]:
    write("fuzz-tokenizer", name + ".txt", text)

# --- fuzz-connection: first byte = flags (FuzzConnection.swift), then client frames ---
def frame(kind, flags, stream, payload=b""): return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload
def hpack_string(text):
    raw = text.encode()
    if len(raw) < 127: return bytes([len(raw)]) + raw
    n, out = len(raw) - 127, b"\x7f"
    while n >= 128: out += bytes([n & 0x7F | 0x80]); n >>= 7
    return out + bytes([n]) + raw
def headers(path, extra=()):
    fields = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "zooter"),
              ("content-type", "application/grpc"), ("te", "trailers")] + list(extra)
    return b"".join(b"\x00" + hpack_string(n) + hpack_string(v) for n, v in fields)  # literal, not indexed
def call(stream, path, message, extra=(), end=True):
    return (frame(1, 0x4, stream, headers(path, extra))
            + frame(0, 0x1 if end else 0, stream, b"\x00" + struct.pack(">I", len(message)) + message))
PREFIXED, SMALL, CHUNKED, SHUTDOWN, ONE_SECOND = 0x01, 0x04, 0x08, 0x10, 0x20
auth = [("authorization", "Bearer " + ADMIN)]
write("fuzz-connection", "health-check.bin", bytes([PREFIXED]) + call(1, "/grpc.health.v1.Health/Check", b""))
write("fuzz-connection", "health-watch.bin", bytes([PREFIXED | SHUTDOWN | ONE_SECOND]) + call(1, "/grpc.health.v1.Health/Watch", health))
write("fuzz-connection", "route.bin", bytes([PREFIXED]) + call(1, "/zooter.v1.Router/Route", route, [("grpc-timeout", "5S")]))
write("fuzz-connection", "route-batch.bin", bytes([PREFIXED | SMALL]) + call(1, "/zooter.v1.Router/RouteBatch", route_batch))
write("fuzz-connection", "tag.bin", bytes([PREFIXED]) + call(1, "/zooter.v1.Tagger/Tag", tag))
write("fuzz-connection", "score.bin", bytes([PREFIXED]) + call(1, "/zooter.v1.RewardScorer/Score", score))
write("fuzz-connection", "load-model-path.bin", bytes([PREFIXED]) + call(1, "/zooter.v1.Router/LoadModel", load_path, auth))
write("fuzz-connection", "infos.bin", bytes([PREFIXED | CHUNKED, 15]) + call(1, "/zooter.v1.Router/ModelInfo", b"")
      + call(3, "/zooter.v1.Tagger/Info", b"") + call(5, "/zooter.v1.RewardScorer/Info", b""))
write("fuzz-connection", "odd-frames.bin", bytes([PREFIXED | SMALL | ONE_SECOND])
      + frame(6, 0, 0, b"pingpong") + frame(8, 0, 0, struct.pack(">I", 65535))
      + call(1, "/zooter.v1.Router/Route", route, [("grpc-timeout", "100m")], end=False)  # never finished
      + frame(1, 0x5, 3, headers("/no.such.Service/Method")) + frame(3, 0, 1, struct.pack(">I", 8))  # RST_STREAM CANCEL
      + call(5, "/zooter.v1.Router/LoadModel", load_path)  # no token
      + frame(7, 0, 0, struct.pack(">II", 0, 0)))  # GOAWAY
if os.path.exists(MODEL):  # an inline artifact LoadModel accepts needs the encoder's sha256
    sha = hashlib.sha256(open(MODEL, "rb").read()).hexdigest()
    inline = (u(1, 1) + s(2, "inline-1") + s(3, s(1, "solo")) + s(5, sha) + u(6, 1) + u(8, 384))
    write("fuzz-connection", "load-model-inline.bin", bytes([PREFIXED]) + call(
        1, "/zooter.v1.Router/LoadModel", s(2, s(1, inline) + s(2, linear_head(384, ["solo"]))), auth))
