"""Times python-liquid on the golden-liquid benchmark fixtures; prints one JSON line per fixture.

Usage: peer_python_liquid.py FIXTURES_DIR [fixture ...]
"""
import json
import pathlib
import sys
import time

from liquid import Environment, FileSystemLoader


def measure(body, budget=1.5):
    """Best microseconds per call over batches, in thread CPU time (robust to a loaded machine)."""
    for _ in range(5):
        body()
    used, best, batch = 0.0, float("inf"), 10
    while used < budget:
        start = time.thread_time()
        for _ in range(batch):
            body()
        t = time.thread_time() - start
        used += t
        best = min(best, t / batch * 1e6)
    return best


def main() -> None:
    root = pathlib.Path(sys.argv[1])
    fixtures = sys.argv[2:] or ["001", "002", "004", "005", "006"]
    for fixture in fixtures:
        d = root / fixture
        templates = d / "templates"
        source = (templates / "index.liquid").read_text(encoding="utf-8")
        data = json.loads((d / "data.json").read_text(encoding="utf-8"))
        env = Environment(loader=FileSystemLoader(str(templates)))
        parse_us = measure(lambda: env.from_string(source))
        template = env.from_string(source)
        render_us = measure(lambda: template.render(**data))
        print(json.dumps({"fixture": fixture, "parse_us": parse_us, "render_us": render_us}), flush=True)


if __name__ == "__main__":
    main()
