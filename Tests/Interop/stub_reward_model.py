#!/usr/bin/env python3
"""A deterministic reward model behind HTTP, in the format zooter-reward --scorer-url speaks
(docs/reward-backends.md): POST {"pairs": [{"query", "response"}]} → {"rewards": [...]}.
A refusal ("I refuse" in the response) scores about 0.2, anything else about 0.9; the small
spread comes from the response's length, so the scores are not constant.

Usage: stub_reward_model.py — prints "PORT", then serves until its standard input closes.
Also: POST /fail makes the next request answer HTTP 500; GET /calls counts requests.
"""
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = {"calls": 0, "fail": False}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer(200, {"calls": state["calls"]})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
        if self.path == "/fail":
            state["fail"] = True
            self.answer(200, {})
            return
        state["calls"] += 1
        if state["fail"]:
            state["fail"] = False
            self.answer(500, {"error": "told to fail"})
            return
        rewards = [(0.2 if "I refuse" in pair["response"] else 0.9) + 0.01 * (len(pair["response"]) % 5) for pair in body["pairs"]]
        self.answer(200, {"rewards": rewards})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
sys.stdin.read()
