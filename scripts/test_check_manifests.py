"""Self-test of check_manifests.py: builds synth-like output directories with known-good and
known-bad manifests, runs the checker on them as scripts/test does, and asserts that it flags
exactly the bad documents, each for its own reason, and passes the good ones.

    python scripts/test_check_manifests.py     # exit 0 when every case passes
"""

import pathlib
import re
import subprocess
import sys
import tempfile
import textwrap

CHECKER = pathlib.Path(__file__).resolve().parent / "check_manifests.py"
LINE = re.compile(r"^(?P<file>.+?):(?P<index>\d+|-): (?P<what>\S+): (?P<message>.*)$")
SUMMARY = re.compile(r"^manifests: (\d+) objects checked \((\d+) built-in, (\d+) custom\), (\d+) problems$")

NAMESPACES = """
apiVersion: v1
kind: Namespace
metadata:
  name: druid
  labels:
    plinth.dev/part-of: acme.analytics.prototype
"""

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: druid-router
  namespace: druid
  labels: {app.kubernetes.io/name: druid, app.kubernetes.io/component: router}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: druid, app.kubernetes.io/component: router}
  template:
    metadata:
      labels: {app.kubernetes.io/name: druid, app.kubernetes.io/component: router}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9000"}
    spec:
      serviceAccountName: druid
      containers:
        - name: router
          image: apache/druid:34.0.0
          ports: [{containerPort: 9088, name: https}]
          env:
            - name: DRUID_ADMIN_PASSWORD
              valueFrom: {secretKeyRef: {name: druid-admin, key: password}}
            - name: DRUID_XMX
              value: 512m
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {memory: 1Gi}
"""

SERVICE_ACCOUNTS = """
apiVersion: v1
kind: ServiceAccount
metadata: {name: druid, namespace: druid}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: karpenter, namespace: kube-system}
"""

NODEPOOL = """
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: druid-broker
  labels: {plinth.dev/component: broker}
spec:
  template:
    metadata:
      labels: {plinth.dev/component: broker}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: druid}
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i, m5]}
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
      expireAfter: 720h
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 10m
  limits: {cpu: "64", memory: 256Gi}
"""

NODECLASS = """
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: druid
spec:
  role: fff-eks-karpenter-node
  amiSelectorTerms:
    - alias: bottlerocket@latest
  subnetSelectorTerms:
    - tags: {karpenter.sh/discovery: fff-vpc}
  securityGroupSelectorTerms:
    - tags: {aws:eks:cluster-name: fff-eks}
  metadataOptions: {httpTokens: required, httpPutResponseHopLimit: 2}
  blockDeviceMappings:
    - deviceName: /dev/xvdb
      ebs: {volumeSize: 100Gi, volumeType: gp3, encrypted: true}
  tags: {plinth.dev/managed-by: plinth}
"""

VALUES = """
installCRDs: true
replicaCount: 2
"""


def nodepool(name: str, old: str, new: str) -> str:
    assert old in NODEPOOL
    return NODEPOOL.replace("name: druid-broker", f"name: {name}").replace(old, new)


def deployment(name: str, old: str, new: str) -> str:
    assert old in DEPLOYMENT
    return DEPLOYMENT.replace("name: druid-router", f"name: {name}", 1).replace(old, new)


def good_files() -> dict:
    return {
        "10-foundation/namespaces.yaml": NAMESPACES,
        "10-foundation/serviceaccounts.yaml": SERVICE_ACCOUNTS,
        "20-addons/values/cert-manager.yaml": VALUES,
        "30-karpenter/nodepools.yaml": NODEPOOL + "---" + NODECLASS,
        "40-druid/router.yaml": DEPLOYMENT,
    }


# Each bad document, where it is, and a piece of the message it must be flagged with.
BAD = {
    ("40-druid/bad.yaml", 0): (
        deployment("unknown-field", "          ports:", "          imagePullPolicyy: Always\n          ports:"),
        "'imagePullPolicyy' was unexpected"),
    ("40-druid/bad.yaml", 1): (
        """
