#!/usr/bin/env python3
"""A fast OpenAI-compatible stub expert for benchmarks (scripts/bench-gateway), not for tests.

Answers every POST .../chat/completions with the same small, non-streaming `chat.completion`
JSON, at once, on keep-alive HTTP/1.1 connections (Content-Length or chunked request bodies,
pipelining tolerated). Anything else gets a 404. It is an asyncio Protocol (uvloop when
installed), not http.server, and does not parse the JSON it receives, so that it is far faster
than whatever is measured in front of it (bench-gateway measures it directly to show that).

Usage: fast_openai_stub.py [--port 0] [--host 127.0.0.1]  — prints "port=N" once listening.
"""
import argparse, asyncio, json, signal, sys

BODY = json.dumps({
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "stub",
    "system_fingerprint": "fp_stub",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "The answer is 42."},
                 "logprobs": None, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18},
}, separators=(",", ":")).encode()
OK = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + str(len(BODY)).encode()
      + b"\r\n\r\n" + BODY)
NOT_FOUND_BODY = b'{"error":{"message":"no such path","type":"invalid_request_error"}}'
NOT_FOUND = (b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: "
             + str(len(NOT_FOUND_BODY)).encode() + b"\r\n\r\n" + NOT_FOUND_BODY)
BAD = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
MAX_HEAD = 64 * 1024


class Stub(asyncio.Protocol):
    __slots__ = ("transport", "buf")

    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        out = []
        while True:
            consumed, reply, close = self.parse(self.buf)
            if consumed == 0:
                break
            self.buf = self.buf[consumed:]
            out.append(reply)
            if close:
                self.transport.write(b"".join(out))
                self.transport.close()
                return
        if out:
            self.transport.write(b"".join(out))
        if len(self.buf) > MAX_HEAD and b"\r\n\r\n" not in self.buf:
            self.transport.write(BAD)
            self.transport.close()

    @staticmethod
    def parse(buf):
        """(bytes consumed, reply, close?) for one complete request at the start of buf; 0 if incomplete."""
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return 0, None, False
        head = buf[:end].split(b"\r\n")
        parts = head[0].split(b" ")
        if len(parts) != 3:
            return len(buf), BAD, True
        method, path = parts[0], parts[1]
        length, chunked, close = 0, False, parts[2] == b"HTTP/1.0"
        for line in head[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                v = value.strip().lower()
                close = v == b"close" or (close and v != b"keep-alive")
        pos = end + 4
        if chunked:
            while True:  # skip the chunks (their content is not looked at)
                line_end = buf.find(b"\r\n", pos)
                if line_end < 0:
                    return 0, None, False
                size = int(buf[pos:line_end].split(b";")[0], 16)
                pos = line_end + 2
                if size == 0:
                    trailer_end = buf.find(b"\r\n\r\n", pos - 2)  # no trailers: "0\r\n\r\n"
                    if trailer_end < 0:
                        return 0, None, False
                    pos = trailer_end + 4
                    break
                if len(buf) < pos + size + 2:
                    return 0, None, False
                pos += size + 2
        else:
            if len(buf) < pos + length:
                return 0, None, False
            pos += length
        ok = method == b"POST" and path.split(b"?")[0].endswith(b"/chat/completions")
        return pos, OK if ok else NOT_FOUND, close


async def serve(host, port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Stub, host, port, backlog=1024, reuse_address=True)
    print(f"port={server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--no-uvloop", action="store_true")
    a = ap.parse_args()
    if not a.no_uvloop:
        try:
            import uvloop
            uvloop.install()
        except ImportError:
            pass
    asyncio.run(serve(a.host, a.port))


if __name__ == "__main__":
    sys.exit(main())
