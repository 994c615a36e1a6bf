"""Self-test of check_druid.py: each check fails on the mistake it exists for, against the real
vendored Druid 34.0.0 facts, and a correct Druid passes.

    test_check_druid.py [OUTPUT]   # prints 'N passed, M failed'; exits 1 on a failure

With OUTPUT (a `plinth synth` output whose Druid ingests topics, e.g. the druid-analytics
example's), the ingestion chain's checks are tried too: each on a copy of OUTPUT with one
mistake put in.
"""

import copy
import json
import pathlib
import shutil
import sys
import tempfile

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_druid  # noqa: E402

IMAGE = "apache/druid:34.0.0"
COMMON = {
    "druid.extensions.loadList": '["druid-s3-extensions","postgresql-metadata-storage","druid-kafka-indexing-service",'
                                 '"druid-basic-security","prometheus-emitter","druid-kubernetes-extensions",'
                                 '"druid-kubernetes-overlord-extensions"]',
    "druid.zk.service.enabled": "false",
    "druid.discovery.type": "k8s",
    "druid.metadata.storage.type": "postgresql",
    "druid.metadata.storage.connector.password": '{"type":"environment","variable":"DB_PASSWORD"}',
    "druid.storage.type": "s3",
    "druid.storage.bucket": "segments",
    "druid.auth.authenticatorChain": '["basic"]',
    "druid.auth.authenticator.basic.type": "basic",
    "druid.auth.authenticator.basic.authorizerName": "basic",
    "druid.auth.authorizers": '["basic"]',
    "druid.auth.authorizer.basic.type": "basic",
    "druid.emitter": "prometheus",
    "druid.emitter.prometheus.port": "9000",
    "druid.monitoring.monitors": '["org.apache.druid.java.util.metrics.JvmMonitor"]',
}
SERVICE = {"druid.service": "druid/broker", "druid.plaintextPort": "8082"}


def props(d: dict) -> str:
    return "".join(f"{k}={v}\n" for k, v in d.items())


def configmap(name: str, data: dict) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def pod_spec(service: str | None, extra_env=()) -> dict:
    env = [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "s", "key": "p"}}},
        {"name": "DB_HOST", "value": "db"},
        {"name": "DRUID_CONFIG_COMMON", "value": "/conf/common/common.runtime.properties"},
        {"name": "DRUID_XMX", "value": "1g"},
        {"name": "druid_metadata_storage_connector_connectURI", "value": "jdbc:postgresql://$(DB_HOST):5432/druid"},
    ]
    mounts = [{"name": "common", "mountPath": "/conf/common", "readOnly": True},
              {"name": "tmp", "mountPath": "/tmp"}, {"name": "var", "mountPath": "/opt/druid/var"}]
    volumes = [{"name": "common", "configMap": {"name": "druid-common"}},
               {"name": "tmp", "emptyDir": {}}, {"name": "var", "emptyDir": {}}]
    container = {"name": "druid", "image": IMAGE, "env": env, "volumeMounts": mounts,
                 "securityContext": {"readOnlyRootFilesystem": True}}
    if service:
        env.append({"name": f"DRUID_CONFIG_{service}", "value": "/conf/service/runtime.properties"})
        mounts.append({"name": "service", "mountPath": "/conf/service", "readOnly": True})
        volumes.append({"name": "service", "configMap": {"name": f"druid-{service}"}})
        container["args"] = [service]
    env.extend(extra_env)
    return {"containers": [container], "volumes": volumes}


def task_template(extra_env=(), base_task_dir="/druid/data", arg="/druid/data") -> dict:
    spec = pod_spec(None, [
        {"name": "druid_peon_mode", "value": "remote"},
        {"name": "druid_service", "value": "druid/peon"},
        {"name": "druid_indexer_task_baseTaskDir", "value": base_task_dir},
        {"name": "druid_indexer_runner_type", "value": "k8s"},
        *extra_env,
    ])
    c = spec["containers"][0]
    c["name"] = "main"
    c["command"] = ["sh", "-c", f"/peon.sh {arg} 1"]
    c["volumeMounts"].append({"name": "task", "mountPath": "/druid/data"})
    spec["volumes"].append({"name": "task", "emptyDir": {}})
    template = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t"}, "template": {"spec": spec}}
    return configmap("druid-task-template", {"base.yaml": yaml.safe_dump(template)})


