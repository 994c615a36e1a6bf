"""Self-test of check_charts.py: each check fails on the mistake it exists for, against the real
vendored charts (karpenter, karpenter-crd, cert-manager, the Secrets Store CSI provider,
ingress-nginx, spark-operator).

    test_check_charts.py      # prints 'N passed, M failed'; exits 1 on a failure
"""

import copy
import pathlib
import sys
import tempfile

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_charts  # noqa: E402


def application(name, chart, version, values, namespace="kube-system", skip_crds=False):
    helm = {"releaseName": name, "valuesObject": values}
    if skip_crds:
        helm["skipCrds"] = True
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": {
            "project": "platform",
            "source": {"repoURL": "public.ecr.aws/karpenter", "chart": chart, "targetRevision": version, "helm": helm},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
        },
    }


KARPENTER = {
    "serviceAccount": {"name": "karpenter"},
    "settings": {"clusterName": "demo", "interruptionQueue": "demo"},
    "replicas": 2,
}


def output(root: pathlib.Path, name: str, apps: list, own: list = ()) -> pathlib.Path:
    out = root / name
    (out / "kubernetes" / "20-addons").mkdir(parents=True)
    (out / "synth.json").write_text('{"kubernetesVersion": "1.34"}')
    (out / "kubernetes" / "20-addons" / "applications.yaml").write_text(yaml.safe_dump_all(apps))
    if own:
        (out / "kubernetes" / "10-foundation").mkdir(parents=True)
        (out / "kubernetes" / "10-foundation" / "own.yaml").write_text(yaml.safe_dump_all(list(own)))
    return out


def problems_for(apps: list, own: list = ()) -> list:
    with tempfile.TemporaryDirectory() as d:
        problems, _ = check_charts.run([output(pathlib.Path(d), "case", apps, own)])
        return problems


def crd_pair(skip_crds: bool) -> list:
    return [
        application("karpenter-crd", "karpenter-crd", "1.8.2", {}),
        application("karpenter", "karpenter", "1.8.2", KARPENTER, skip_crds=skip_crds),
    ]


def case_clean():
    problems = problems_for(crd_pair(skip_crds=True))
    assert problems == [], problems


def case_wrong_key():
    values = copy.deepcopy(KARPENTER)
    values["serviceAcount"] = {"name": "karpenter"}
    problems = problems_for([application("karpenter", "karpenter", "1.8.2", values, skip_crds=True)])
    assert any("karpenter (karpenter 1.8.2): serviceAcount.name:" in p and "not a key of values.yaml" in p
               for p in problems), problems


def case_wrong_nested_key():
    values = copy.deepcopy(KARPENTER)
    values["settings"]["clusterNmae"] = "demo"
    problems = problems_for([application("karpenter", "karpenter", "1.8.2", values, skip_crds=True)])
    assert any("settings.clusterNmae" in p for p in problems), problems


def case_missing_required_value():
    values = copy.deepcopy(KARPENTER)
    del values["settings"]["clusterName"]
    problems = problems_for([application("karpenter", "karpenter", "1.8.2", values, skip_crds=True)])
    assert any("does not render" in p and "clusterName" in p for p in problems), problems


def case_schema_violation():
    values = {"crds": {"enabled": True}, "replicaCount": "two"}
    problems = problems_for([application("cert-manager", "cert-manager", "v1.19.1", values, namespace="cert-manager")])
    assert any("values.schema.json" in p and "replicaCount" in p for p in problems), problems


def case_two_owners():
    problems = problems_for(crd_pair(skip_crds=False))
    assert any("the same object as" in p and "CustomResourceDefinition" in p for p in problems), problems


def case_unvendored_version():
    problems = problems_for([application("karpenter", "karpenter", "9.9.9", KARPENTER)])
    assert any("no vendored chart" in p and "karpenter 9.9.9" in p for p in problems), problems


def case_free_form_map():
    # An empty map the chart reads whole takes any key (podAnnotations: {} in karpenter).
    values = copy.deepcopy(KARPENTER)
    values["podAnnotations"] = {"example.com/anything": "x"}
    problems = problems_for([application("karpenter", "karpenter", "1.8.2", values, skip_crds=True)])
    assert not any("podAnnotations" in p for p in problems), problems


def case_subchart_keys():
    # secrets-store-csi-driver's keys live in the subchart the provider chart depends on.
    ok = {"secrets-store-csi-driver": {"syncSecret": {"enabled": True}, "enableSecretRotation": True}}
    app = application("csi", "secrets-store-csi-driver-provider-aws", "2.1.1", ok)
    assert problems_for([app]) == [], problems_for([app])
    wrong = {"secrets-store-csi-driver": {"syncSecrets": {"enabled": True}}}
    problems = problems_for([application("csi", "secrets-store-csi-driver-provider-aws", "2.1.1", wrong)])
    assert any("secrets-store-csi-driver.syncSecrets" in p for p in problems), problems


def case_map_handed_to_to_yaml():
    # ingress-nginx hands controller.resources to toYaml whole: limits are the container's.
    values = {"controller": {"resources": {"limits": {"memory": "512Mi"}}}}
    problems = problems_for([application("ingress-nginx", "ingress-nginx", "4.14.0", values, namespace="ingress-nginx")])
    assert not any("controller.resources" in p for p in problems), problems


def case_capabilities_from_the_outputs_crds():
    # spark-operator fails unless the cluster serves PodMonitor, as Argo CD tells it when
    # another part of the output installs the CRD.
    values = {"prometheus": {"metrics": {"enable": True}, "podMonitor": {"create": True}}}
    app = application("spark-operator", "spark-operator", "2.4.0", values, namespace="spark")
    problems = problems_for([app])
    assert any("does not render" in p and "PodMonitor" in p for p in problems), problems
    crd = check_charts.split_documents((check_charts.UPSTREAM / "kube-prometheus-stack" / "81.6.9" / "charts" / "crds"
                                        / "crds" / "crd-podmonitors.yaml").read_text())
    problems = problems_for([app], own=crd)
    assert not any("does not render" in p for p in problems), problems


CASES = [case_clean, case_wrong_key, case_wrong_nested_key, case_missing_required_value,
         case_schema_violation, case_two_owners, case_unvendored_version, case_free_form_map,
         case_subchart_keys, case_map_handed_to_to_yaml, case_capabilities_from_the_outputs_crds]


def main() -> int:
    failed = 0
    for case in CASES:
        try:
            case()
            print(f"ok   {case.__name__}")
        except AssertionError as err:
            failed += 1
            print(f"FAIL {case.__name__}: {err}")
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
