#!/usr/bin/env python3
"""Measure whether two codex sessions can share one login (usbide's rule for
a second session on a stick, see src/session/prepare.rs).

Runs the payload's codex twice at once on one CODEX_HOME, against a loopback
stand-in that speaks OpenAI's token endpoint the way it behaves: a refresh
token is good for one use, a second use is refused with
`refresh_token_reused`. Two homes are measured:

  chatgpt  a ChatGPT login whose access token is stale (codex renews it
           before its first request)
  apikey   an API-key login (nothing to renew)

and for each prints how many refreshes were made, accepted and refused, how
many sessions answered, whether auth.json changed, and whether the next
session (started alone, once the login is due for renewal again) answers.
Each is measured twice: with a token server that only refuses the reused
token, and with one that also revokes every token issued from it
(`family`: OAuth 2.1's advice on a reused refresh token).

usage: scripts/measure-shared-login.py [path/to/codex]
Loopback only (127.0.0.1); no network is needed.
"""
import base64, json, os, shutil, subprocess, sys, tempfile, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_codex():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for dirpath, _, files in os.walk(os.path.join(ROOT, "payload")):
        if "codex" in files and "x86_64-unknown-linux-musl" in dirpath:
            return os.path.join(dirpath, "codex")
    sys.exit("no codex in payload/: run the quick start first")


def b64(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()


def jwt(exp, n=0):
    claims = {"email": "ann@example.test", "exp": exp, "jti": n,
              "https://api.openai.com/auth": {"chatgpt_plan_type": "plus",
                                              "chatgpt_account_id": "acc-1",
                                              "chatgpt_user_id": "user-1"}}
    return b64({"alg": "none"}) + "." + b64(claims) + ".sig"


def sse(text):
    events = [
        {"type": "response.created", "response": {"id": "resp_1"}},
        {"type": "response.output_item.done", "item": {
            "type": "message", "role": "assistant", "id": "msg_1",
            "content": [{"type": "output_text", "text": text}]}},
        {"type": "response.completed", "response": {"id": "resp_1", "usage": {
            "input_tokens": 5, "input_tokens_details": None, "output_tokens": 3,
            "output_tokens_details": None, "total_tokens": 8}}},
    ]
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


class State:
    def __init__(self, family):
        self.family = family
        self.lock = threading.Lock()
        self.valid = {"rt_0"}
        self.access = {"sk-measure-0000"}
        self.issued = 0
        self.refreshes = []  # (token, accepted)


def handler(state):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def reply(self, code, ctype, body):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.reply(404, "text/plain", b"no")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.endswith("/oauth/token"):
                token = json.loads(body or b"{}").get("refresh_token")
                time.sleep(0.5)  # a real round trip: both renewals overlap
                with state.lock:
                    ok = token in state.valid
                    if not ok and state.family:
                        state.valid.clear()
                        state.access = {"sk-measure-0000"}
                    if ok:
                        state.valid.discard(token)
                        state.issued += 1
                        new = f"rt_{state.issued}"
                        state.valid.add(new)
                    state.refreshes.append((token, ok))
                if ok:
                    exp = int(time.time()) + 3600
                    access = jwt(exp, state.issued)
                    with state.lock:
                        state.access.add(access)
                    out = {"id_token": jwt(exp), "access_token": access, "refresh_token": new}
                    return self.reply(200, "application/json", json.dumps(out).encode())
                err = {"error": {"code": "refresh_token_reused", "message": "reused"}}
                return self.reply(401, "application/json", json.dumps(err).encode())
            if self.path.endswith("/responses"):
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if bearer not in state.access:
                    err = {"error": {"code": "token_expired", "message": "expired"}}
                    return self.reply(401, "application/json", json.dumps(err).encode())
                time.sleep(1)
                return self.reply(200, "text/event-stream", sse("answered"))
            self.reply(404, "text/plain", b"no")
    return H


def run_codex(codex, work, env, names):
    runs = []
    for name in names:
        d = os.path.join(work, name)
        os.makedirs(d)
        runs.append(subprocess.Popen(
            [codex, "exec", "--skip-git-repo-check", f"question {name}"], cwd=d, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    answered = 0
    for p in runs:
        try:
            out, _ = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        answered += p.returncode == 0 and b"answered" in out
    return answered


def measure(codex, kind, family):
    state = State(family)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    work = tempfile.mkdtemp(prefix="usbide-measure-")
    home = os.path.join(work, "home")
    os.makedirs(home)
    if kind == "chatgpt":
        stale = jwt(int(time.time()) - 3600)
        auth = {"auth_mode": "chatgpt", "OPENAI_API_KEY": None,
                "tokens": {"id_token": stale, "access_token": stale,
                           "refresh_token": "rt_0", "account_id": "acc-1"},
                "last_refresh": "2020-01-01T00:00:00Z"}
        forced = "chatgpt"
    else:
        auth = {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-measure-0000"}
        forced = "api"
    with open(os.path.join(home, "auth.json"), "w") as f:
        json.dump(auth, f)
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write(f'model = "gpt-test"\nopenai_base_url = "{url}/v1"\n'
                f'chatgpt_base_url = "{url}/backend-api/"\napproval_policy = "never"\n'
                f'cli_auth_credentials_store = "file"\nforced_login_method = "{forced}"\n')
    before = open(os.path.join(home, "auth.json"), "rb").read()
    env = {"PATH": "/usr/bin:/bin", "HOME": work, "CODEX_HOME": home,
           "CODEX_REFRESH_TOKEN_URL_OVERRIDE": f"{url}/oauth/token"}
    answered = run_codex(codex, work, env, ["a", "b"])
    after = open(os.path.join(home, "auth.json"), "rb").read()
    pair = len(state.refreshes)
    # Later, alone: the login is due for renewal again.
    path = os.path.join(home, "auth.json")
    doc = json.load(open(path))
    if doc.get("tokens"):
        doc["last_refresh"] = "2020-01-01T00:00:00Z"
        doc["tokens"]["access_token"] = jwt(int(time.time()) - 3600, -1)
        json.dump(doc, open(path, "w"))
    next_answered = run_codex(codex, work, env, ["c"]) == 1
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    accepted = sum(ok for _, ok in state.refreshes[:pair])
    print(json.dumps({"login": kind, "server": "family" if family else "token",
                      "sessions": 2, "refreshes": pair, "accepted": accepted,
                      "refused_reused": pair - accepted, "answered": answered,
                      "auth_json_changed": before != after,
                      "next_session_answered": next_answered}))


if __name__ == "__main__":
    codex = find_codex()
    for kind in ("chatgpt", "apikey"):
        for family in (False, True):
            measure(codex, kind, family)