def output(common=None, service=None, broker=None, task=None) -> list:
    return [
        configmap("druid-common", {"common.runtime.properties": props(COMMON if common is None else common)}),
        configmap("druid-broker", {"runtime.properties": props(SERVICE if service is None else service)}),
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "druid-broker"},
         "spec": {"template": {"spec": broker or pod_spec("broker")}}},
        task or task_template(),
    ]


def run(docs: list) -> list:
    with tempfile.TemporaryDirectory() as d:
        out = pathlib.Path(d) / "out"
        (out / "kubernetes").mkdir(parents=True)
        (out / "kubernetes" / "druid.yaml").write_text(yaml.safe_dump_all(docs))
        problems = []
        check_druid.check_output(out, problems)
        return problems


def with_common(**changes) -> list:
    common = {**COMMON, **changes}
    return output(common={k: v for k, v in common.items() if v is not None})


def broker_without(mount: str) -> dict:
    spec = pod_spec("broker")
    spec["containers"][0]["volumeMounts"] = [m for m in spec["containers"][0]["volumeMounts"]
                                             if m["name"] != mount]
    return spec


def broker_image(image: str) -> dict:
    spec = pod_spec("broker")
    spec["containers"][0]["image"] = image
    return spec


def broker_env_first(name: str) -> dict:
    spec = pod_spec("broker")
    env = spec["containers"][0]["env"]
    spec["containers"][0]["env"] = [e for e in env if e["name"] == name] + [e for e in env if e["name"] != name]
    return spec


CASES = [
    # (name, docs, text every problem list must contain; None: no problem at all)
    ("a correct Druid passes", output(), None),
    ("a pod template's escaped underscore is a documented property",
     output(task=task_template([{"name": "druid_indexer_runner_k8s_podTemplate_index__kafka", "value": "/t.yaml"}])),
     None),
    ("a misspelt property", with_common(**{"druid.storage.buckett": "x"}), "druid.storage.buckett is not in its docs"),
    ("a property Druid 34 removed", with_common(**{"druid.coordinator.loadqueuepeon.type": "http"}),
     "named only in its release notes"),
    ("an extension's property without the extension",
     with_common(**{"druid.extensions.loadList": '["druid-s3-extensions","postgresql-metadata-storage",'
                    '"druid-basic-security","druid-kubernetes-extensions","druid-kubernetes-overlord-extensions"]'}),
     "druid.emitter.prometheus.port belongs to prometheus-emitter"),
    ("a misspelt extension", with_common(**{"druid.extensions.loadList": '["druid-s3-extension","prometheus-emitter",'
                                            '"druid-basic-security","druid-kubernetes-extensions","postgresql-metadata-storage"]'}),
     "extension druid-s3-extension is not an extension of Druid 34.0.0"),
    ("a community extension the image does not bundle",
     with_common(**{"druid.extensions.loadList": COMMON["druid.extensions.loadList"][:-1] + ',"kafka-emitter"]'}),
     "kafka-emitter is a community extension"),
    ("an unknown monitor", with_common(**{"druid.monitoring.monitors": '["org.apache.druid.java.util.metrics.JvmMonitorr"]'}),
     "monitor org.apache.druid.java.util.metrics.JvmMonitorr is not a metric monitor"),
    ("an authenticator the chain does not list", with_common(**{"druid.auth.authenticatorChain": '["basik"]'}),
     "configures 'basic', which druid.auth.authenticatorChain does not list"),
    ("an authenticator chain that is no JSON list", with_common(**{"druid.auth.authenticatorChain": '["basic"'}),
     "druid.auth.authenticatorChain is no JSON list"),
    ("an authorizer list that is a JSON string, not a list", with_common(**{"druid.auth.authorizers": '"basic"'}),
     "druid.auth.authorizers is no JSON list"),
    ("an authorizerName no authorizer has", with_common(**{"druid.auth.authenticator.basic.authorizerName": "basik"}),
     "which druid.auth.authorizers does not list"),
    ("a property reads a variable the container lacks",
     with_common(**{"druid.metadata.storage.connector.password": '{"type":"environment","variable":"DB_PASS"}'}),
     "reads environment variable DB_PASS"),
    ("$(VAR) before VAR is defined", output(broker=broker_env_first("druid_metadata_storage_connector_connectURI")),
     "uses $(DB_HOST), which is not defined before it"),
    ("DRUID_CONFIG_ for another service than the one the container runs",
     output(broker=pod_spec("broker", [{"name": "DRUID_CONFIG_Broker", "value": "/conf/service/runtime.properties"}])),
     "env DRUID_CONFIG_Broker is not read by /druid.sh"),
    ("a DRUID_ variable the script does not read",
     output(broker=pod_spec("broker", [{"name": "DRUID_HEAP", "value": "1g"}])), "env DRUID_HEAP is not read"),
    ("a config file on no mounted volume", output(broker=broker_without("service")),
     "/conf/service/runtime.properties is on no volume the container mounts"),
    ("a config file whose ConfigMap lacks the key", output(service={}) [:1] + [
        configmap("druid-broker", {"service.properties": ""})] + output()[2:],
     "ConfigMap druid-broker has no key runtime.properties"),
    ("no writable /tmp under a read-only root", output(broker=broker_without("tmp")),
     "/druid.sh writes /tmp/conf, which is read-only"),
    ("peon.sh overwrites the druid_ variables with DRUID_CONFIG_overlord",
     output(task=task_template([{"name": "DRUID_CONFIG_overlord", "value": "/conf/common/common.runtime.properties"}])),
     "peon.sh copies it over the properties"),
    ("a task directory that is not baseTaskDir", output(task=task_template(base_task_dir="/druid/task")),
     "druid.indexer.task.baseTaskDir is '/druid/task', but /peon.sh is given the task directory '/druid/data'"),
    ("a Druid version without facts", output(broker=broker_image("apache/druid:99.0.0")),
     "Druid 99.0.0 has no vendored facts"),
]


