"""Renders the email fixtures with python-liquid for the differential test.

Usage: render_python_liquid.py FIXTURE_DIR
FIXTURE_DIR holds *.liquid templates and contexts.json:
{"templates": [names to render], "contexts": [data, ...]}.
Prints a JSON array, for each template then each context, of {"output": str} or {"error": str}.
"""
import json
import pathlib
import sys

from liquid import DictLoader, Environment


def main() -> None:
    root = pathlib.Path(sys.argv[1])
    sources = {p.stem: p.read_text(encoding="utf-8") for p in root.glob("*.liquid")}
    spec = json.loads((root / "contexts.json").read_text(encoding="utf-8"))
    env = Environment(loader=DictLoader(sources))
    results = []
    for name in spec["templates"]:
        template = env.get_template(name)
        for data in spec["contexts"]:
            try:
                results.append({"output": template.render(**data)})
            except Exception as e:  # noqa: BLE001 - any failure is reported to the Swift side
                results.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
