#!/usr/bin/env python3
"""OpenAI-compatible stub experts for the gateway tests: one process, one port per expert.

Usage: stub_openai_expert.py [--until-killed] NAME [NAME...]  — prints "NAME PORT" per expert, then
"ready"; serves until its standard input closes (or, with --until-killed, until a signal ends it).
       stub_openai_expert.py --until-killed --listen HOST:PORT  — one server for every model, which
answers as the model named in each request (for a gateway in a container; scripts/compose-smoke).

Each expert answers POST /v1/chat/completions (JSON, or server-sent events with "stream": true)
with "answer from NAME: <last user text>", and is told how to behave next by
POST /control {"mode": ..., "seconds": ...}:
  answer          answer at once (default)
  stall           wait `seconds` before the response head
  stall_stream    send the head and one chunk, then wait `seconds`
  500, 429        answer with that status
  die_mid_stream  send the head and one chunk, then drop the connection
  reset           close the connection without answering
  refuse          answer "I refuse to answer." (a worse answer, for drift)
  judge           act as an LLM judge: "Score: 2" for a response containing "I refuse", else "Score: 8"
  judge_flaky     the same, but every other reply has no score
  judge_broken    never a score
GET /requests lists what it received: model, stream, authorization, and whether the
client hung up while the expert was stalling ("cancelled").
"""
import json, socket, sys, threading, time, select
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(name, state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _json(self, status, obj):
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _client_gone(self, seconds):
            """Waits up to `seconds`; True as soon as the client closes its connection."""
            deadline = time.time() + seconds
            while time.time() < deadline:
                readable, _, _ = select.select([self.connection], [], [], 0.05)
                if readable:
                    try:
                        if self.connection.recv(1, socket.MSG_PEEK) == b"":
                            return True
                    except OSError:
                        return True
            return False

        def do_GET(self):
            if self.path == "/requests":
                with state["lock"]:
                    self._json(200, state["requests"])
            else:
                self._json(404, {"error": {"message": "no such path"}})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.path == "/control":
                with state["lock"]:
                    state["control"] = json.loads(body)
                self._json(200, {"ok": True})
                return
            if self.path != "/v1/chat/completions":
                self._json(404, {"error": {"message": "no such path"}})
                return
            request = json.loads(body)
            with state["lock"]:
                control = dict(state["control"])
                record = {"model": request.get("model"), "stream": bool(request.get("stream")),
                          "authorization": self.headers.get("authorization"), "cancelled": False,
                          "request_id": self.headers.get("x-request-id"), "fields": sorted(request)}
                state["requests"].append(record)
            mode, seconds = control.get("mode", "answer"), control.get("seconds", 5)
            text = ""
            for message in reversed(request.get("messages", [])):
                if message.get("role") == "user":
                    text = message.get("content") if isinstance(message.get("content"), str) else ""
                    break
            answer = f"answer from {name or request.get('model')}: {text}"
            if mode == "refuse":
                answer = "I refuse to answer."
            if mode.startswith("judge"):
                with state["lock"]:
                    state["judged"] = state.get("judged", 0) + 1
                    odd = state["judged"] % 2 == 1
                score = 2 if "I refuse" in text else 8
                answer = f"Fair enough.\nScore: {score}"
                if mode == "judge_broken" or (mode == "judge_flaky" and odd):
                    answer = "I would rather not grade this."
            if mode == "stall":
                if self._client_gone(seconds):
                    record["cancelled"] = True
                    return
            if mode in ("500", "429"):
                self._json(int(mode), {"error": {"message": f"{name} says {mode}", "type": "server_error"}})
                return
            if mode == "reset":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if not request.get("stream"):
                self._json(200, {"id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()),
                                 "model": request.get("model"),
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                              "finish_reason": "stop"}],
                                 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()

            def send(data):
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def event(obj):
                send(b"data: " + json.dumps(obj).encode() + b"\n\n")

            def chunk(content, finish=None):
                event({"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": int(time.time()),
                       "model": request.get("model"),
                       "choices": [{"index": 0, "delta": {"content": content} if content else {}, "finish_reason": finish}]})

            words = answer.split(" ")
            chunk(words[0])
            if mode == "die_mid_stream":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if mode == "stall_stream":
                if self._client_gone(seconds):
                    record["cancelled"] = True
                    return
            for word in words[1:]:
                chunk(" " + word)
            chunk(None, "stop")
            send(b"data: [DONE]\n\n")
            send(b"")

    return Handler


def main():
    servers = []
    names = sys.argv[1:]
    until_killed = names[:1] == ["--until-killed"]
    if until_killed:
        names = names[1:]
    address = ("127.0.0.1", 0)
    if names[:1] == ["--listen"]:
        host, port = names[1].rsplit(":", 1)
        address, names = (host, int(port)), [None]
    for name in names:
        state = {"lock": threading.Lock(), "control": {"mode": "answer"}, "requests": []}
        server = ThreadingHTTPServer(address, make_handler(name, state))
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(name or "*", server.server_address[1], flush=True)
    print("ready", flush=True)
    try:
        if until_killed:
            threading.Event().wait()
        else:
            sys.stdin.read()  # until the test closes our input
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