def mutate(out: pathlib.Path, change) -> None:
    """Applies `change(kind, name, doc)` to every object of the output's manifests (a task pod
    template inside a ConfigMap included, as kind PodTemplate) and every CloudFormation template
    (as kind Template)."""
    for f in sorted((out / "kubernetes").rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(f.read_text()) if d is not None]
        for d in docs:
            change(d.get("kind"), d.get("metadata", {}).get("name", ""), d)
            for key, text in (d.get("data") or {}).items() if d.get("kind") == "ConfigMap" else []:
                if key.endswith(".yaml") and "kind: PodTemplate" in text:
                    inner = yaml.safe_load(text)
                    change("PodTemplate", key, inner)
                    d["data"][key] = yaml.safe_dump(inner)
                elif key.endswith(".json") and '"type": "kafka"' in text:
                    sup = json.loads(text)
                    change("Supervisor", key, sup)
                    d["data"][key] = json.dumps(sup, indent=2)
        f.write_text(yaml.safe_dump_all(docs))
    for t in sorted((out / "cloudformation").glob("*.template.json")):
        doc = json.loads(t.read_text())
        change("Template", t.name, doc)
        t.write_text(json.dumps(doc))


def supervisor_edit(fn):
    return lambda kind, name, d: fn(d["spec"]) if kind == "Supervisor" else None


def role_edit(role_id, fn):
    def change(kind, name, d):
        if kind == "Template" and role_id in d.get("Resources", {}):
            for policy in d["Resources"][role_id]["Properties"]["Policies"]:
                for st in policy["PolicyDocument"]["Statement"]:
                    fn(st)
    return change


def drop_action(action):
    def fn(st):
        if isinstance(st["Action"], list) and action in st["Action"]:
            st["Action"] = [a for a in st["Action"] if a != action] or ["kafka-cluster:Connect"]
    return fn


def pod_template_edit(fn):
    return lambda kind, name, d: fn(d["template"]["spec"]) if kind == "PodTemplate" else None


def no_jar_mount(spec):
    for c in spec["containers"]:
        c["volumeMounts"] = [m for m in c["volumeMounts"] if "aws-msk-iam-auth" not in m["mountPath"]]


def other_jar_version(spec):
    for c in spec.get("initContainers", []):
        c["command"] = [x.replace("/2.3.6/", "/2.3.5/") for x in c["command"]]


def no_iam(kind, name, d):
    if kind == "Template":
        for r in d.get("Resources", {}).values():
            if r["Type"] == "AWS::MSK::ServerlessCluster":
                r["Properties"]["ClientAuthentication"]["Sasl"]["Iam"]["Enabled"] = False


def common_properties(extra: str):
    def change(kind, name, d):
        if kind == "ConfigMap" and "common.runtime.properties" in d.get("data", {}):
            d["data"]["common.runtime.properties"] += extra
    return change


