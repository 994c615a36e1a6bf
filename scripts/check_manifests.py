"""Checks the Kubernetes manifests `plinth synth` writes, the way the API server would take them.

    check_manifests.py DIR [DIR ...]      # each DIR is a synth output or a GitOps layout

Every document in DIR/kubernetes/**/*.yaml is read (duplicate mapping keys are errors). Files
under a directory named `values` are Helm values, not Kubernetes objects: they only have to be
one YAML mapping, and are scanned for literal secrets. A DIR with a `bootstrap/` directory is a
GitOps layout (`plinth synth --gitops DIR`): every document under it is read, and an object's
wave is the sync wave of the Application in apps/ that syncs its manifests/ directory (the
bootstrap comes first). For every object:

- apiVersion, kind and metadata.name are present; the name is valid for its kind; label keys
  and values, selector labels and annotation keys are valid (also in pod and node templates).
- Built-in kinds are validated by kubernetes-validate in strict mode (unknown fields are
  errors) against the schemas of the cluster's minor version: `kubernetesVersion` in
  DIR/synth.json, 1.34 when absent. An API version that minor does not serve is an error, and
  so is an alpha version of a built-in group (EKS serves none).
- Custom resources are validated against schemas/crds/<group>/<kind>_<version>.json, with
  their kind's exact spelling and scope taken from schemas/crds/kinds.json, after the
  schema's defaults are applied, as the API server does. The API server prunes fields a
  structural schema does not list, silently; here they are errors. The schema's CEL rules
  (x-kubernetes-validations) are evaluated with cel-python, except transition rules (oldSelf),
  which only run on update. A custom resource with no schema in schemas/crds is an error, so
  nothing passes unvalidated.
- No two documents are the same object. A namespaced object names its namespace; when the
  same output creates that namespace, it does so in the same or an earlier wave. A namespace
  the output does not create is taken to exist already (kube-system, or one that a tool
  installed before plinth's manifests owns) and is listed in the summary line of its DIR.
  A cluster-scoped object names no namespace.
- No literal secrets: a Secret with `data` or `stringData`, or an env var whose name looks
  like a credential (PASSWORD, SECRET, TOKEN, API_KEY) with a literal `value`. The one kind of
  Secret allowed is Argo CD's declarative configuration (label `argocd.argoproj.io/secret-type`
  `cluster` or `repository`), with `stringData` holding only fields that are not credentials:
  a cluster's name and server, a repository's URL, type and the ARN of its credentials in
  Secrets Manager.

Prints `FILE:DOC_INDEX: kind/name: message` per problem (DOC_INDEX counts the documents of the
file from 0, as yq does; `-` when the problem is not in one document), a line per DIR, then
`manifests: N objects checked (B built-in, C custom), P problems`. Exits 1 on any problem.
"""

import base64
import copy
import json
import pathlib
import re
import sys
from dataclasses import dataclass, field

import celpy
import jsonschema
import kubernetes_validate
import kubernetes_validate.utils
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRD_SCHEMAS = ROOT / "schemas" / "crds"
DEFAULT_KUBERNETES_VERSION = "1.34"

# API groups the Kubernetes API server itself serves. Everything else is a custom resource,
# even when its group ends in k8s.io (autoscaling.k8s.io, gateway.networking.k8s.io, …).
BUILTIN_GROUPS = frozenset({
    "", "apps", "autoscaling", "batch", "policy",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
    "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "networking.k8s.io",
    "node.k8s.io", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io",
    "storage.k8s.io", "storagemigration.k8s.io",
})

# Built-in kinds without a namespace; every other built-in kind is namespaced.
CLUSTER_SCOPED_BUILTINS = frozenset({
    ("", "Namespace"), ("", "Node"), ("", "PersistentVolume"), ("", "ComponentStatus"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("networking.k8s.io", "IngressClass"), ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"), ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"), ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"), ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
})

SECRET_ENV_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY", re.IGNORECASE)

DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
ANNOTATIONS_MAX_BYTES = 256 * 1024


@dataclass
class Problem:
    file: str
    index: object  # document index, or "-"
    what: str      # kind/name, or "-"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.index}: {self.what}: {self.message}"


@dataclass
class Tally:
    objects: int = 0
    builtin: int = 0
    custom: int = 0
    problems: list = field(default_factory=list)


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key repeated in one mapping is an error (the
    last one would silently win)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


# ---------------------------------------------------------------------------------------------
# custom resource schemas


class CrdSchemas:
    """schemas/crds: one JSON schema per group/kind/version, plus kinds.json for the exact
    spelling and scope of each kind (the converted schemas keep neither)."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.kinds = json.loads((root / "kinds.json").read_text())
        self._validators = {}

    def consistency_problems(self) -> list:
        """Schema files without a kinds.json entry and entries without a schema file."""
        problems = []
        known = {(g, k.lower()) for g, kinds in self.kinds.items() for k in kinds}
        files = {(p.parent.name, p.name.rsplit("_", 1)[0]) for p in self.root.glob("*/*.json")}
        for group, kind in sorted(files - known):
            problems.append(f"{group}/{kind}_*.json has no entry in kinds.json (its kind's spelling and scope)")
        for group, kind in sorted(known - files):
            problems.append(f"kinds.json names {group} {kind} but no {group}/{kind}_<version>.json exists")
        for group, kinds in sorted(self.kinds.items()):
            for kind, scope in sorted(kinds.items()):
                if scope not in ("Namespaced", "Cluster"):
                    problems.append(f"kinds.json: {group} {kind}: scope must be Namespaced or Cluster, not {scope!r}")
        return problems

    def scope(self, group: str, kind: str):
        return self.kinds.get(group, {}).get(kind)

    def spelled(self, group: str, kind: str):
        """The kind as kinds.json spells it, when it differs only in case."""
        for known in self.kinds.get(group, {}):
            if known.lower() == kind.lower():
                return known
        return None

    def path(self, group: str, version: str, kind: str) -> pathlib.Path:
        return self.root / group / f"{kind.lower()}_{version}.json"

    def validator(self, group: str, version: str, kind: str):
        """The schema as written and a strict validator for it, or None without a schema."""
        key = (group, version, kind.lower())
        if key not in self._validators:
            path = self.path(group, version, kind)
            if not path.is_file():
                self._validators[key] = None
            else:
                schema = json.loads(path.read_text())
                strict = structural_strict(schema)
                cls = jsonschema.validators.validator_for(strict, default=jsonschema.Draft202012Validator)
                cls.check_schema(strict)
                self._validators[key] = (schema, cls(strict, format_checker=FORMATS))
        return self._validators[key]


def structural_strict(node):
    """The schema as the API server applies it to a custom resource, with pruning made an error:
    an object schema that lists `properties` and does not set
    `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false`, and `nullable`
    becomes a `null` type. The value validations (anyOf, oneOf, allOf, not) are left alone:
    in a structural schema they never decide what is pruned."""
    if isinstance(node, list):
        return [structural_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {name: structural_strict(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, (dict, list)):
            out[key] = structural_strict(value)
        elif key == "pattern" and isinstance(value, str):
            out[key] = python_pattern(value)
        else:
            out[key] = copy.deepcopy(value)
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    if "properties" in out and not node.get("x-kubernetes-preserve-unknown-fields") \
            and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def python_pattern(pattern: str) -> str:
    """A CRD `pattern` (Go RE2 syntax) as a Python regex. RE2 takes inline flags anywhere, as in
    Prometheus Operator's `^(?i)(abort|warn)?$`; Python only at the start, so a flag group right
    after the `^` anchor moves in front of it, which matches the same strings."""
    match = re.fullmatch(r"\^\(\?([aiLmsux]+)\)(.*)", pattern, re.DOTALL)
    if match:
        return f"(?{match.group(1)})^{match.group(2)}"
    return pattern


def with_defaults(schema, value):
    """The value with the schema's defaults filled in where fields are absent, as the API
    server does before it validates a custom resource."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        out = {k: with_defaults(props.get(k, extra), v) for k, v in value.items()}
        for k, sub in props.items():
            if k not in out and isinstance(sub, dict) and "default" in sub:
                out[k] = with_defaults(sub, copy.deepcopy(sub["default"]))
        return out
    if isinstance(value, list):
        return [with_defaults(schema.get("items"), v) for v in value]
    return value