apiVersion: example.plinth.dev/v1
kind: Widget
metadata: {name: no-schema, namespace: druid}
spec: {size: 3}
""", "no schema for Widget example.plinth.dev/v1"),
    ("40-druid/bad.yaml", 2): (
        """
apiVersion: v1
kind: Secret
metadata: {name: druid-admin, namespace: druid}
type: Opaque
stringData: {password: hunter2}
""", "a Secret with stringData"),
    ("40-druid/bad.yaml", 3): (  # the same object as 10-foundation/serviceaccounts.yaml:0
        "\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: druid, namespace: druid}\n",
        "the same object as"),
    ("40-druid/bad.yaml", 4): (
        deployment("literal-secret", "              value: 512m",
                   "              value: 512m\n            - name: GRAFANA_API_KEY\n              value: glc_abc123"),
        "env var GRAFANA_API_KEY has a literal value"),
    ("40-druid/bad.yaml", 5): (  # its namespace comes in a later wave (50-late/namespaces.yaml)
        deployment("namespace-too-late", "  namespace: druid", "  namespace: late"),
        "namespace 'late' is created in wave '50-late', after this object's wave '40-druid'"),
    ("40-druid/bad.yaml", 6): (
        deployment("bad-label", "app.kubernetes.io/component: router}\n  template:",
                   "app.kubernetes.io/component: router}\n  template:".replace("router}", "router, tier: -front}")),
        "label 'tier': value '-front'"),
    ("40-druid/bad.yaml", 7): (  # last: a YAML error ends the reading of its file
        "\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice, namespace: druid}\ndata: {a: x}\ndata: {b: y}\n",
        "found duplicate key 'data'"),
    ("30-karpenter/bad.yaml", 0): (
        nodepool("wrong-type", "  limits:", "  weight: heavy\n  limits:"),
        "spec.weight: 'heavy' is not of type 'integer'"),
    ("30-karpenter/bad.yaml", 1): (  # pruned by the API server; only strictness catches it
        nodepool("unknown-root-field", "broker}\nspec:", "broker}\nspecs: {}\nspec:"),
        "'specs' was unexpected"),
    ("30-karpenter/bad.yaml", 2): (
        nodepool("unknown-nested-field", "    consolidateAfter: 10m", "    consolidateAfter: 10m\n    budget: 1"),
        "spec.disruption: Additional properties are not allowed ('budget' was unexpected)"),
    ("30-karpenter/bad.yaml", 3): (
        nodepool("namespaced-pool", "  labels: {plinth.dev/component: broker}\nspec:",
                 "  namespace: druid\n  labels: {plinth.dev/component: broker}\nspec:"),
        "NodePool is cluster-scoped"),
    ("30-karpenter/bad.yaml", 4): (
        nodepool("Bad_Name", "", ""), "is not a DNS-1123 subdomain"),
    ("30-karpenter/bad.yaml", 5): (  # a CEL rule of the CRD
        nodepool("restricted-label", "      labels: {plinth.dev/component: broker}",
                 "      labels: {plinth.dev/component: broker, karpenter.sh/team: druid}"),
        'spec.template.metadata.labels: label domain "karpenter.sh" is restricted'),
    ("30-karpenter/bad.yaml", 6): (  # a CEL rule of the CRD
        NODECLASS.replace("name: druid", "name: role-and-profile").replace(
            "  role: fff-eks-karpenter-node", "  role: fff-eks-karpenter-node\n  instanceProfile: fff-node"),
        'spec: must specify exactly one of [\'role\', \'instanceProfile\']'),
}


def write(root: pathlib.Path, files: dict) -> None:
    for rel, text in files.items():
        path = root / "kubernetes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run(*dirs: pathlib.Path):
    proc = subprocess.run([sys.executable, str(CHECKER), *map(str, dirs)],
                          capture_output=True, text=True, check=False)
    problems = []
    summary = None
    for line in proc.stdout.splitlines():
        if m := SUMMARY.match(line):
            summary = tuple(int(g) for g in m.groups())
        elif line.startswith("manifests: "):
            continue
        elif m := LINE.match(line):
            problems.append(m.groupdict())
        else:
            raise AssertionError(f"unexpected output line: {line!r}\n{proc.stdout}{proc.stderr}")
    assert summary is not None, f"no summary line\n{proc.stdout}{proc.stderr}"
    return proc.returncode, problems, summary, proc.stdout + proc.stderr


def case_good_objects_pass(tmp: pathlib.Path) -> None:
    out = tmp / "good"
    (out).mkdir()
    (out / "synth.json").write_text('{"kubernetesVersion": "1.34"}')
    write(out, good_files())
    code, problems, summary, text = run(out)
    assert problems == [], text
    assert summary == (6, 4, 2, 0), text
    assert code == 0, text
    assert "namespaces assumed to exist: kube-system\n" in text, text


def case_bad_objects_are_flagged_exactly(tmp: pathlib.Path) -> None:
    out = tmp / "bad"
    out.mkdir()  # no synth.json: the checker uses 1.34
    files = good_files()
    by_file = {}
    for (rel, index), (text, _) in sorted(BAD.items()):
        by_file.setdefault(rel, []).append((index, text))
    for rel, docs in by_file.items():
        assert [i for i, _ in docs] == list(range(len(docs))), rel
        files[rel] = "---".join(textwrap.dedent(text) for _, text in docs)
    files["50-late/namespaces.yaml"] = NAMESPACES.replace("name: druid", "name: late")
    write(out, files)
    code, problems, summary, text = run(out)
    flagged = {}
    for p in problems:
        rel = str(pathlib.Path(p["file"]).relative_to(out / "kubernetes"))
        flagged.setdefault((rel, int(p["index"])), []).append(p["message"])
    assert set(flagged) == set(BAD), (
        f"flagged but good: {sorted(set(flagged) - set(BAD))}\n"
        f"bad but not flagged: {sorted(set(BAD) - set(flagged))}\n{text}")
    for key, (_, wanted) in BAD.items():
        assert any(wanted in m for m in flagged[key]), f"{key}: wanted {wanted!r}, got {flagged[key]}\n{text}"
    assert summary[0] == 7 + len(BAD) - 1 and summary[3] == len(problems), text
    assert code == 1, text


def case_output_without_manifests_passes(tmp: pathlib.Path) -> None:
    out = tmp / "cloudformation-only"
    (out / "cloudformation").mkdir(parents=True)
    (out / "synth.json").write_text("{}")
    code, problems, summary, text = run(out)
    assert (code, problems, summary) == (0, [], (0, 0, 0, 0)), text
    assert "no kubernetes/ directory, 0 objects" in text, text


def case_values_files_are_mappings_and_scanned(tmp: pathlib.Path) -> None:
    out = tmp / "values"
    write(out, {
        "20-addons/values/list.yaml": "- not\n- a mapping\n",
        "20-addons/values/alloy.yaml": "alloy:\n  env:\n    - {name: DB_PASSWORD, value: s3cret}\n",
        "20-addons/values/ok.yaml": VALUES,
    })
    code, problems, summary, text = run(out)
    assert code == 1 and summary == (0, 0, 0, 2), text
    assert sorted(pathlib.Path(p["file"]).name for p in problems) == ["alloy.yaml", "list.yaml"], text


def case_unsupported_kubernetes_version_is_an_error(tmp: pathlib.Path) -> None:
    out = tmp / "future"
    out.mkdir()
    (out / "synth.json").write_text('{"kubernetesVersion": "1.99"}')
    write(out, {"10-foundation/namespaces.yaml": NAMESPACES})
    code, problems, _, text = run(out)
    assert code == 1 and len(problems) == 1 and "not 1.99" in problems[0]["message"], text


def case_several_outputs_in_one_run(tmp: pathlib.Path) -> None:
    code, _, summary, text = run(tmp / "good", tmp / "cloudformation-only")
    assert code == 0 and summary == (6, 4, 2, 0), text


RULES = """
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: alerts
  namespace: druid
