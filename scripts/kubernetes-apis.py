#!/usr/bin/env python3
"""Regenerate upstream/kubernetes/apis.json: which built-in apiVersion/kind pairs each Kubernetes
minor serves, and when each was deprecated, removed and replaced.

Nothing in the output is typed in by hand; every fact comes from one of two upstream sources:

1. Served -- the `kubernetes-validate` package (PyPI). It bundles JSON schemas generated from
   Kubernetes' own OpenAPI document, one directory per release
   (`kubernetes_validate/kubernetes-json-schema/v1.M.0-local/`). Its `_definitions.json` holds
   every OpenAPI definition with its `x-kubernetes-group-version-kind`; a group/version/kind
   present in v1.M.0's definitions is "served" in minor M. The OpenAPI document also lists
   alpha APIs, which a real API server only serves when enabled; those entries carry
   `"alpha": true`. (Beta APIs introduced since 1.24 are off by default too; the schemas do not
   say so, and neither does this file.) `minors` is the set of v1.M.0 directories found.

2. Deprecated / removed / replacement -- the kubernetes/api repository (k8s.io/api), read from a
   bare git directory:
   - `<group>/<version>/zz_generated.prerelease-lifecycle.go` defines, per type,
     `APILifecycleIntroduced`, `APILifecycleDeprecated`, `APILifecycleRemoved` and
     `APILifecycleReplacement` (generated from `+k8s:prerelease-lifecycle-gen` tags). The group
     name is `GroupName` in the same directory's `register.go`. Of every minor from one below
     the first covered minor up to the last, the newest release tag `v0.M.P` is read (or, for
     a minor without a release yet, its newest pre-release tag); for each type the newest tag
     that still has it wins, so APIs whose Go types have since been deleted (e.g.
     policy/v1beta1 PodSecurityPolicy, last in v0.24.x) are still found.
   - GA deprecations (no lifecycle tags) come from the OpenAPI description of the kind in the
     schemas ("Deprecated: This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice."),
     confirmed against the doc comment on the type in `<group>/<version>/types.go`.

Rules:
- Kinds: only objects one can create and keep -- a kind with `metadata: ObjectMeta` and a
  `<Kind>List` in the same group/version. This drops List kinds, option/status types,
  subresource bodies (Scale, Eviction, Binding, TokenRequest) and every *Review kind (TokenReview,
  SubjectAccessReview, SelfSubjectReview, ...). ComponentStatus is dropped too: it is read-only.
- `served`: [first, last] minor (within `minors`) whose schemas have the kind, or null when
  none does (kept only when the API was removed within `minors`, e.g. batch/v1beta1 CronJob).
- `removed`: the first minor that no longer serves it. When the schemas show it (last served
  minor + 1 within `minors`) that is used; otherwise it is the lifecycle file's
  `APILifecycleRemoved`, which for an API still served in the newest minor is the minor
  Kubernetes has scheduled the removal for (it can be later than the newest covered minor).
- `deprecated`: `APILifecycleDeprecated`, else the GA deprecation in the description, else
  null. Like `removed`, it may be a scheduled minor beyond the newest covered one.
- `replacement`: the apiVersion of `APILifecycleReplacement` (or of the GA description's "Use
  ..."); `replacementKind` is added only when the replacement's kind differs (v1 Endpoints ->
  discovery.k8s.io/v1 EndpointSlice).
- `source`: the files each entry's facts came from, with tags and commits.

Usage (runs in seconds; reads only local files):

    .venv/bin/python scripts/kubernetes-apis.py \
        --api-git-dir /path/to/kubernetes-api.git      # writes upstream/kubernetes/apis.json
    .venv/bin/python scripts/kubernetes-apis.py --check --api-git-dir ...   # exit 1 if stale

Refreshing when a new Kubernetes minor (1.N) comes out:
1. Upgrade kubernetes-validate to the release that bundles v1.N.0 (its version tracks the
   newest Kubernetes it carries: `pip install -U kubernetes-validate`; pin it where the
   project's Python requirements live) and check `kubernetes-json-schema/v1.N.0-local` exists.
2. Update the kubernetes/api git directory (`git clone --bare
   https://github.com/kubernetes/api`, or `git fetch --tags` in an existing one) so it has the
   v0.N.x tags.
3. Rerun this script, review `git diff upstream/kubernetes/apis.json` and the warnings it
   prints (new groups, served ranges with gaps, lifecycle/schema disagreements), and update
   upstream/kubernetes/PROVENANCE (package version, tags, commits, date).
To drop old minors, pass `--first-minor`.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
from importlib import metadata

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "upstream" / "kubernetes" / "apis.json"
DEFAULT_API_GIT_DIR = os.environ.get("KUBERNETES_API_GIT_DIR", "/work/.mirror/kubernetes+api/repo")
API_REPO_URL = "https://github.com/kubernetes/api"

# Built-in groups this file is meant to cover. A group found in the schemas but not here is
# still written out (the schemas hold nothing but built-in APIs) with a warning, so that a new
# upstream group is noticed; lifecycle-only entries (never served within `minors`) are taken
# only from these groups (this keeps out e.g. apidiscovery.k8s.io, which is no REST group).
KNOWN_GROUPS = {
    "",  # core, apiVersion "v1"
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "lifecycle.k8s.io",  # new in 1.37 (alpha EvictionRequest/Eviction)
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
}

# Kinds that pass the "has ObjectMeta and a List" test but cannot be created.
NOT_CREATABLE = {
    ("", "ComponentStatus"),  # read-only (get/list), deprecated since 1.19
}

SCHEMA_DIR_RE = re.compile(r"^v1\.(\d+)\.0-local$")
ALPHA_RE = re.compile(r"^v\d+alpha\d+$")
PRERELEASE_RE = re.compile(r"^v\d+(alpha|beta)\d+$")
TAG_RE = re.compile(r"^v0\.(\d+)\.(\d+)(?:-(alpha|beta|rc)\.(\d+))?$")
LIFECYCLE_INT_RE = re.compile(
    r"func \(in \*(\w+)\) APILifecycle(Introduced|Deprecated|Removed)\(\) \(major, minor int\) \{\s*"
    r"return (\d+), (\d+)"
)
LIFECYCLE_REPL_RE = re.compile(
    r"func \(in \*(\w+)\) APILifecycleReplacement\(\) schema\.GroupVersionKind \{\s*"
    r'return schema\.GroupVersionKind\{Group: "([^"]*)", Version: "([^"]*)", Kind: "([^"]*)"\}'
)
GROUPNAME_RE = re.compile(r'GroupName\s*=\s*"([^"]*)"')
# "Deprecated: This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice."
GA_DEPRECATED_RE = re.compile(r"[Dd]eprecated:?\s+(?:This API is deprecated\s+)?in v?1\.(\d+)\+?")
GA_USE_RE = re.compile(r"\bUse (\w+?)(v\d+(?:alpha\d+|beta\d+)?)\.(\w+)")

warnings: list[str] = []


def warn(msg: str) -> None:
    warnings.append(msg)
    print(f"warning: {msg}", file=sys.stderr)


def api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


# --- kubernetes-validate schemas -------------------------------------------------------------


def schema_root(explicit: str | None) -> pathlib.Path:
    if explicit:
        return pathlib.Path(explicit)
    import kubernetes_validate  # noqa: PLC0415

    return pathlib.Path(kubernetes_validate.__file__).resolve().parent / "kubernetes-json-schema"


def load_schemas(root: pathlib.Path, first_minor: int | None):
    """{minor: {(group, version, kind): info}} from each v1.M.0-local/_definitions.json."""
    by_minor: dict[int, dict] = {}
    for d in sorted(root.iterdir()):
        m = SCHEMA_DIR_RE.match(d.name)
        if not m or (first_minor is not None and int(m[1]) < first_minor):
            continue
        minor = int(m[1])
        defs = json.loads((d / "_definitions.json").read_text())["$defs"]
        found = {}
        for name, spec in defs.items():
            gvks = spec.get("x-kubernetes-group-version-kind") or []
            if len(gvks) != 1:  # DeleteOptions / WatchEvent are tagged with every group
                continue
            g = gvks[0]
            meta = spec.get("properties", {}).get("metadata", {}).get("$ref", "")
            found[(g["group"], g["version"], g["kind"])] = {
                "definition": name,
                "objectmeta": meta.endswith(".ObjectMeta"),
                "description": spec.get("description", ""),
            }
        by_minor[minor] = found
    if not by_minor:
        sys.exit(f"no v1.M.0-local schema directories under {root}")
    return by_minor


# --- kubernetes/api git ------------------------------------------------------------------------


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True
    ).stdout


def tag_key(tag: str):
    m = TAG_RE.match(tag)
    rank = {"alpha": 0, "beta": 1, "rc": 2, None: 3}[m[3]]
    return (int(m[1]), int(m[2]), rank, int(m[4] or 0))


def choose_tags(git_dir: str, lo: int, hi: int) -> list[str]:
    """Newest release tag of each minor lo..hi (newest pre-release when a minor has no
    release yet), newest first."""
    best: dict[int, str] = {}
    for tag in git(git_dir, "tag", "--list", "v0.*").split():
        if not TAG_RE.match(tag):
            continue
        minor = tag_key(tag)[0]
        if lo <= minor <= hi and (minor not in best or tag_key(tag) > tag_key(best[minor])):
            best[minor] = tag
    missing = [m for m in range(lo, hi + 1) if m not in best]
    if missing:
        warn(f"kubernetes/api has no v0.M tags for minors {missing}")
    return [best[m] for m in sorted(best, reverse=True)]


def load_lifecycle(git_dir: str, tags: list[str]):
    """{(group, version, kind): facts} from zz_generated.prerelease-lifecycle.go, newest tag
    first; plus {(group, version): (tag, dir)} of the newest tag having each package."""
    facts: dict[tuple, dict] = {}
    packages: dict[tuple, tuple] = {}
    commits = {t: git(git_dir, "rev-list", "-n1", t).strip() for t in tags}
    for tag in tags:
        files = git(git_dir, "ls-tree", "-r", "--name-only", tag).split()
        fileset = set(files)
        for path in files:
            if not path.endswith("/zz_generated.prerelease-lifecycle.go"):
                continue
            pkg = path.rsplit("/", 1)[0]
            version = pkg.rsplit("/", 1)[1]
            register = f"{pkg}/register.go"
            if register not in fileset:
                warn(f"{tag}: {pkg} has no register.go; skipped")
                continue
            gm = GROUPNAME_RE.search(git(git_dir, "show", f"{tag}:{register}"))
            if not gm:
                warn(f"{tag}: no GroupName in {register}; skipped")
                continue
            group = gm[1]
            packages.setdefault((group, version), (tag, pkg))
            text = git(git_dir, "show", f"{tag}:{path}")
            per_type: dict[str, dict] = {}
            for m in LIFECYCLE_INT_RE.finditer(text):
                if m[3] != "1":
                    warn(f"{tag}:{path}: {m[1]} lifecycle major {m[3]} ignored")
                    continue
                per_type.setdefault(m[1], {})[m[2].lower()] = int(m[4])
            for m in LIFECYCLE_REPL_RE.finditer(text):
                per_type.setdefault(m[1], {})["replacement"] = (m[2], m[3], m[4])
            types = set(per_type)
            for kind, f in per_type.items():
                key = (group, version, kind)
                if key in facts:  # a newer tag already had it
                    continue
                facts[key] = {
                    **f,
                    "tag": tag,
                    "commit": commits[tag],
                    "path": path,
                    "has_list": f"{kind}List" in types,
                }
    for (g, v), (tag, pkg) in packages.items():
        packages[(g, v)] = (tag, pkg, commits[tag])
    return facts, packages, commits


def types_go_deprecation(git_dir: str, packages: dict, group: str, version: str, kind: str):
    """The 'deprecated in v1.N' minor in the doc comment of `type Kind struct`, if any."""
    if (group, version) not in packages:
        return None
    tag, pkg, commit = packages[(group, version)]
    try:
        text = git(git_dir, "show", f"{tag}:{pkg}/types.go")
    except subprocess.CalledProcessError:
        return None
    m = re.search(r"((?:^[ \t]*//[^\n]*\n)+)type " + re.escape(kind) + r" struct", text, re.M)
    if not m:
        return None
    d = GA_DEPRECATED_RE.search(" ".join(line.strip().lstrip("/") for line in m[1].splitlines()))
    return (int(d[1]), f"kubernetes/api {tag} ({commit}) {pkg}/types.go") if d else None


# --- assembly --------------------------------------------------------------------------------


def resolve_go_alias(alias: str, version: str, kind: str, all_gvks: set):
    """'discovery', 'v1', 'EndpointSlice' -> 'discovery.k8s.io'."""
    for g, v, k in all_gvks:
        if v == version and k == kind and (g.split(".")[0] == alias or (alias == "core" and g == "")):
            return g
    return None


def build(args) -> tuple[dict, list[str]]:
    root = schema_root(args.schemas)
    schemas = load_schemas(root, args.first_minor)
    minors = sorted(schemas)
    lo, hi = minors[0], minors[-1]
    try:
        kv_version = metadata.version("kubernetes-validate")
    except metadata.PackageNotFoundError:
        kv_version = "unknown"
    tags = choose_tags(args.api_git_dir, lo - 1, hi)
    lifecycle, packages, commits = load_lifecycle(args.api_git_dir, tags)

    all_gvks = set().union(*(set(s) for s in schemas.values()))
    served_in: dict[tuple, list[int]] = {}
    info: dict[tuple, dict] = {}
    for minor in minors:
        for key, v in schemas[minor].items():
            served_in.setdefault(key, []).append(minor)
            info.setdefault(key, {"first": v})["last"] = v
    used_tags: set[str] = set()

    def creatable_in_schemas(key) -> bool:
        g, v, k = key
        if k.endswith("List") or (g, k) in NOT_CREATABLE:
            return False
        if not info[key]["last"]["objectmeta"]:
            return False
        return (g, v, k + "List") in all_gvks

    candidates = {k for k in served_in if creatable_in_schemas(k)}
    for key, f in lifecycle.items():
        g, v, k = key
        if key in candidates or key in served_in:
            continue
        if g not in KNOWN_GROUPS or k.endswith("List") or (g, k) in NOT_CREATABLE:
            continue
        if not f["has_list"]:
            continue
        if f.get("removed") is not None and lo <= f["removed"] <= hi:
            candidates.add(key)

    for g in sorted({k[0] for k in candidates} - KNOWN_GROUPS):
        warn(f"group {g!r} is in the schemas but not in KNOWN_GROUPS; included anyway")

    apis = []
    for key in candidates:
        group, version, kind = key
        entry: dict = {"apiVersion": api_version(group, version), "kind": kind}
        sources = []
        ms = served_in.get(key)
        lc = lifecycle.get(key)
        if ms:
            entry["served"] = [ms[0], ms[-1]]
            if ms != list(range(ms[0], ms[-1] + 1)):
                warn(f"{entry['apiVersion']} {kind}: served with gaps: {ms}")
            defn = info[key]["last"]["definition"]
            sources.append(
                f"served: kubernetes-validate {kv_version} "
                f"kubernetes-json-schema/v1.{{{ms[0]}..{ms[-1]}}}.0-local/_definitions.json {defn}"
            )
        else:
            entry["served"] = None
        if ALPHA_RE.match(version):
            entry["alpha"] = True

        deprecated = removed = None
        replacement = None
        if lc:
            used_tags.add(lc["tag"])
            deprecated = lc.get("deprecated")
            removed = lc.get("removed")
            if "replacement" in lc:
                rg, rv, rk = lc["replacement"]
                if rk == kind + "List":  # upstream typo (networking/v1beta1 IngressClass)
                    rk = kind
                replacement = (api_version(rg, rv), rk)
            if deprecated is not None or removed is not None or replacement:
                sources.append(
                    f"lifecycle: kubernetes/api {lc['tag']} ({lc['commit']}) {lc['path']}"
                )
        # GA (or untagged) deprecations from the OpenAPI description.
        if deprecated is None and ms:
            for minor in ms:
                desc = schemas[minor][key]["description"]
                d = GA_DEPRECATED_RE.search(desc)
                if not d:
                    continue
                deprecated = int(d[1])
                sources.append(
                    f"deprecated: kubernetes-validate {kv_version} "
                    f"kubernetes-json-schema/v1.{minor}.0-local/_definitions.json "
                    f"{schemas[minor][key]['definition']} description: {d[0]!r}"
                )
                u = GA_USE_RE.search(desc[d.start():])
                if u and replacement is None:
                    rg = resolve_go_alias(u[1], u[2], u[3], all_gvks)
                    if rg is None:
                        warn(f"{entry['apiVersion']} {kind}: cannot resolve replacement {u[0]!r}")
                    else:
                        replacement = (api_version(rg, u[2]), u[3])
                confirm = types_go_deprecation(args.api_git_dir, packages, group, version, kind)
                if confirm and confirm[0] == deprecated:
                    sources.append(f"confirmed by the type's doc comment in {confirm[1]}")
                    used_tags.add(confirm[1].split()[1])
                elif confirm:
                    warn(f"{entry['apiVersion']} {kind}: types.go says deprecated {confirm[0]}")
                break

        # Observed removal wins over the declared one.
        if ms and ms[-1] < hi:
            observed = ms[-1] + 1
            if removed is not None and removed != observed:
                warn(
                    f"{entry['apiVersion']} {kind}: lifecycle says removed in {removed}, "
                    f"schemas stop serving it in {observed}; using {observed}"
                )
                sources.append(f"removed: {observed} per schemas (lifecycle declares {removed})")
            removed = observed
        elif ms and removed is not None and removed <= hi:
            warn(
                f"{entry['apiVersion']} {kind}: lifecycle says removed in {removed}, "
                f"but v1.{hi}.0 schemas still have it; removed left null"
            )
            removed = None
        entry["deprecated"] = deprecated
        entry["removed"] = removed
        entry["replacement"] = replacement[0] if replacement else None
        if replacement and replacement[1] != kind:
            entry["replacementKind"] = replacement[1]
        entry["source"] = "; ".join(sources)
        apis.append(entry)

    apis.sort(key=lambda e: (e["apiVersion"], e["kind"]))
    src = [
        f"kubernetes-validate {kv_version} (PyPI): "
        f"kubernetes_validate/kubernetes-json-schema/v1.{lo}.0-local .. v1.{hi}.0-local/"
        "_definitions.json (generated from Kubernetes' OpenAPI); served ranges, GA deprecations",
    ]
    for tag in sorted(used_tags, key=tag_key, reverse=True):
        src.append(
            f"{API_REPO_URL} tag {tag} commit {commits[tag]}: "
            "*/zz_generated.prerelease-lifecycle.go, */register.go, */types.go"
        )
    return {"minors": minors, "sources": src, "apis": apis}, tags


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--api-git-dir", default=DEFAULT_API_GIT_DIR,
                   help="bare git directory of https://github.com/kubernetes/api "
                   "(default: $KUBERNETES_API_GIT_DIR or %(default)s)")
    p.add_argument("--schemas", help="kubernetes-json-schema directory "
                   "(default: the one inside the installed kubernetes_validate package)")
    p.add_argument("--first-minor", type=int, help="ignore schema minors below this")
    p.add_argument("--output", default=str(OUTPUT))
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 if the output file differs")
    args = p.parse_args()

    data, tags = build(args)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    out = pathlib.Path(args.output)
    print(f"kubernetes/api tags read: {', '.join(tags)}", file=sys.stderr)
    print(f"{len(data['apis'])} entries, minors {data['minors'][0]}..{data['minors'][-1]}",
          file=sys.stderr)
    if args.check:
        if not out.exists() or out.read_text() != text:
            print(f"{out} is out of date; rerun without --check", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
