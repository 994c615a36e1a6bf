"""Checks the Helm releases `plinth synth` writes against the charts they install, as they are.

    check_charts.py DIR [DIR ...]      # each DIR is a `plinth synth` output

Every Argo CD Application with a Helm chart source in DIR/kubernetes/ names a chart, a pinned
version and inline values. Each chart is vendored, exactly as its public repository has it at
the release tag, in upstream/charts/<chart>/<version>/ (scripts/vendor-chart, PROVENANCE in each
directory). For every release:

- the vendored chart exists, and its Chart.yaml has that name and version;
- every key path plinth sets is one the chart reads: a key of its values.yaml (or of the
  values.yaml of the subchart the path's first key names), a path its templates read as
  `.Values.a.b`, a key under a map the chart declares empty (`{}`) and only ever reads whole
  (annotations, node selectors), under a map its templates hand to `toYaml` whole (a pod's
  securityContext, a container's resources: the rendered object's strict schema check judges
  those keys), or under a map the chart passes on to what it deploys, whose keys it keeps in
  files of its own (PASSED_ON below, with the reason);
- the values pass the chart's values.schema.json (and its subcharts'), through Helm's own
  validation;
- every template renders with those values, with Helm's own engine (helm-python-sdk: Helm v4's
  Go SDK behind a C ABI, no helm binary and no network), as Argo CD renders the chart: a
  `required` or `fail` in a template is a problem. Helm test hooks are left out, as Argo CD
  leaves them out. Argo CD renders with the cluster's API versions, CRDs included; offline,
  a chart's `.Capabilities.APIVersions.Has` test of a custom API is answered from the CRDs the
  same output installs (its own manifests and every chart's), in a scratch copy of the chart;
- with the EKS Argo CD capability, no chart renders more than the 150 objects an Application
  of the capability may hold;
- the values file plinth writes beside the Application (kubernetes/20-addons/values/NAME.yaml)
  holds the same values.

The rendered objects — with the chart's crds/ unless the Application skips CRDs — and plinth's
own manifests are then written as one synth output into a scratch directory and checked by
check_manifests.py, the same check plinth's own objects pass: built-in kinds strictly against
the cluster's Kubernetes schemas, custom resources against schemas/crds, and no object created
twice — not by two Applications, nor by an Application and plinth. A chart's rendered Secrets
may carry data (certificates a chart generates at render time never reach plinth's output,
since Argo CD renders the chart in the cluster); every other rule applies.

Prints one line per problem, naming the output, chart, version and key path, then a summary.
Exits 1 on any problem.
"""

import io
import json
import pathlib
import re
import shutil
import sys
import tarfile
import tempfile

import yaml

import check_manifests

ROOT = pathlib.Path(__file__).resolve().parent.parent
UPSTREAM = ROOT / "upstream" / "charts"

# Charts plinth pins that cannot be vendored from this project's machines, with the reason.
# Their releases are reported as unchecked on every run; nothing else about them passes silently.
NOT_VENDORED = {
    ("airflow", "1.22.0"): "apache/airflow (the chart's source, chart/ at tag helm-chart/1.22.0) is "
                           "over the size the project's tools can bring onto its machines; vendor it "
                           "with scripts/vendor-chart from a machine that can clone it",
}

# Values a chart passes on to software it deploys, whose keys the chart keeps in files of its
# own rather than in values.yaml: (chart, top-level key) -> the files, merged in order, whose
# keys are the valid ones, and the reason.
def _k8s_monitoring_collector(name):
    return (["collectors/upstream/alloy-values.yaml", "collectors/alloy-values.yaml",
             f"collectors/named-defaults/{name}.yaml"],
            "k8s-monitoring merges each collector's values over the Alloy chart's values it keeps in "
            "collectors/upstream/alloy-values.yaml (templates/collectors/_collector_helpers.tpl, "
            "collector.alloy.values) and passes them to the Alloy resource")


PASSED_ON = {
    ("k8s-monitoring", name): _k8s_monitoring_collector(name)
    for name in ("alloy-metrics", "alloy-singleton", "alloy-logs", "alloy-receiver", "alloy-profiles")
}

VALUES_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")
# A map the templates hand to `toYaml` whole, into a Kubernetes field: any key beneath it is
# passed through (and judged by the strict schema check of the rendered object instead).
WHOLE_REF = re.compile(r"toYaml\s+\(?\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")
WITH_WHOLE_REF = re.compile(r"with\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*-?\}\}[^{]*\{\{-?\s*toYaml\s+\.\s")
INDEX_REF = re.compile(r"index\s+\$?\.Values((?:\s+\"[^\"]+\")+)")