spec:
  groups:
    - name: alerts
      partial_response_strategy: %s
      rules:
        - alert: Down
          expr: up == 0
"""


def case_go_inline_flags_in_crd_patterns(tmp: pathlib.Path) -> None:
    # PrometheusRule's `partial_response_strategy` pattern is `^(?i)(abort|warn)?$`: Go's
    # regexes take the flag after the anchor, Python's only in front.
    for name, strategy, problems_expected in [("rule-ok", "WARN", 0), ("rule-bad", "ignore", 1)]:
        out = tmp / name
        write(out, {"10-foundation/namespaces.yaml": NAMESPACES, "40-workloads/rules.yaml": RULES % strategy})
        code, problems, _, text = run(out)
        assert len(problems) == problems_expected and code == min(problems_expected, 1), text
        if problems:
            assert "partial_response_strategy" in problems[0]["message"], text


ARGOCD_SECRET = """
apiVersion: v1
kind: Secret
type: Opaque
metadata:
  name: %s
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: %s}
stringData: {%s}
"""


def case_argocd_configuration_secrets_hold_no_credentials(tmp: pathlib.Path) -> None:
    out = tmp / "argocd"
    write(out, {"10-foundation/argocd.yaml": "---".join([
        ARGOCD_SECRET % ("in-cluster", "cluster", "name: in-cluster, server: 'arn:aws:eks:us-east-1:123456789012:cluster/x'"),
        ARGOCD_SECRET % ("repo-ok", "repository", "type: git, url: 'https://github.com/acme/x', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x'"),
        ARGOCD_SECRET % ("repo-password", "repository", "type: git, url: 'https://github.com/acme/x', password: hunter2"),
        ARGOCD_SECRET % ("cluster-token", "cluster", "name: x, server: y, config: '{\"bearerToken\": \"t\"}'"),
        ARGOCD_SECRET % ("not-argocd", "something-else", "url: x"),
    ])})
    code, problems, summary, text = run(out)
    flagged = sorted((int(p["index"]), p["message"].split(":")[0]) for p in problems)
    assert flagged == [(2, "stringData.password"), (3, "stringData.config"), (4, "a Secret with stringData")], text
    assert code == 1 and summary == (5, 5, 0, 3), text


APP = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: %s
  namespace: argocd
  annotations: {argocd.argoproj.io/sync-wave: "%d"}
spec:
  project: platform
  source: {repoURL: 'https://github.com/acme/x', targetRevision: main, path: clusters/dev/manifests/%s}
  destination: {name: in-cluster}
"""


