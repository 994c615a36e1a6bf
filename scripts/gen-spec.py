#!/usr/bin/env python3
"""Print a valid plinth spec with N managed node groups, for benchmarks.

The spec is the reference example (examples/druid-analytics/plinth.yaml) with its
`cluster.nodeGroups` list replaced: the first group is the example's own `core` group, the
others (`ng-002`, `ng-003`, ...) are copies of it. Everything else is left as it is, so the
result validates exactly when the example does.

    scripts/gen-spec.py 100 > /tmp/plinth-100.yaml
    cargo run -q -- validate /tmp/plinth-100.yaml

Standard library only; writes to stdout.
"""

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "druid-analytics" / "plinth.yaml"


def node_group(name: str) -> str:
    return (
        f"    - name: {name}\n"
        "      amiFamily: bottlerocket\n"
        "      instanceTypes: [t3.medium, t3.large]\n"
        "      minSize: 2\n"
        "      desiredSize: 3\n"
        "      maxSize: 10\n"
    )


def generate(source: str, count: int) -> str:
    lines = source.splitlines(keepends=True)
    try:
        start = next(i for i, l in enumerate(lines) if l.rstrip() == "  nodeGroups:")
    except StopIteration:
        sys.exit(f"gen-spec: no `  nodeGroups:` line in {EXAMPLE}")
    # The list runs until the next key of `cluster` (two-space indent) or a top-level key.
    end = start + 1
    while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
        end += 1
    groups = [node_group("core" if i == 1 else f"ng-{i:03d}") for i in range(1, count + 1)]
    return "".join(lines[: start + 1] + groups + lines[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of node groups (at least 1)")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("count must be at least 1")
    sys.stdout.write(generate(EXAMPLE.read_text(encoding="utf-8"), args.count))


if __name__ == "__main__":
    main()