class Chart:
    """A vendored chart: its defaults, the paths its templates read, its subcharts (unpacked
    directories or packaged `.tgz` files under charts/, as Helm loads both)."""

    def __init__(self, files: dict):
        """`files`: the chart's files by path relative to its root."""
        self.meta = yaml.safe_load(files["Chart.yaml"])
        self.defaults = yaml.safe_load(files.get("values.yaml", "")) or {}
        self.refs = set()
        self.whole = set()
        for path, text in files.items():
            if path.startswith("templates/"):
                for m in list(WHOLE_REF.finditer(text)) + list(WITH_WHOLE_REF.finditer(text)):
                    self.whole.add(tuple(m.group(1).strip(".").split(".")))
                for m in VALUES_REF.finditer(text):
                    self.refs.add(tuple(m.group(1).strip(".").split(".")))
                for m in INDEX_REF.finditer(text):
                    self.refs.add(tuple(re.findall(r"\"([^\"]+)\"", m.group(1))))
        aliases = {d.get("name"): d.get("alias") or d.get("name")
                   for d in self.meta.get("dependencies") or []}
        subcharts = {}
        for path, text in files.items():
            parts = path.split("/")
            if parts[0] != "charts" or len(parts) < 2:
                continue
            if len(parts) == 2 and parts[1].endswith(".tgz"):
                subcharts[parts[1]] = packaged(text)
            elif len(parts) > 2:
                subcharts.setdefault(parts[1], {})["/".join(parts[2:])] = text
        self.passed_on = {}
        for (chart, key), (names, _reason) in PASSED_ON.items():
            if chart == self.meta.get("name"):
                merged = {}
                for name in names:
                    merge(merged, yaml.safe_load(files.get(name, "")) or {})
                self.passed_on[key] = Chart({"Chart.yaml": yaml.safe_dump({"name": f"{chart} {key}"}),
                                             "values.yaml": yaml.safe_dump(merged)})
        self.subcharts = {}
        for sub in sorted(subcharts):
            if "Chart.yaml" in subcharts[sub]:
                c = Chart(subcharts[sub])
                self.subcharts[aliases.get(c.meta.get("name"), c.meta.get("name"))] = c

    @classmethod
    def load(cls, path: pathlib.Path) -> "Chart":
        files = {}
        for f in sorted(path.rglob("*")):
            if f.is_file():
                rel = str(f.relative_to(path))
                files[rel] = f.read_bytes() if f.suffix == ".tgz" else f.read_text(errors="replace")
        return cls(files)

    def default_at(self, path):
        node = self.defaults
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return KeyError
            node = node[key]
        return node

    def read_deeper(self, path) -> bool:
        n = len(path)
        return any(len(r) > n and r[:n] == tuple(path) for r in self.refs)

    def problem(self, path, value) -> str | None:
        """Why the chart does not read `path` (a tuple of keys) set to `value`; None if it does."""
        if len(path) > 1 and path[0] in self.passed_on:
            return self.passed_on[path[0]].problem(path[1:], value)
        if len(path) > 1 and path[0] in self.subcharts and self.default_at(path) is KeyError \
                and tuple(path) not in self.refs and not self.read_deeper(path):
            # A subchart's values, under its name (or alias): the parent's values.yaml may
            # override a few of them, Helm passes the whole map to the subchart.
            return self.subcharts[path[0]].problem(path[1:], value)
        for i in range(1, len(path) + 1):
            prefix = path[:i]
            if i < len(path) and tuple(prefix) in self.whole:
                return None  # handed to toYaml whole
            default = self.default_at(prefix)
            if default == {} and not self.read_deeper(prefix) and i < len(path):
                return None  # an empty map the templates read whole
            if default is KeyError and tuple(prefix) not in self.refs and not self.read_deeper(prefix):
                if i == 1 and path[0] in self.subcharts:
                    return self.subcharts[path[0]].problem(path[1:], value)
                if i == 1 and path[0] == "global":
                    if any(c.problem(path, value) is None for c in self.subcharts.values()):
                        return None
                where = "values.yaml" + (f" (nor subcharts {', '.join(sorted(self.subcharts))})"
                                         if self.subcharts else "")
                return f"`{'.'.join(prefix)}` is not a key of {where}, and no template reads it"
        return None


def merge(into: dict, other: dict) -> dict:
    """Helm's deep merge of values: maps merge, anything else replaces."""
    for k, v in other.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            merge(into[k], v)
        else:
            into[k] = v
    return into


