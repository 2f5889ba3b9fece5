#!/usr/bin/env python3
"""Drives zooter-gateway with the official `openai` client, as users call it, against the real
router and the stub experts of stub_openai_expert.py. Each check prints "ok: <name>"; the first
failure raises and the script exits non-zero.

Usage: openai_gateway_check.py GATEWAY_URL STUBS_FILE
STUBS_FILE has one "NAME PORT" line per stub expert. The gateway's configuration must match
GatewayEndToEndTests: keys below, expert timeout 1 s (30 s for the slow expert), breaker
3 failures / 2 s, 3 attempts, 64 KiB request limit.
"""
import json, sys, time, urllib.request, urllib.error
try:
    import httpx2 as httpx  # what the `openai` package depends on (it replaced httpx)
except ImportError:
    import httpx
import openai

GATEWAY, STUBS = sys.argv[1], sys.argv[2]
ALICE, BOB = "alice-key-0123456789", "bob-key-0123456789ab"
SLOW = "Phi-3-mini-4k-instruct"  # its timeout is 30 s: a stall there ends only by cancellation
ports = dict(line.split() for line in open(STUBS) if line.strip() and line.strip() != "ready")
QUESTION = "Solve for x: 3x + 7 = 22. Show the steps."


def control(expert, mode, seconds=5):
    data = json.dumps({"mode": mode, "seconds": seconds}).encode()
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{ports[expert]}/control", data=data, method="POST")).read()


def received(expert):
    return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{ports[expert]}/requests").read())


def reset():
    for expert in ports:
        control(expert, "answer")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


client = openai.OpenAI(base_url=GATEWAY + "/v1", api_key=ALICE, max_retries=0, timeout=30)


def routed(question=QUESTION, **kwargs):
    raw = client.chat.completions.with_raw_response.create(
        model="zooter", messages=[{"role": "user", "content": question}], **kwargs)
    return raw.headers, raw.parse()


# Routing: the router's choice answers, and the headers say so.
reset()
headers, answer = routed()
ranking = headers["x-zooter-ranking"].split(",")
first = headers["x-zooter-expert"]
check(first == ranking[0] and first in ports, f"chosen {first} is not the head of {ranking}")
check(answer.choices[0].message.content == f"answer from {first}: {QUESTION}", answer.choices[0].message.content)
check(headers["x-zooter-routed"] == "true" and headers["x-zooter-fallback"] == "false" and headers["x-zooter-attempts"] == "1", dict(headers))
check(0 < float(headers["x-zooter-probability"]) <= 1 and headers["x-zooter-model-version"].startswith("zooter-"), dict(headers))
check(len(ranking) == len(ports) and set(ranking) == set(ports), f"ranking {ranking} should hold every expert")
check(received(first)[-1]["model"] == first.lower(), "the upstream model id replaces `model`")
print("ok: routed", first, flush=True)

# Multi-turn: routed on the last user message.
headers, answer = routed(question="What is the capital of France?")
check(answer.choices[0].message.content.endswith("What is the capital of France?"), answer.choices[0].message.content)
print("ok: multi-turn routed on the last user message", flush=True)

# Pass-through: a concrete expert name is not routed.
raw = client.chat.completions.with_raw_response.create(model="deepseek-chat", messages=[{"role": "user", "content": "hi"}])
check(raw.headers["x-zooter-expert"] == "deepseek-chat" and raw.headers["x-zooter-routed"] == "false", dict(raw.headers))
check(raw.parse().choices[0].message.content == "answer from deepseek-chat: hi", "pass-through answer")
print("ok: pass-through", flush=True)

# Streaming: chunks pass through; the headers name the expert.
with client.chat.completions.with_streaming_response.create(
        model="zooter", messages=[{"role": "user", "content": QUESTION}], stream=True) as response:
    check(response.headers["x-zooter-expert"] == first, dict(response.headers))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in response.parse() if chunk.choices)
check(text == f"answer from {first}: {QUESTION}", text)
print("ok: streaming", flush=True)

# Hybrid top-k: the top 3 answer, the reward service scores them, the best is returned.
calls = [len(received(name)) for name in ranking]
raw = client.chat.completions.with_raw_response.create(
    model="zooter", messages=[{"role": "user", "content": QUESTION}], extra_body={"zooter": {"top_k": 3}})
candidates = {item.split("=")[0]: float(item.split("=")[1]) for item in raw.headers["x-zooter-candidates"].split(",")}
best = max(candidates, key=candidates.get)
check(set(candidates) == set(ranking[:3]), f"candidates {candidates} are not the top 3 of {ranking}")
check(raw.headers["x-zooter-expert"] == best and raw.headers["x-zooter-attempts"] == "3", dict(raw.headers))
check(raw.parse().choices[0].message.content == f"answer from {best}: {QUESTION}", raw.parse().choices[0].message.content)
check([len(received(name)) for name in ranking] == [n + (1 if i < 3 else 0) for i, n in enumerate(calls)], "each of the top 3 called once")
check(received(ranking[0])[-1]["stream"] is False and "zooter" not in received(ranking[0])[-1]["fields"],
      f"top-k asks the experts for whole answers, without the gateway's options: {received(ranking[0])[-1]}")
