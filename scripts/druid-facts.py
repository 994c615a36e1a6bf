#!/usr/bin/env python3
"""Derive upstream/druid/VERSION/{properties,extensions}.json from Apache Druid's own docs.

Druid's documentation for each release lives in apache/druid-website-src under docs/VERSION/
(the docs of apache/druid at the release tag, as published on druid.apache.org). This reads
them from a git directory of that repository (no network) and writes:

- extensions.json: the core extensions ("bundled out of the box") and the community ones, from
  configuration/extensions.md, each with the doc page its table links to;
- properties.json: every runtime property the docs name, with the pages that name it. A name is
  taken from inline code or a table cell (`druid.a.b`), from a `druid.a.b=` line of a code
  block, or from a `druid_a_b` environment variable of a code block (turned into a property by
  the image entrypoint's rule: `__` is a literal `_`, `_` a dot). Placeholders (`<name>`,
  `{name}`) stand for one segment; the segment after `druid.auth.authenticator.` and
  `druid.auth.authorizer.` is always an instance name the operator chooses (the docs' examples
  call it `MyBasicMetadataAuthenticator` and the like), so it becomes a placeholder too. Names
  ending in `.*` are prose ("the druid.cache.l1.* properties") and are left out;
- monitors.json: the metric monitor classes configuration/index.md lists;
- credentials.json: how Druid finds AWS credentials: the AWS SDK for Java it bundles (from the
  release notes' dependency updates) and the S3 extension's credential chain, in order
  (development/extensions-core/s3.md);
- ingestion.json: what a Kafka supervisor spec may hold: the field names the tables of the
  supervisor and ingestion-spec pages document (first column of each table, and the headings
  that name a field, per page), the
  timestamp formats of the timestampSpec table, and the simple granularities of
  querying/granularities.md.

    .venv/bin/python scripts/druid-facts.py --website-git-dir /path/to/druid-website-src.git \\
        --version 34.0.0
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "https://github.com/apache/druid-website-src"

# A property name as the docs write it: dotted segments, a segment may be a placeholder.
PROPERTY = re.compile(r"(?<![A-Za-z0-9_./@-])druid(?:\.(?:[A-Za-z0-9_-]+|<[^<>\s]+>|\{[^{}\s]+\}))+")
ENV_IN_CODE = re.compile(r"(?:name:\s*|^\s*(?:export\s+)?|-e\s+)(druid_[A-Za-z0-9_]+)\b")
MONITOR = re.compile(r"`(org\.apache\.druid\.[A-Za-z0-9_.]+Monitor)`")
NAMED = ("druid.auth.authenticator.", "druid.auth.authorizer.")
FIELD_ROW = re.compile(r"^\|\s*`?([A-Za-z][A-Za-z0-9_.]*)`?\s*\|")
SUPERVISOR_PAGES = ("ingestion/kafka-ingestion.md", "ingestion/supervisor.md",
                    "ingestion/ingestion-spec.md", "ingestion/data-formats.md")
TABLE_ROW = re.compile(r"^\|\s*([A-Za-z0-9_, -]+?)\s*\|.*\[link\]\(\.\./([^)]+)\)\s*\|\s*$")


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True,
                          capture_output=True, text=True).stdout


def env_to_property(name: str) -> str:
    return name.replace("__", "\0").replace("_", ".").replace("\0", "_")


def normalize(name: str) -> str | None:
    """The docs' spelling of a property as plinth's checker matches it, or None for prose."""
    name = name.rstrip(".-")
    segments = name.split(".")
    out = []
    for s in segments:
        out.append("<>" if s.startswith(("<", "{")) else s)
    joined = ".".join(out)
    for prefix in NAMED:
        if joined.startswith(prefix) and len(joined) > len(prefix):
            rest = joined[len(prefix):].split(".", 1)
            joined = prefix + "<>" + ("." + rest[1] if len(rest) > 1 else "")
    if len(out) < 2 or joined.endswith("<>.<>"):
        return None  # too short, or "<name>.<any property>": prose, not a property
    return joined


def properties_of(text: str) -> set[str]:
    found: set[str] = set()
    in_code = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        for m in PROPERTY.finditer(line):
            # Skip host names and packages (druid.apache.org, druid.io, org.apache.druid...).
            after = line[m.end():m.end() + 1]
            if after in ("/", "*") or re.match(r"druid\.(apache|io)\b", m.group(0)):
                continue
            n = normalize(m.group(0))
            if n:
                found.add(n)
        if in_code:
            for m in ENV_IN_CODE.finditer(line):
                n = normalize(env_to_property(m.group(1)))
                if n:
                    found.add(n)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--website-git-dir", type=Path, required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--commit", default="HEAD")
    ap.add_argument("--out", type=Path, help="default: upstream/druid/VERSION")
    args = ap.parse_args()
    out = args.out or ROOT / "upstream" / "druid" / args.version
    commit = git(args.website_git_dir, "rev-parse", args.commit).strip()
    base = f"docs/{args.version}/"
    files = [f for f in git(args.website_git_dir, "ls-tree", "-r", "--name-only", commit, base).splitlines()
             if f.endswith(".md")]
    if not files:
        print(f"no docs under {base} at {commit}", file=sys.stderr)
        return 1

    def read(path: str) -> str:
        return git(args.website_git_dir, "show", f"{commit}:{path}")

    extensions: dict[str, dict[str, dict[str, str]]] = {"core": {}, "community": {}}
    section = None
    for line in read(base + "configuration/extensions.md").splitlines():
        if line.startswith("## "):
            section = {"## Core extensions": "core", "## Community extensions": "community"}.get(line.strip())
            continue
        m = TABLE_ROW.match(line)
        if section and m:
            for name in m.group(1).split(","):
                extensions[section][name.strip()] = {"docs": m.group(2)}
    ext_docs: dict[str, list[str]] = {}
    for kind in extensions.values():
        for name, e in sorted(kind.items()):
            ext_docs.setdefault(e["docs"], []).append(name)

    props: dict[str, set[str]] = {}
    for f in files:
        page = f[len(base):]
        for p in properties_of(read(f)):
            props.setdefault(p, set()).add(page)
    monitors = sorted(set(MONITOR.findall(read(base + "configuration/index.md"))))

    fields = {}
    for page in SUPERVISOR_PAGES:
        text = read(base + page)
        names = {m.group(1) for line in text.splitlines() if (m := FIELD_ROW.match(line))}
        names |= set(re.findall(r"(?m)^#+ +`([A-Za-z][A-Za-z0-9_.]*)`", text))
        fields[page] = sorted(names - {"Field", "Property", "Name", "Parameter"})
    spec_page = read(base + "ingestion/ingestion-spec.md")
    format_row = next(line for line in spec_page.splitlines() if line.startswith("|format|"))
    timestamp_formats = re.findall(r"<li>`([a-z]+)`", format_row)
    granularities = []
    for line in read(base + "querying/granularities.md").split("### Simple Granularities", 1)[1].splitlines():
        m = re.match(r"^\s*-\s*`([a-z_]+)`", line)
        if m:
            granularities.append(m.group(1))
        elif granularities and line.startswith("The "):
            break

    notes = read(base + "release-info/release-notes.md")
    sdk = re.search(r"`aws\.sdk` for Java from `[^`]+` to +`([^`]+)`", notes)
    if not sdk:
        print("the release notes name no AWS SDK for Java version; read it off the tag's pom.xml",
              file=sys.stderr)
        return 1
    chain = []
    for line in read(base + "development/extensions-core/s3.md").splitlines():
        m = re.match(r"^\|(\d+)\|([^|]+)\|(.+)\|\s*$", line)
        if m:
            chain.append({"order": int(m.group(1)), "type": m.group(2).strip(), "details": m.group(3).strip()})

    source = {"repository": REPOSITORY, "commit": commit, "docs": base}
    out.mkdir(parents=True, exist_ok=True)
    (out / "extensions.json").write_text(json.dumps(
        {"version": args.version, "source": source | {"page": "configuration/extensions.md"},
         "core": extensions["core"], "community": extensions["community"]},
        indent=1, sort_keys=True) + "\n")
    (out / "properties.json").write_text(json.dumps(
        {"version": args.version, "source": source,
         "extension_pages": dict(sorted(ext_docs.items())),
         "properties": {p: sorted(pages) for p, pages in sorted(props.items())}},
        indent=1, sort_keys=True) + "\n")
    (out / "monitors.json").write_text(json.dumps(
        {"version": args.version, "source": source | {"page": "configuration/index.md"},
         "monitors": monitors}, indent=1, sort_keys=True) + "\n")
    (out / "ingestion.json").write_text(json.dumps(
        {"version": args.version, "source": source, "fields": fields,
         "timestamp_formats": timestamp_formats, "granularities": granularities},
        indent=1, sort_keys=True) + "\n")
    (out / "credentials.json").write_text(json.dumps(
        {"version": args.version, "source": source,
         "aws_sdk_java": {"version": sdk.group(1), "page": "release-info/release-notes.md"},
         "s3_chain": {"page": "development/extensions-core/s3.md", "providers": chain}},
        indent=1, sort_keys=True) + "\n")
    print(f"{out}: {len(extensions['core'])} core and {len(extensions['community'])} community "
          f"extensions, {len(props)} properties, {len(monitors)} monitors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