def broker_env(name, value):
    def change(kind, name_, d):
        if kind == "Deployment" and name_.endswith("druid-broker"):
            d["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": name, "value": value})
    return change


def no_association(kind, name, d):
    if kind == "Template":
        for key in [k for k, r in d.get("Resources", {}).items() if k == "DruidPodIdentity"]:
            del d["Resources"][key]


CHAIN = [
    # (name, change, text some problem must contain; None: no problem at all)
    ("the synthesized ingestion passes", lambda *a: None, None),
    ("a supervisor field Druid does not document",
     supervisor_edit(lambda s: s["dataSchema"]["granularitySpec"].update(segmentGranulrity="hour")),
     "field spec.dataSchema.granularitySpec.segmentGranulrity is not in Druid 34.0.0's supervisor docs"),
    ("a timestamp format Druid does not know", supervisor_edit(lambda s: s["dataSchema"]["timestampSpec"].update(format="micros")),
     "timestamp format 'micros' is not one of"),
    ("a granularity Druid does not know", supervisor_edit(lambda s: s["dataSchema"]["granularitySpec"].update(segmentGranularity="fortnight")),
     "segmentGranularity 'fortnight' is not a Druid granularity"),
    ("a callback handler the jar does not ship",
     supervisor_edit(lambda s: s["ioConfig"]["consumerProperties"].update(
         {"sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMCallbackHandler"})),
     "is not a class of aws-msk-iam-auth 2.3.6"),
    ("bootstrap servers written in", supervisor_edit(lambda s: s["ioConfig"]["consumerProperties"].update(
        {"bootstrap.servers": "localhost:9092"})), "bootstrap.servers is 'localhost:9092'"),
    ("a supervisor without its topic", supervisor_edit(lambda s: s["ioConfig"].pop("topic")), "spec.ioConfig.topic is required"),
    ("the Druid role cannot read the topic", role_edit("DruidRole", drop_action("kafka-cluster:ReadData")),
     "DruidRole does not grant kafka-cluster:ReadData on the topic events"),
    ("the Druid role cannot join its group", role_edit("DruidRole", drop_action("kafka-cluster:DescribeGroup")),
     "DruidRole grants kafka-cluster:AlterGroup without kafka-cluster:DescribeGroup"),
    ("the Job's role cannot create the topic", role_edit("DruidIngestionRole", drop_action("kafka-cluster:CreateTopic")),
     "DruidIngestionRole does not grant kafka-cluster:CreateTopic on topic events"),
    ("the cluster without IAM auth", no_iam, "does not enable IAM authentication"),
    ("task pods without the jar", pod_template_edit(no_jar_mount),
     "no aws-msk-iam-auth-2.3.6-all.jar in /opt/druid/extensions/druid-kafka-indexing-service"),
    ("the jar fetched at another version", pod_template_edit(other_jar_version),
     "no init container fetches aws-msk-iam-auth-2.3.6-all.jar"),
    ("static S3 keys in the properties", common_properties("druid.s3.accessKey=AKIA\n"),
     "druid.s3.accessKey come before the container credentials"),
    ("access keys in a pod's environment", broker_env("AWS_ACCESS_KEY_ID", "AKIA"),
     "AWS_ACCESS_KEY_ID come before the container credentials"),
    ("Druid's service account without its association", no_association,
     "service account druid/streaming-druid has no pod identity association"),
]


def report(name: str, problems: list, expected) -> bool:
    """Whether a case came out as expected (no problems, or one naming `expected`); prints it if not."""
    ok = not problems if expected is None else any(expected in p for p in problems)
    if not ok:
        print(f"FAIL {name}: expected {expected!r}, got:")
        for p in problems:
            print(f"  {p}")
    return ok


def run_chain(output: pathlib.Path) -> list:
    results = []
    for name, change, expected in CHAIN:
        with tempfile.TemporaryDirectory() as d:
            out = pathlib.Path(d) / output.name
            shutil.copytree(output, out)
            mutate(out, change)
            problems = []
            check_druid.check_credentials(out, problems)
            check_druid.check_ingestion(out, problems)
            check_druid.check_output(out, problems)
        results.append(report(name, problems, expected))
    return results


def main(args: list) -> int:
    results = [report(name, run(copy.deepcopy(docs)), expected) for name, docs, expected in CASES]
    for output in args:
        results += run_chain(pathlib.Path(output))
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
