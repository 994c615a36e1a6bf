#!/usr/bin/env python3
"""Print a valid plinth spec of a chosen size, for benchmarks.

With a count N, the spec is the reference example (examples/druid-analytics/plinth.yaml) with
its `cluster.nodeGroups` list replaced: the first group is the example's own `core` group, the
others (`ng-002`, `ng-003`, ...) are copies of it. Everything else is left as it is, so the
result validates exactly when the example does.

With `--services N`, the spec is the web-services example (examples/web-services/plinth.yaml,
three environments) with its `workloads.services` replaced by N services in the example's three
shapes, taken in turn: public behind the load balancer (`svc-001`, ...), cluster-internal and
called by the public one before it, and internal behind an NLB with a private DNS name and a
secret from Secrets Manager. Every environment overrides every service (replicas, and the
public ones' host names), so the overlays grow with N too.

    scripts/gen-spec.py 100 > /tmp/plinth-100.yaml
    scripts/gen-spec.py --services 200 > /tmp/plinth-200-services.yaml
    cargo run -q -- validate /tmp/plinth-100.yaml

Standard library only; writes to stdout.
"""

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "druid-analytics" / "plinth.yaml"
WEB_SERVICES = ROOT / "examples" / "web-services" / "plinth.yaml"


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


def service(i: int) -> str:
    """The base definition of service i (1-based), in one of three shapes."""
    name = f"svc-{i:03d}"
    shape = (i - 1) % 3
    head = f"    - name: {name}\n      image: {{tag: \"0.1.0\"}}\n      metricsPath: /metrics\n"
    if shape == 0:
        return head + (
            "      resources:\n"
            "        requests: {cpu: 250m, memory: 128Mi}\n"
            "        limits: {memory: 256Mi}\n"
            f"      expose: {{type: public, host: {name}.shop.acme.dev}}\n"
            "      autoscaling: {minReplicas: 2, maxReplicas: 6, cpuUtilization: 70}\n"
        )
    caller = f"svc-{i - shape:03d}"
    if shape == 1:
        return head + f"      allowFrom: [{caller}]\n"
    return head + (
        f"      expose: {{type: internal, privateDns: {name}.backend.internal}}\n"
        f"      allowFrom: [{caller}]\n"
        "      secretEnv:\n"
        "        TOKEN:\n"
        f"          secret: arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/{name}\n"
        "          key: token\n"
    )


def overlay(i: int, environment: str) -> str:
    """What environment changes about service i."""
    name = f"svc-{i:03d}"
    replicas = {"dev": 1, "staging": 2, "prod": 3}[environment]
    if (i - 1) % 3 == 0:
        return (
            f"        - name: {name}\n"
            f"          expose: {{host: {name}.{environment}.shop.acme.dev}}\n"
            f"          autoscaling: {{minReplicas: {replicas}, maxReplicas: {replicas * 4}}}\n"
        )
    return f"        - {{name: {name}, replicas: {replicas}}}\n"


def with_services(source: str, count: int) -> str:
    lines = source.splitlines(keepends=True)
    try:
        start = next(i for i, l in enumerate(lines) if l.rstrip() == "  services:")
        environments = next(i for i, l in enumerate(lines) if l.rstrip() == "environments:")
    except StopIteration:
        sys.exit(f"gen-spec: no `  services:` or `environments:` line in {WEB_SERVICES}")
    out = lines[: start + 1] + [service(i) for i in range(1, count + 1)]
    out.append("environments:\n")
    # Each environment keeps its own settings and gets an overlay of every service in place
    # of the example's: the example's environments block is rewritten line by line.
    block = lines[environments + 1 :]
    i = 0
    while i < len(block):
        line = block[i]
        if line.rstrip() == "    workloads:":
            environment = current
            i += 1
            while i < len(block) and (block[i].startswith("      ") or not block[i].strip()):
                i += 1
            out.append("    workloads:\n      services:\n")
            out.extend(overlay(n, environment) for n in range(1, count + 1))
            continue
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            current = line.strip().rstrip(":")
        out.append(line)
        i += 1
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", help="number of node groups (at least 1)")
    parser.add_argument("--services", type=int, help="number of application services (at least 1)")
    args = parser.parse_args()
    if (args.count is None) == (args.services is None):
        parser.error("give either a node-group count or --services N")
    if args.services is not None:
        if args.services < 1:
            parser.error("--services must be at least 1")
        sys.stdout.write(with_services(WEB_SERVICES.read_text(encoding="utf-8"), args.services))
        return
    if args.count < 1:
        parser.error("count must be at least 1")
    sys.stdout.write(generate(EXAMPLE.read_text(encoding="utf-8"), args.count))


if __name__ == "__main__":
    main()