def packaged(data: bytes) -> dict:
    """The files of a packaged chart (`NAME-VERSION.tgz`: one top directory, the chart's name)."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                rel = member.name.split("/", 1)[1] if "/" in member.name else member.name
                raw = tar.extractfile(member).read()
                files[rel] = raw if rel.endswith(".tgz") else raw.decode(errors="replace")
    return files


def leaf_paths(value, prefix=()):
    """Every key path of a values tree down to a non-map or an empty map."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from leaf_paths(v, prefix + (str(k),))
    else:
        yield prefix, value


def key_problems(chart: Chart, values) -> list:
    out = []
    for path, value in leaf_paths(values):
        if path:
            message = chart.problem(path, value)
            if message:
                out.append((".".join(path), message))
    return out


def applications(kube: pathlib.Path) -> list:
    """(file, Application) for every Application of the output with a Helm chart source."""
    apps = []
    for path in sorted(kube.rglob("*.yaml")):
        if "values" in path.relative_to(kube).parts[:-1]:
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "Application" \
                    and (doc.get("spec") or {}).get("source", {}).get("chart"):
                apps.append((path, doc))
    return apps


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads a bare `=` as the `value` type, which PyYAML cannot construct; Kubernetes'
    YAML (1.2) reads it as the string "=" (Prometheus operator CRDs list it in enums)."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


# How Helm splits a rendered template into documents (releaseutil.SplitManifests): a `---`
# after a newline, whatever follows it on the line ("---# comment" is a separator too).
_SEPARATOR = re.compile(r"(?:^|\s*\n)---\s*")


def split_documents(text: str) -> list:
    """The objects of a rendered template; a `v1` `List` counts as its items, as Argo CD and
    kubectl apply them (the Load Balancer Controller's IngressClass comes as one)."""
    docs = (yaml.load(part, Loader=_Loader) for part in _SEPARATOR.split(text) if part.strip())
    out = []
    for d in docs:
        if isinstance(d, dict) and d.get("apiVersion") == "v1" and d.get("kind") == "List":
            out.extend(i for i in d.get("items") or [] if isinstance(i, dict))
        elif isinstance(d, dict):
            out.append(d)
    return out


