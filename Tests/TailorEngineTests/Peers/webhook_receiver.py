"""A webhook receiver for Tailor's interop tests: checks X-Tailor-Signature the way docs/WEBHOOKS.md tells
receivers to, answers 503 to the first --fail requests, and writes one JSON line per request to --out.
Prints "READY <port>" once listening; stops when its standard input closes."""
import argparse, hashlib, hmac, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--secret", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--fail", type=int, default=0)
args = parser.parse_args()
lock = threading.Lock()
seen = {"n": 0}


def verified(header, body):
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return False
    expected = hmac.new(args.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            seen["n"] += 1
            failing = seen["n"] <= args.fail
            record = {
                "path": self.path,
                "id": self.headers.get("X-Tailor-Webhook-Id"),
                "content_type": self.headers.get("Content-Type"),
                "verified": verified(self.headers.get("X-Tailor-Signature", ""), body),
                "answered": 503 if failing else 200,
                "body": json.loads(body),
            }
            with open(args.out, "a") as f:
                f.write(json.dumps(record) + "\n")
        self.send_response(503 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("READY %d" % server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