def _cel_find(text, pattern):
    match = re.search(str(pattern), str(text))
    return celpy.celtypes.StringType(match.group(0) if match else "")


def _cel_split(text, separator):
    return celpy.celtypes.ListType([celpy.celtypes.StringType(p) for p in str(text).split(str(separator))])


CEL = celpy.Environment()
# The members of Kubernetes' CEL libraries that the schemas in schemas/crds use beyond
# standard CEL. A rule calling anything else fails to evaluate, and is reported.
CEL_FUNCTIONS = {"find": _cel_find, "split": _cel_split}
_cel_programs = {}


def cel_problems(schema, value, path=()) -> list:
    """(path, message) for every CEL rule in the schema that the value breaks."""
    found = []
    if not isinstance(schema, dict) or value is None:
        return found
    for rule in schema.get("x-kubernetes-validations", []):
        expr = rule.get("rule", "")
        if "oldSelf" in expr:
            continue  # a transition rule: the API server runs it on update only
        where = list(path) + [p for p in rule.get("fieldPath", "").split(".") if p]
        try:
            if expr not in _cel_programs:
                _cel_programs[expr] = CEL.program(CEL.compile(expr), functions=CEL_FUNCTIONS)
            result = _cel_programs[expr].evaluate({"self": celpy.json_to_cel(value)})
        except (celpy.CELEvalError, celpy.CELParseError, TypeError, ValueError) as err:
            found.append((where, f"CEL rule {expr!r} could not be evaluated: {err.args[0] if err.args else err}"))
            continue
        if not (isinstance(result, celpy.celtypes.BoolType) and bool(result)):
            found.append((where, rule.get("message") or f"fails CEL rule {expr!r}"))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, sub in value.items():
            found += cel_problems(props.get(key, extra), sub, list(path) + [key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += cel_problems(schema.get("items"), item, list(path) + [i])
    return found


# The formats the API server checks in custom resources and plinth may write; others are
# ignored, as jsonschema does with formats it is not given.
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("byte", raises=(ValueError, TypeError))
def _is_base64(value) -> bool:
    if not isinstance(value, str):
        return True
    base64.b64decode(value, validate=True)
    return True


# ---------------------------------------------------------------------------------------------
# names and labels


def name_problem(group: str, kind: str, name: str):
    if group == "" and kind == "Namespace":
        return dns_label_problem(name, DNS1123_LABEL, "a DNS-1123 label")
    if group == "" and kind == "Service":
        return dns_label_problem(name, DNS1035_LABEL, "a DNS-1035 label (it must start with a letter)")
    if group == "rbac.authorization.k8s.io" and kind in RBAC_KINDS:
        if name in (".", "..") or "/" in name or "%" in name:
            return f"name {name!r} is not a valid path segment (no '/', '%', '.' or '..')"
        return None
    if len(name) > 253 or not DNS1123_SUBDOMAIN.fullmatch(name):
        return f"name {name!r} is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253)"
    return None


def dns_label_problem(name: str, pattern, what: str):
    if len(name) > 63 or not pattern.fullmatch(name):
        return f"name {name!r} is not {what} (lowercase alphanumerics and '-', at most 63)"
    return None


def qualified_name_problem(key) -> str | None:
    if not isinstance(key, str):
        return f"key {key!r} is not a string"
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not DNS1123_SUBDOMAIN.fullmatch(prefix)):
        return f"key {key!r}: prefix {prefix!r} is not a DNS-1123 subdomain"
    if not name or len(name) > 63 or not QUALIFIED_NAME.fullmatch(name):
        return f"key {key!r}: name part {name!r} must be 1-63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric"
    return None


def label_map_problems(labels, where: str) -> list:
    if not isinstance(labels, dict):
        return []  # the schema reports the wrong type
    problems = []
    for key, value in labels.items():
        bad = qualified_name_problem(key)
        if bad:
            problems.append(f"{where}: label {bad}")
        if not isinstance(value, str):
            problems.append(f"{where}: label {key!r}: value {value!r} is not a string (quote it)")
        elif len(value) > 63 or not LABEL_VALUE.fullmatch(value):
            problems.append(f"{where}: label {key!r}: value {value!r} must be at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric")
    return problems


def metadata_problems(meta, where: str) -> list:
    if not isinstance(meta, dict):
        return []
    problems = label_map_problems(meta.get("labels"), f"{where}.labels")
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        size = 0
        for key, value in annotations.items():
            bad = qualified_name_problem(key)
            if bad:
                problems.append(f"{where}.annotations: {bad}")
            if not isinstance(value, str):
                problems.append(f"{where}.annotations: {key!r}: value {value!r} is not a string (quote it)")
            size += len(str(key).encode()) + len(str(value).encode())
        if size > ANNOTATIONS_MAX_BYTES:
            problems.append(f"{where}.annotations: {size} bytes, over the 256 KiB limit")
    return problems


def template_label_problems(node, where: str) -> list:
    """Labels, annotations and selectors along the spec → template → spec chain: pod templates
    of workloads and jobs, and node templates of Karpenter node pools."""
    problems = []
    if not isinstance(node, dict):
        return problems
    if "metadata" in node and where:
        problems += metadata_problems(node["metadata"], f"{where}.metadata")
    for key in ("selector", "nodeSelector"):
        sel = node.get(key)
        if not where or not isinstance(sel, dict):
            continue
        if "matchLabels" in sel or "matchExpressions" in sel:  # a LabelSelector
            problems += label_map_problems(sel.get("matchLabels"), f"{where}.{key}.matchLabels")
        else:  # a plain map of labels (a Service's selector, a pod's nodeSelector)
            problems += label_map_problems(sel, f"{where}.{key}")
    for key in ("spec", "template", "jobTemplate"):
        if key in node:
            problems += template_label_problems(node[key], f"{where}.{key}" if where else key)
    return problems


# ---------------------------------------------------------------------------------------------
# secrets


ARGOCD_SECRET_TYPE = "argocd.argoproj.io/secret-type"
# Fields of Argo CD's declarative cluster and repository Secrets that carry no credential
# (https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/); `secretArn`
# points at credentials in AWS Secrets Manager for the EKS capability
# (https://docs.aws.amazon.com/eks/latest/userguide/argocd-configure-repositories.html).
ARGOCD_CONFIG_FIELDS = {
    "cluster": frozenset({"name", "server", "project", "namespaces", "clusterResources"}),
    "repository": frozenset({"name", "type", "url", "project", "enableOCI", "secretArn"}),
}


def argocd_config_fields(meta):
    """The stringData fields allowed in an Argo CD configuration Secret, or None if it is not one."""
    labels = meta.get("labels") if isinstance(meta, dict) else None
    kind = labels.get(ARGOCD_SECRET_TYPE) if isinstance(labels, dict) else None
    return ARGOCD_CONFIG_FIELDS.get(kind)


def literal_secret_env(node, where: str = "") -> list:
    """Env vars anywhere in the document (containers, init containers, Helm values of an Argo
    CD application, …) whose name looks like a credential and whose value is written out."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if key == "env" and isinstance(value, list):
                for i, var in enumerate(value):
                    if isinstance(var, dict) and isinstance(var.get("name"), str) \
                            and SECRET_ENV_NAME.search(var["name"]) \
                            and var.get("value") not in (None, ""):
                        found.append(f"{here}[{i}]: env var {var['name']} has a literal value; "
                                     "take it from a secret (valueFrom.secretKeyRef)")
            found += literal_secret_env(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += literal_secret_env(item, f"{where}[{i}]")
    return found


# ---------------------------------------------------------------------------------------------
# one output directory


def json_path(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[:limit] + " …"


def kubernetes_version(out_dir: pathlib.Path, report) -> str | None:
    synth = out_dir / "synth.json"
    version = DEFAULT_KUBERNETES_VERSION
    if synth.is_file():
        try:
            version = json.loads(synth.read_text()).get("kubernetesVersion", DEFAULT_KUBERNETES_VERSION)
        except (json.JSONDecodeError, AttributeError) as err:
            report(str(synth), "-", "-", f"not a JSON object: {err}")
            return None
    if not isinstance(version, str) or not re.fullmatch(r"1\.\d+", version):
        report(str(synth), "-", "-", f"kubernetesVersion {version!r} is not a quoted minor version like \"1.34\"")
        return None
    shipped = sorted({kubernetes_validate.utils.major_minor(v) for v in kubernetes_validate.utils.all_versions()},
                     key=lambda v: int(v.split(".")[1]))
    if version not in shipped:
        report(str(synth), "-", "-",
               f"kubernetes-validate {kubernetes_validate.__version__} has schemas for Kubernetes "
               f"{shipped[0]}–{shipped[-1]}, not {version}: update the pin in scripts/requirements.txt")
        return None
    return version


def read_documents(path: pathlib.Path, report) -> list:
    """(index, document) for every document of the file, up to a YAML error (reported)."""
    docs = []
    try:
        for doc in yaml.load_all(path.read_text(), Loader=StrictLoader):
            docs.append((len(docs), doc))
    except yaml.YAMLError as err:
        report(str(path), len(docs), "-", "YAML: " + " ".join(str(err).split()))
    return docs


def check_output(out_dir: pathlib.Path, crds: CrdSchemas, tally: Tally) -> str:
    """Checks one synth output; returns its summary line."""
    def report(file, index, what, message):
        tally.problems.append(Problem(file, index, what, message))

    if not out_dir.is_dir():
        report(str(out_dir), "-", "-", "not a directory")
        return f"{out_dir}: missing"
    version = kubernetes_version(out_dir, report)
    layout = (out_dir / "bootstrap").is_dir()
    kube = out_dir if layout else out_dir / "kubernetes"
    if not kube.is_dir():
        return f"{out_dir}: no kubernetes/ directory, 0 objects"

    objects = []   # (file, index, wave, doc) of every Kubernetes object
    values_files = 0
    files = sorted(p for p in kube.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    app_waves = layout_waves(kube, report) if layout else {}
    if layout and (kube / "manifests").is_dir():
        for d in sorted(p for p in (kube / "manifests").iterdir() if p.is_dir()):
            if d.name not in app_waves:
                report(str(d), "-", "-", "no Application in apps/ has this name, so nothing syncs it")
    for path in files:
        rel = path.relative_to(kube)
        docs = read_documents(path, report)
        if "values" in rel.parts[:-1]:
            values_files += 1
            present = [(i, d) for i, d in docs if d is not None]
            if len(present) != 1 or not isinstance(present[0][1], dict):
                report(str(path), "-", "-", "a Helm values file must be exactly one YAML mapping")
            for i, doc in present:
                for message in literal_secret_env(doc):
                    report(str(path), i, "values", message)
            continue
        if layout:
            wave = layout_wave(rel, app_waves)
        else:
            wave = rel.parts[0] if len(rel.parts) > 1 else ""
        for index, doc in docs:
            if doc is None:
                continue  # an empty document, e.g. after a trailing `---`
            if not isinstance(doc, dict):
                report(str(path), index, "-", f"a document must be a mapping, not {type(doc).__name__}")
                continue
            objects.append((str(path), index, wave, doc))

    created_namespaces = {}  # name -> wave
    for file, index, wave, doc in objects:
        meta = doc.get("metadata")
        if doc.get("apiVersion") == "v1" and doc.get("kind") == "Namespace" and isinstance(meta, dict):
            created_namespaces.setdefault(meta.get("name"), wave)

    seen = {}
    assumed_namespaces = set()
    for file, index, wave, doc in objects:
        tally.objects += 1
        check_object(file, index, wave, doc, version, crds, created_namespaces, assumed_namespaces,
                     seen, tally, report)

    line = (f"{out_dir}: kubernetes {version or '?'}: {len(objects)} objects in "
            f"{len(files) - values_files} files, {values_files} values files")
    if assumed_namespaces:
        line += f"; namespaces assumed to exist: {', '.join(sorted(assumed_namespaces))}"
    return line


# In a GitOps layout the bootstrap is applied before Argo CD syncs anything, and the
# Applications themselves are created before what they sync.
BOOTSTRAP_WAVE = -1_000_000
APPLICATIONS_WAVE = -999_999


def layout_waves(root: pathlib.Path, report) -> dict:
    """Application name -> sync wave, from apps/*.yaml of a GitOps layout."""
    waves = {}
    for path in sorted((root / "apps").glob("*.yaml")):
        for index, doc in read_documents(path, report):
            if not isinstance(doc, dict) or doc.get("kind") != "Application":
                continue
            meta = doc.get("metadata") or {}
            wave = (meta.get("annotations") or {}).get("argocd.argoproj.io/sync-wave", "0")
            try:
                waves[meta.get("name")] = int(wave)
            except ValueError:
                report(str(path), index, f"Application/{meta.get('name')}", f"sync wave {wave!r} is not an integer")
    return waves


def layout_wave(rel: pathlib.PurePath, app_waves: dict) -> int:
    if rel.parts[0] == "bootstrap":
        return BOOTSTRAP_WAVE
    if rel.parts[0] == "manifests" and len(rel.parts) > 2:
        return app_waves.get(rel.parts[1], 0)
    return APPLICATIONS_WAVE


def check_object(file, index, wave, doc, version, crds, created_namespaces, assumed_namespaces,
                 seen, tally, report):
    api_version, kind, meta = doc.get("apiVersion"), doc.get("kind"), doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    what = f"{kind if isinstance(kind, str) else '?'}/{name if isinstance(name, str) else '?'}"

    def problem(message):
        report(file, index, what, message)

    missing = [f for f, ok in (("apiVersion", isinstance(api_version, str) and api_version),
                               ("kind", isinstance(kind, str) and kind),
                               ("metadata.name", isinstance(name, str) and name)) if not ok]
    if missing:
        problem(f"missing or not a string: {', '.join(missing)}")
    for message in literal_secret_env(doc):
        problem(message)
    if doc.get("kind") == "Secret" and doc.get("apiVersion") == "v1":
        argocd_fields = argocd_config_fields(meta)
        for key in ("data", "stringData"):
            if key not in doc:
                continue
            if key == "stringData" and argocd_fields is not None and isinstance(doc[key], dict):
                for field_name in sorted(set(doc[key]) - argocd_fields):
                    problem(f"stringData.{field_name}: not allowed in Argo CD's "
                            f"{meta['labels'][ARGOCD_SECRET_TYPE]} configuration here; "
                            "credentials stay in AWS Secrets Manager (secretArn)")
                continue
            problem(f"a Secret with {key}: secrets come from AWS Secrets Manager "
                    "(External Secrets or the Secrets Store CSI driver), never from manifests")
    if missing:
        return
    if api_version.count("/") > 1:
        problem(f"apiVersion {api_version!r} is not GROUP/VERSION or VERSION")
        return
    group, _, ver = api_version.rpartition("/")

    bad_name = name_problem(group, kind, name)
    if bad_name:
        problem(bad_name)
    for message in metadata_problems(meta, "metadata") + template_label_problems(doc, ""):
        problem(message)

    # Validation against the schema of the kind.
    scope = None
    if group in BUILTIN_GROUPS:
        tally.builtin += 1
        scope = "Cluster" if (group, kind) in CLUSTER_SCOPED_BUILTINS else "Namespaced"
        if "alpha" in ver:
            problem(f"{api_version} is an alpha API, which EKS does not serve")
        elif version:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as err:
                problem(f"{json_path(err.path)}: {short(err.message)}")
            except kubernetes_validate.SchemaNotFoundError:
                problem(f"Kubernetes {version} has no {kind} in {api_version}")
                scope = None
    else:
        tally.custom += 1
        scope = crds.scope(group, kind)
        validator = crds.validator(group, ver, kind)
        spelled = crds.spelled(group, kind)
        if scope is None and spelled:
            problem(f"kind {kind!r} is spelt {spelled!r}")
        elif validator is None:
            problem(f"no schema for {kind} {api_version} in schemas/crds "
                    f"(add {group}/{kind.lower()}_{ver}.json and a kinds.json entry: see schemas/crds/README.md)")
            scope = None
        elif scope is None:
            problem(f"{kind} has a schema but no entry in schemas/crds/kinds.json")
        else:
            schema, strict = validator
            defaulted = with_defaults(schema, doc)
            errors = sorted(strict.iter_errors(defaulted), key=lambda e: (json_path(e.path), e.message))
            for err in errors:
                problem(f"{json_path(err.path)}: {short(err.message)}")
            if not errors:  # CEL rules assume the types the schema promises
                for path, message in cel_problems(schema, defaulted):
                    problem(f"{json_path(path)}: {short(message)}")
            # The converted CRD schemas leave metadata open; check it as the API server does.
            if version:
                try:
                    kubernetes_validate.validate(
                        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}, version, strict=True)
                except kubernetes_validate.ValidationError as err:
                    problem(f"{json_path(err.path)}: {short(err.message)}")

    # Scope, namespace and identity.
    namespace = meta.get("namespace")
    if scope == "Cluster" and namespace is not None:
        problem(f"{kind} is cluster-scoped: drop metadata.namespace ({namespace!r})")
        namespace = None
    elif scope == "Namespaced":
        if not isinstance(namespace, str) or not namespace:
            problem(f"{kind} is namespaced but has no metadata.namespace "
                    "(it would land in whatever namespace kubectl's context names)")
        elif namespace not in created_namespaces:
            assumed_namespaces.add(namespace)
        elif created_namespaces[namespace] > wave:
            problem(f"namespace {namespace!r} is created in wave {created_namespaces[namespace]!r}, "
                    f"after this object's wave {wave!r}")
    key = (group, kind, namespace if isinstance(namespace, str) else "", name)
    if key in seen:
        problem(f"the same object as {seen[key]} ({api_version} {kind} "
                f"{namespace + '/' if isinstance(namespace, str) and namespace else ''}{name})")
    else:
        seen[key] = f"{file}:{index}"


def main(args: list[str]) -> int:
    if not args:
        print(__doc__.strip().splitlines()[0])
        print("usage: check_manifests.py DIR [DIR ...]")
        return 2
    crds = CrdSchemas(CRD_SCHEMAS)
    tally = Tally()
    for message in crds.consistency_problems():
        tally.problems.append(Problem(str(CRD_SCHEMAS / "kinds.json"), "-", "-", message))
    summaries = [check_output(pathlib.Path(arg), crds, tally) for arg in args]
    for problem in tally.problems:
        print(problem)
    for line in summaries:
        print(f"manifests: {line}")
    print(f"manifests: {tally.objects} objects checked ({tally.builtin} built-in, {tally.custom} custom), "
          f"{len(tally.problems)} problems")
    return 1 if tally.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