def is_test_hook(doc) -> bool:
    hooks = ((doc.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")
    return any(h.strip().startswith("test") for h in hooks.split(","))


def check_output(out: pathlib.Path, scratch: pathlib.Path, helm, problems: list, used: set,
                 unchecked: list) -> str:
    name = out.name if out.parent.name in ("", ".") else f"{out.parent.name}/{out.name}"
    kube = out / "kubernetes"

    def report(release, chart, version, path, message):
        problems.append(f"{name}: {release} ({chart} {version}){': ' + path if path else ''}: {message}")

    staged = scratch / name.replace("/", "__")
    shutil.copytree(out, staged)
    rendered_dir = staged / "kubernetes" / "20-addons" / "rendered"
    rendered_dir.mkdir(parents=True)
    releases = 0
    pending = []
    for file, app in applications(kube) if kube.is_dir() else []:
        source = app["spec"]["source"]
        chart_name, version = source["chart"], str(source["targetRevision"])
        helm_src = source.get("helm") or {}
        release = helm_src.get("releaseName") or app["metadata"]["name"]
        namespace = (app["spec"].get("destination") or {}).get("namespace") or "default"
        values = helm_src.get("valuesObject") or {}
        releases += 1
        directory = UPSTREAM / chart_name / version
        if not (directory / "Chart.yaml").is_file() and (chart_name, version) in NOT_VENDORED:
            unchecked.append(f"{name}: {release} ({chart_name} {version}): NOT CHECKED: "
                             f"{NOT_VENDORED[(chart_name, version)]}")
            continue
        if not (directory / "Chart.yaml").is_file():
            report(release, chart_name, version, "",
                   f"no vendored chart in {directory.relative_to(ROOT)}: vendor it with scripts/vendor-chart "
                   f"(is {version} a released version of {chart_name}?)")
            continue
        used.add(directory)
        for missing in [f for f in ("LICENSE", "PROVENANCE") if not (directory / f).is_file()]:
            report(release, chart_name, version, "", f"{directory.relative_to(ROOT)} has no {missing}")
        for dep in helm.dependency_list(str(directory)):
            # "ok" is a packaged .tgz, as `helm dependency build` leaves it
            if dep.get("status") not in ("unpacked", "ok"):
                report(release, chart_name, version, "",
                       f"dependency {dep.get('name')} {dep.get('version')} is {dep.get('status')} in "
                       f"{directory.relative_to(ROOT)}/charts: vendor it (scripts/vendor-chart DEP argument)")
        chart = Chart.load(directory)
        if chart.meta.get("name") != chart_name or str(chart.meta.get("version")).lstrip("v") != version.lstrip("v"):
            report(release, chart_name, version, "",
                   f"the vendored Chart.yaml is {chart.meta.get('name')} {chart.meta.get('version')}")
            continue
        values_file = kube / "20-addons" / "values" / f"{app['metadata']['name']}.yaml"
        if values_file.is_file() and (yaml.safe_load(values_file.read_text()) or {}) != values:
            report(release, chart_name, version, "", f"{values_file.relative_to(out)} differs from the Application's values")
        for path, message in key_problems(chart, values):
            report(release, chart_name, version, path, message)
        loaded = helm.Chart.load(str(directory))
        try:
            loaded.validate_schema(values)
        except Exception as err:  # HelmValuesError: names the key and the constraint
            report(release, chart_name, version, "", "values.schema.json: " + " ".join(str(err).split()))
            continue
        pending.append((release, chart_name, version, directory, values, namespace, bool(helm_src.get("skipCrds"))))

    # Argo CD renders with the destination cluster's API versions, the CRDs of every other
    # Application included, which charts test with `.Capabilities.APIVersions.Has`; Helm's
    # offline default knows only the built-in ones. So: render once, collect every CRD the
    # output installs (plinth's own and the charts'), then render again the charts that ask for
    # a custom API, with those answers written into a scratch copy of their templates.
    own = [f for f in sorted(kube.rglob("*.yaml")) if "values" not in f.parts] if kube.is_dir() else []
    available = served_custom_apis(split_documents(f.read_text()) for f in own)
    # The EKS Argo CD capability syncs at most 150 objects per Application
    # (https://docs.aws.amazon.com/eks/latest/userguide/capability-kubernetes-resources.html,
    # plinth_synth::gitops::MAX_OBJECTS_PER_APPLICATION); a self-managed Argo CD has no limit.
    capability = any("AWS::EKS::Capability" in t.read_text() for t in sorted(out.glob("cloudformation/*.json")))
    results, counts = {}, {}
    for item in pending:
        results[item[0]] = render(helm, item, None, scratch)
        available |= served_custom_apis([results[item[0]][1]])
    for item in pending:
        if asks_custom_apis(item[3]):
            results[item[0]] = render(helm, item, available, scratch)
    for release, chart_name, version, _, _, namespace, _ in pending:
        error, docs = results[release]
        if error:
            report(release, chart_name, version, "", "does not render: " + " ".join(error.split()))
            continue
        for d in docs:
            # As the API server stores them: namespaced objects in the release's namespace
            # unless they name one, cluster-scoped ones without a namespace (a chart may write
            # one anyway, spark-operator's ClusterRoles do; it is ignored).
            meta = d.setdefault("metadata", {})
            if cluster_scoped(d):
                meta.pop("namespace", None)
            elif "namespace" not in meta:
                meta["namespace"] = namespace
        counts[release] = len(docs)
        if capability and len(docs) > CAPABILITY_MAX_OBJECTS:
            report(release, chart_name, version, "",
                   f"renders {len(docs)} objects; an Application of the EKS Argo CD capability manages at "
                   f"most {CAPABILITY_MAX_OBJECTS}")
        target = rendered_dir / f"{release}.yaml"
        target.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    largest = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return f"{name}: {releases} releases" + (f", the largest {largest[0]} with {largest[1]} objects" if largest else "")


CRDS = check_manifests.CrdSchemas(check_manifests.CRD_SCHEMAS)
CAPABILITY_MAX_OBJECTS = 150

CAPABILITY = re.compile(r'\$?\.Capabilities\.APIVersions\.Has\s+"([^"]+)"')


def is_custom_api(api: str) -> bool:
    """`group/version[/kind]` of a group the API server does not build in."""
    group = api.split("/")[0] if "/" in api else ""
    return "." in group and group not in check_manifests.BUILTIN_GROUPS


def asks_custom_apis(directory: pathlib.Path) -> bool:
    return any(is_custom_api(m.group(1)) for _, text in template_files(directory)
               for m in CAPABILITY.finditer(text))


def template_files(directory: pathlib.Path):
    for f in sorted(directory.rglob("*")):
        if f.is_file() and "templates" in f.relative_to(directory).parts and f.suffix in (".yaml", ".tpl", ".yml", ".txt"):
            yield f, f.read_text(errors="replace")


def served_custom_apis(doc_lists) -> set:
    """`group/version` and `group/version/kind` of every version the CRDs among the objects serve."""
    out = set()
    for docs in doc_lists:
        for d in docs:
            if d.get("kind") != "CustomResourceDefinition":
                continue
            spec = d.get("spec") or {}
            group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
            for v in spec.get("versions") or []:
                if v.get("served", True):
                    out |= {f"{group}/{v.get('name')}", f"{group}/{v.get('name')}/{kind}"}
    return out


def with_capabilities(directory: pathlib.Path, available: set, scratch: pathlib.Path) -> pathlib.Path:
    """A scratch copy of the chart whose `.Capabilities.APIVersions.Has` tests of custom APIs
    are answered from `available` (packaged subcharts unpacked, as Helm loads either)."""
    copy = scratch / "capabilities" / f"{directory.parent.name}-{directory.name}"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(directory, copy)
    for tgz in sorted((copy / "charts").glob("*.tgz")) if (copy / "charts").is_dir() else []:
        with tarfile.open(tgz) as tar:
            tar.extractall(copy / "charts", filter="data")
        tgz.unlink()
    for f, text in template_files(copy):
        patched = CAPABILITY.sub(
            lambda m: ("true" if m.group(1) in available else "false") if is_custom_api(m.group(1)) else m.group(0),
            text)
        if patched != text:
            f.write_text(patched)
    return copy


def render(helm, item, available, scratch):
    """(error or None, objects) of one Application's chart, CRDs first unless it skips them."""
    release, _, _, directory, values, namespace, skip_crds = item
    path = directory if available is None else with_capabilities(directory, available, scratch)
    loaded = helm.Chart.load(str(path))
    try:
        manifests = loaded.render(values, name=release, namespace=namespace, is_install=True)
    except Exception as err:  # HelmRenderError: a required/fail, or a template error
        return str(err), []
    docs = []
    if not skip_crds:
        for crd in loaded.crds:
            docs.extend(split_documents(crd["data"]))
    for template in sorted(manifests):
        if template.endswith(".yaml") or template.endswith(".yml"):
            docs.extend(d for d in split_documents(manifests[template]) if not is_test_hook(d))
    return None, docs


def cluster_scoped(doc) -> bool:
    group = doc.get("apiVersion", "").rpartition("/")[0]
    kind = doc.get("kind")
    if group in check_manifests.BUILTIN_GROUPS:
        return (group, kind) in check_manifests.CLUSTER_SCOPED_BUILTINS
    return CRDS.scope(group, kind) == "Cluster"


def run(dirs: list) -> tuple:
    """Checks the outputs; returns (problems, report lines)."""
    import helm_python as helm  # imported here so the module loads for its unit tests without it

    problems, used, summaries, unchecked = [], set(), [], []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        for d in dirs:
            summaries.append(check_output(pathlib.Path(d), scratch, helm, problems, used, unchecked))
        staged = sorted(p for p in scratch.iterdir() if p.is_dir() and p.name != "capabilities")
        # The rendered objects beside plinth's own, through the manifest check.
        tally = check_manifests.Tally()
        rendered = [check_manifests.check_output(p, CRDS, tally) for p in staged]
        for p in tally.problems:
            if "/rendered/" in p.file and p.what.startswith("Secret/") and "data" in p.message:
                continue  # a chart's generated Secret (see the docstring)
            problems.append(str(p).replace(str(scratch) + "/", "").replace("__", "/", 1))
        rendered = [line.replace(str(scratch) + "/", "").replace("__", "/", 1) for line in rendered]
    lines = [f"charts: {line}" for line in unchecked + summaries]
    lines += [f"charts: rendered with plinth's manifests: {line}" for line in rendered]
    vendored = {p.parent for p in UPSTREAM.glob("*/*/Chart.yaml")}
    lines += [f"charts: note: {u.relative_to(ROOT)} is vendored but no output installs it"
              for u in sorted(vendored - used)]
    lines.append(f"charts: {len(used)} vendored charts checked, {len(problems)} problems")
    return problems, lines


def main(args: list[str]) -> int:
    if not args:
        print(__doc__.strip().splitlines()[0])
        print("usage: check_charts.py DIR [DIR ...]")
        return 2
    problems, lines = run(args)
    for problem in problems:
        print(problem)
    for line in lines:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