with client.chat.completions.with_streaming_response.create(
        model="zooter", messages=[{"role": "user", "content": QUESTION}], stream=True, extra_body={"zooter": {"top_k": 3}}) as response:
    check(response.headers["x-zooter-expert"] == best, dict(response.headers))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in response.parse() if chunk.choices)
check(text == f"answer from {best}: {QUESTION}", text)
for options, message in [({"top_k": 9}, "at most 3"), ({"top_k": 0}, "whole number"), ({"top": 2}, "unknown option")]:
    try:
        client.chat.completions.create(model="zooter", messages=[{"role": "user", "content": "hi"}], extra_body={"zooter": options})
        raise AssertionError(f"expected 400 for {options}")
    except openai.BadRequestError as error:
        check(message in error.message, f"{options}: {error.message}")
print(f"ok: top-3 by reward {candidates} → {best}, streamed too; bad top_k refused", flush=True)

# Fallback along the ranking: 500 from the first, 429 from the second → the third answers.
control(ranking[0], "500")
control(ranking[1], "429")
before = [len(received(name)) for name in ranking[:3]]
headers, answer = routed()
check(headers["x-zooter-expert"] == ranking[2] and headers["x-zooter-fallback"] == "true" and headers["x-zooter-attempts"] == "3", dict(headers))
check([len(received(name)) for name in ranking[:3]] == [n + 1 for n in before], "each of the first three called once, in order")
check(answer.choices[0].message.content.startswith(f"answer from {ranking[2]}"), answer.choices[0].message.content)
print("ok: fallback 500 → 429 → third", flush=True)

# All three attempts fail → 502 with an OpenAI-style error naming each failure.
control(ranking[2], "500")
try:
    routed()
    raise AssertionError("expected a 502")
except openai.InternalServerError as error:
    check(error.status_code == 502 and "every expert tried failed" in error.message, error.message)
print("ok: attempts exhausted → 502", flush=True)

# Circuit breaker: the first expert has failed twice in a row; a third failure opens its circuit,
# after which it is skipped without a call.
control(ranking[1], "answer")
control(ranking[2], "answer")
headers, _ = routed()
check(headers["x-zooter-expert"] == ranking[1] and headers["x-zooter-attempts"] == "2", f"third failure: {dict(headers)}")
calls = len(received(ranking[0]))
headers, _ = routed()
check(headers["x-zooter-attempts"] == "1", f"a skipped expert is not an attempt: {dict(headers)}")
check(headers["x-zooter-expert"] == ranking[1], f"open circuit: {dict(headers)}")
check(len(received(ranking[0])) == calls, "an open circuit is not called")
control(ranking[0], "answer")
time.sleep(2.2)  # open_seconds = 2: the next request probes the expert, and it answers
headers, _ = routed()
check(headers["x-zooter-expert"] == ranking[0] and len(received(ranking[0])) == calls + 1, f"half-open probe: {dict(headers)}")
print("ok: circuit breaker opens, skips, probes, closes", flush=True)

# Timeout before the first byte → next expert, within the 1 s expert timeout.
control(ranking[0], "stall", 5)
started = time.time()
headers, _ = routed()
elapsed = time.time() - started
check(headers["x-zooter-expert"] == ranking[1] and elapsed < 3, f"timeout fallback took {elapsed:.1f} s: {dict(headers)}")
print(f"ok: timeout → fallback in {elapsed:.2f} s", flush=True)
reset()
time.sleep(0.1)

# A failure after streaming began: an error event ends the stream; not retried.
control(ranking[0], "die_mid_stream")
calls_second = len(received(ranking[1]))
try:
    stream = client.chat.completions.create(model="zooter", messages=[{"role": "user", "content": QUESTION}], stream=True)
    for _ in stream:
        pass
    raise AssertionError("expected the stream to end with an error")
except openai.APIError as error:
    check("failed after the stream began" in str(error.message) or "failed after the stream began" in str(error.body), f"{error!r}")
check(len(received(ranking[1])) == calls_second, "a stream that began is not retried")
print("ok: mid-stream failure → error event, no retry", flush=True)
reset()

# Client disconnect cancels the upstream call (the slow expert's timeout is 30 s).
control(SLOW, "stall", 20)
try:
    httpx.post(GATEWAY + "/v1/chat/completions", headers={"authorization": f"Bearer {ALICE}"},
               json={"model": SLOW, "messages": [{"role": "user", "content": "slow"}]}, timeout=0.5)
    raise AssertionError("expected a client timeout")
except httpx.TimeoutException:
    pass
left = time.time()
while time.time() < left + 3 and not received(SLOW)[-1]["cancelled"]:
    time.sleep(0.05)
