#!/usr/bin/env python3
"""Write fuzz/synth.dict: plinth's spec field names and const values as libFuzzer tokens.

    python3 fuzz/gen-dict.py      # after changing the spec schema

Reads schema/plinth.schema.json; standard library only.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PUNCTUATION = ["- ", "&a ", "*a", "<<: ", "!!str ", "---", "...", '"', "'", "{", "}", "[", "]",
               "|", ">", "#", ": ", "~", "null", "true", "10.0.0.0/16",
               "arn:aws:iam::123456789012:role/x", '"1.34"']


def quote(token: str) -> str:
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    schema = json.loads((ROOT / "schema" / "plinth.schema.json").read_text(encoding="utf-8"))
    keys, consts = set(), set()

    def walk(v):
        if isinstance(v, dict):
            keys.update(v.get("properties", {}))
            if isinstance(v.get("const"), str):
                consts.add(v["const"])
            for e in v.get("enum") or []:
                if isinstance(e, str):
                    consts.add(e)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(schema)
    lines = ["# libFuzzer dictionary for the `synth` target, written by fuzz/gen-dict.py from",
             "# schema/plinth.schema.json: every field name as a `key: ` token, the schema's",
             "# const and enum values, and YAML punctuation."]
    lines += [quote(k + ": ") for k in sorted(keys)]
    lines += [quote(c) for c in sorted(consts)]
    lines += [quote(t) for t in PUNCTUATION]
    (ROOT / "fuzz" / "synth.dict").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