def case_gitops_layouts_order_namespaces_by_sync_wave(tmp: pathlib.Path) -> None:
    def layout(name, namespaces_wave):
        out = tmp / name
        files = {
            "bootstrap/root.yaml": (APP % ("root", 0, "x")).replace("manifests/x", "apps"),
            "apps/foundation.yaml": APP % ("foundation", namespaces_wave, "foundation"),
            "apps/router.yaml": APP % ("router", 20, "router"),
            "manifests/foundation/namespaces.yaml": NAMESPACES,
            "manifests/router/router.yaml": DEPLOYMENT,
            "manifests/orphan/sa.yaml": SERVICE_ACCOUNTS.split("---")[0],
        }
        for rel, text in files.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text)
        return run(out)

    code, problems, summary, text = layout("layout-good", -10)
    assert [p["message"] for p in problems] == [
        "no Application in apps/ has this name, so nothing syncs it"], text
    assert summary == (6, 3, 3, 1), text
    code, problems, _, text = layout("layout-late", 30)
    assert any("namespace 'druid' is created in wave 30, after this object's wave 20" in p["message"]
               for p in problems), text


CASES = [
    case_argocd_configuration_secrets_hold_no_credentials,
    case_gitops_layouts_order_namespaces_by_sync_wave,
    case_go_inline_flags_in_crd_patterns,
    case_good_objects_pass,
    case_bad_objects_are_flagged_exactly,
    case_output_without_manifests_passes,
    case_values_files_are_mappings_and_scanned,
    case_unsupported_kubernetes_version_is_an_error,
    case_several_outputs_in_one_run,
]


def main() -> int:
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            try:
                case(pathlib.Path(tmp))
                passed += 1
                print(f"ok    {case.__name__}")
            except AssertionError as err:
                failed += 1
                print(f"FAIL  {case.__name__}\n{textwrap.indent(str(err), '      ')}")
    print(f"check_manifests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