check(received(SLOW)[-1]["cancelled"], "the upstream call outlived its client")
print(f"ok: client disconnect cancels the upstream call (seen by the expert {time.time() - left:.2f} s after the client left)", flush=True)
control(SLOW, "stall_stream", 20)
with httpx.stream("POST", GATEWAY + "/v1/chat/completions", headers={"authorization": f"Bearer {ALICE}"},
                  json={"model": SLOW, "stream": True, "messages": [{"role": "user", "content": "slow"}]}, timeout=30) as response:
    check(response.status_code == 200, response.status_code)
    next(response.iter_bytes())  # the first chunk arrived; then the expert stalls and we leave
deadline = time.time() + 3
while time.time() < deadline and not received(SLOW)[-1]["cancelled"]:
    time.sleep(0.05)
check(received(SLOW)[-1]["cancelled"], "the upstream stream outlived its client")
print("ok: client disconnect mid-stream cancels the upstream stream", flush=True)
reset()

# Tenants: keys, allowed experts, budget.
try:
    openai.OpenAI(base_url=GATEWAY + "/v1", api_key="wrong-key-0123456789", max_retries=0).chat.completions.create(
        model="zooter", messages=[{"role": "user", "content": "hi"}])
    raise AssertionError("expected 401")
except openai.AuthenticationError as error:
    check(error.status_code == 401 and error.body["code"] == "invalid_api_key", f"{error!r}")
bob = openai.OpenAI(base_url=GATEWAY + "/v1", api_key=BOB, max_retries=0)
try:
    bob.chat.completions.create(model="jamba-1.5-large", messages=[{"role": "user", "content": "hi"}])
    raise AssertionError("expected 403")
except openai.PermissionDeniedError as error:
    check(error.status_code == 403, f"{error!r}")
raw = bob.chat.completions.with_raw_response.create(model="zooter", messages=[{"role": "user", "content": QUESTION}])
check(raw.headers["x-zooter-expert"] in ("mathstral-7B", "deepseek-chat"), dict(raw.headers))
check(set(raw.headers["x-zooter-ranking"].split(",")) <= {"mathstral-7B", "deepseek-chat"}, dict(raw.headers))
check({m.id for m in bob.models.list()} == {"zooter", "mathstral-7B", "deepseek-chat"}, "bob's model list")
check({m.id for m in client.models.list()} == {"zooter"} | set(ports), "alice's model list")
bob.chat.completions.create(model="zooter", messages=[{"role": "user", "content": "two"}])
bob.chat.completions.create(model="deepseek-chat", messages=[{"role": "user", "content": "three"}])
try:
    bob.chat.completions.create(model="zooter", messages=[{"role": "user", "content": "four"}])
    raise AssertionError("expected 429")
except openai.RateLimitError as error:
    check(error.status_code == 429 and int(error.response.headers["retry-after"]) >= 1, f"{error!r}")
print("ok: tenants (401 without or with a wrong key, 403 outside allowed experts, routed within them, 429 over budget)", flush=True)

# Bad input: OpenAI-style errors with the right status; the gateway keeps serving.
def post(body, content_type="application/json", key=ALICE):
    headers = {"content-type": content_type}
    if key:
        headers["authorization"] = f"Bearer {key}"
    request = urllib.request.Request(GATEWAY + "/v1/chat/completions", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())

for body, status, code in [
    (b"{not json", 400, None),
    (b"[1, 2]", 400, None),
    (b'{"model": "zooter"}', 400, None),
    (b'{"model": "zooter", "messages": [{"role": "system", "content": "only a system prompt"}]}', 400, None),
    (b'{"messages": [{"role": "user", "content": "hi"}]}', 400, "missing_model"),
    (b'{"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}', 404, "model_not_found"),
    (b'{"model": "zooter", "stream": "yes", "messages": [{"role": "user", "content": "hi"}]}', 400, None),
    (b"[" * 60000, 400, None),
    (b'{"model": "zooter", "messages": [{"role": "user", "content": "' + b"x" * (70 << 10) + b'"}]}', 413, "request_too_large"),
]:
    got, payload = post(body)
    check(got == status and "message" in payload["error"] and "type" in payload["error"], f"{body[:40]!r}: {got} {payload}")
    if code:
        check(payload["error"]["code"] == code, f"{body[:40]!r}: {payload}")
got, payload = post(b'{"model": "zooter", "messages": [{"role": "user", "content": "hi"}]}', key=None)
check(got == 401 and payload["error"]["type"] == "authentication_error", f"no key: {got} {payload}")
try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    raise AssertionError("expected 404")
except openai.NotFoundError as error:
    check(error.body["code"] == "model_not_found", f"{error!r}")
check(urllib.request.urlopen(GATEWAY + "/health").status == 200, "health")
headers, _ = routed()
print("ok: bad input (malformed, wrong shape, unknown model, deep nesting, oversized) → OpenAI errors; still serving", flush=True)
print("all gateway checks passed", flush=True)
