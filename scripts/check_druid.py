"""Checks the Apache Druid plinth deploys against Druid's own facts at the pinned version.

    check_druid.py DIR [DIR ...]      # each DIR is a `plinth synth` output

Druid's facts are vendored in upstream/druid/VERSION/ (PROVENANCE there): the extensions and
runtime properties its documentation names, its metric monitors (scripts/druid-facts.py), and
how the image's entrypoint scripts, /druid.sh and /peon.sh, turn a container's environment into
properties (entrypoint.json). For every Druid container in an output — each service's
StatefulSet or Deployment, and the task pod template the overlord's Kubernetes runner starts
tasks from — the properties that process really runs with are put together as its script does:
the files DRUID_CONFIG_COMMON and DRUID_CONFIG_<service> point at, followed to the ConfigMap key
mounted there, then every `druid_*` variable. Then:

- the Druid version of the image has vendored facts;
- every DRUID_* variable is one the script reads, and DRUID_CONFIG_<service> names the service
  the script runs (druid.sh's first argument; `overlord` for peon.sh), where it points at a file
  of a mounted ConfigMap; peon.sh copies DRUID_CONFIG_overlord over the properties it has just
  written from `druid_*` variables, so the two together are a problem;
- the directories the script writes are writable (a read-only root filesystem needs volumes
  there), and a task's directory (peon.sh's argument) is druid.indexer.task.baseTaskDir;
- every property is one the docs of that version name (a property named only in the release
  notes was removed or renamed), and a property documented only by an extension's pages needs
  that extension in druid.extensions.loadList;
- every loadList entry is an extension of that version: a core one (the image bundles all of
  them) or a community one the image is known to bundle (IMAGE_BUNDLED, with the source);
- every monitor in druid.monitoring.monitors is one the docs list;
- the authenticators and authorizers a property names are in druid.auth.authenticatorChain and
  druid.auth.authorizers, and an authenticator's or escalator's authorizerName is one of them;
- an `{"type":"environment","variable":"X"}` value names a variable the container has, and a
  `$(X)` in a variable's value names one defined before it (Kubernetes expands no other).

Druid's AWS credentials come from EKS Pod Identity (check_credentials): the AWS SDK for Java
each piece bundles (Druid's, from its release notes; aws-msk-iam-auth's, from its build.gradle)
is one that reads Pod Identity credentials (POD_IDENTITY_SDK), Druid's S3 credential chain
reaches the container credentials provider Pod Identity feeds, no earlier link of that chain is
set (static keys in properties, a session-credentials file, AWS_ACCESS_KEY_ID), and every pod
runs as a service account with a pod identity association.

The ingestion from MSK Serverless is checked as one chain (check_ingestion):

- every Kafka supervisor spec (a `*.json` ConfigMap key with `"type": "kafka"`) uses only
  fields the supervisor and ingestion-spec pages of that Druid version document (ingestion.json),
  has the fields they require, and a timestamp format and granularities from their lists;
- its consumer properties authenticate with IAM through classes the pinned aws-msk-iam-auth
  release ships (upstream/aws-msk-iam-auth/VERSION/classes.txt), and its bootstrap servers are
  the deploy-time value of the data stack whose MSK Serverless cluster has IAM auth on;
- the overlord and the task pods mount that release's jar into the Kafka extension's
  directory, from a volume an init container fetches it into;
- the role the Druid service account runs with grants what a consumer does on MSK (Connect on
  the cluster; DescribeTopic and ReadData on every supervisor's topic; DescribeGroup and
  AlterGroup on its groups), with each action's required actions (MSK_REQUIRED below), and the
  role of the topic-creating Job may create every topic its script creates.

Prints one line per problem, then a summary. Exits 1 on any problem.
"""

import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
UPSTREAM = ROOT / "upstream" / "druid"

# Community extensions the apache/druid image bundles although the tarball does not, with the
# source. Anything else outside the core list is a problem.
IMAGE_BUNDLED = {
    "prometheus-emitter": "distribution/docker/Dockerfile builds the image's distribution with "
                          "-Pdist,bundle-contrib-exts, whose pull-deps list in distribution/pom.xml "
                          "includes org.apache.druid.extensions.contrib:prometheus-emitter",
}

UPSTREAM_MSK = ROOT / "upstream" / "aws-msk-iam-auth"
KAFKA_EXTENSION_DIR = "/opt/druid/extensions/druid-kafka-indexing-service"
BOOTSTRAP_TOKEN = "${plinth:output:data:DruidKafkaBootstrapServers}"
# "Required actions" of MSK's IAM actions, from "Semantics of IAM authorization policy actions
# and resources" (https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html).
MSK_REQUIRED = {
    "kafka-cluster:DescribeTopic": ["kafka-cluster:Connect"],
    "kafka-cluster:ReadData": ["kafka-cluster:Connect", "kafka-cluster:DescribeTopic"],
    "kafka-cluster:CreateTopic": ["kafka-cluster:Connect"],
    "kafka-cluster:DescribeGroup": ["kafka-cluster:Connect"],
    "kafka-cluster:AlterGroup": ["kafka-cluster:Connect", "kafka-cluster:DescribeGroup"],
}
# What a Kafka consumer with a consumer group does (same page): (action, resource type).
CONSUMER = [("kafka-cluster:Connect", "cluster"), ("kafka-cluster:DescribeTopic", "topic"),
            ("kafka-cluster:ReadData", "topic"), ("kafka-cluster:DescribeGroup", "group"),
            ("kafka-cluster:AlterGroup", "group")]

# The first AWS SDK releases that read EKS Pod Identity credentials ("Use pod identity with the
# AWS SDK", https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html).
POD_IDENTITY_SDK = {"java-v1": (1, 12, 746), "java-v2": (2, 21, 30)}

ENV_REF = re.compile(r'\{"type"\s*:\s*"environment"\s*,\s*"variable"\s*:\s*"([^"]+)"\}')
K8S_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
NAMED = ("druid.auth.authenticator.", "druid.auth.authorizer.")


class Facts:
    def __init__(self, version: str):
        d = UPSTREAM / version
        self.version = version
        self.present = (d / "properties.json").is_file()
        if not self.present:
            return
        load = lambda name: json.loads((d / name).read_text())  # noqa: E731
        props = load("properties.json")
        self.pages = props["properties"]
        self.extension_pages = props["extension_pages"]
        ext = load("extensions.json")
        self.core, self.community = set(ext["core"]), set(ext["community"])
        self.monitors = set(load("monitors.json")["monitors"])
        self.entry = load("entrypoint.json")
        self.patterns = [(k, re.compile("^" + ".".join(
            "[^.]+" if s == "<>" else re.escape(s) for s in k.split(".")) + "$"))
            for k in self.pages if "<>" in k]

    def documented(self, prop: str) -> list | None:
        """The pages naming `prop` (or a placeholder form of it), or None."""
        named = normalize_named(prop)
        if named in self.pages:
            return self.pages[named]
        for key, rx in self.patterns:
            if rx.match(named):
                return self.pages[key]
        return None


def normalize_named(prop: str) -> str:
    for prefix in NAMED:
        if prop.startswith(prefix) and len(prop) > len(prefix):
            rest = prop[len(prefix):].split(".", 1)
            return prefix + "<>" + ("." + rest[1] if len(rest) > 1 else "")
    return prop


def parse_properties(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def env_to_property(name: str) -> str:
    return name.replace("__", "\0").replace("_", ".").replace("\0", "_")


def documents(out: pathlib.Path):
    for f in sorted((out / "kubernetes").rglob("*.yaml")):
        for doc in yaml.safe_load_all(f.read_text()):
            if isinstance(doc, dict):
                yield f.relative_to(out), doc


def druid_version(image: str) -> str | None:
    name, _, tag = image.rpartition(":")
    return tag if name.endswith("apache/druid") else None


class Pod:
    """One Druid container with its pod's volumes, as the script in it sees them."""

    def __init__(self, where: str, spec: dict, configmaps: dict):
        self.where = where
        self.spec = spec
        self.c = spec["containers"][0]
        for c in spec["containers"]:
            if druid_version(c.get("image", "")):
                self.c = c
        self.configmaps = configmaps
        self.env = self.c.get("env", [])
        self.script = "/peon.sh" if "/peon.sh" in " ".join(self.c.get("command", [])) else "/druid.sh"
        words = " ".join(self.c.get("command", []) + self.c.get("args", [])).split()
        after = words[words.index(self.script) + 1:] if self.script in words else self.c.get("args", [])
        self.arg = after[0] if after else None

    def file(self, path: str) -> tuple:
        """(text, None) of the ConfigMap key mounted at `path`, or (None, why not)."""
        volumes = {v["name"]: v for v in self.spec.get("volumes", [])}
        for m in self.c.get("volumeMounts", []):
            mount = m["mountPath"].rstrip("/") + "/"
            if not path.startswith(mount):
                continue
            v = volumes.get(m["name"], {})
            if "configMap" not in v:
                return None, f"{path} is on volume {m['name']}, which is no ConfigMap"
            cm = self.configmaps.get(v["configMap"]["name"])
            key = path[len(mount):]
            if cm is None:
                return None, f"{path}: ConfigMap {v['configMap']['name']} is not in the output"
            if key not in cm.get("data", {}):
                return None, f"{path}: ConfigMap {v['configMap']['name']} has no key {key}"
            return cm["data"][key], None
        return None, f"{path} is on no volume the container mounts"

    def writable(self, path: str) -> bool:
        if not self.c.get("securityContext", {}).get("readOnlyRootFilesystem"):
            return True
        volumes = {v["name"]: v for v in self.spec.get("volumes", [])}
        for m in self.c.get("volumeMounts", []):
            mount = m["mountPath"].rstrip("/")
            if (path == mount or path.startswith(mount + "/")) and not m.get("readOnly"):
                v = volumes.get(m["name"], {})
                if "emptyDir" in v or "persistentVolumeClaim" in v or "ephemeral" in v:
                    return True
        return False


def check_pod(pod: Pod, facts: Facts, problems: list, stats: dict) -> None:
    def problem(msg):
        problems.append(f"{pod.where}: {msg}")

    script = facts.entry["scripts"][pod.script]
    service = pod.arg if script["service"] == "$1" else script["service"]
    names = [e["name"] for e in pod.env]
    allowed = {n.replace("${service}", service or "") for n in script["env"]}
    # Kubernetes expands $(X) only from variables defined before.
    for i, e in enumerate(pod.env):
        for ref in K8S_REF.findall(e.get("value", "")):
            if ref not in names[:i]:
                problem(f"env {e['name']} uses $({ref}), which is not defined before it")
    special = [n for n in names if n.startswith("DRUID_")]
    for n in special:
        if n not in allowed:
            hint = ""
            if n.startswith("DRUID_CONFIG_"):
                hint = f" ({pod.script} runs service {service!r} and reads DRUID_CONFIG_{service})"
            problem(f"env {n} is not read by {pod.script}{hint}")
    if pod.script == "/druid.sh" and service not in script["services_with_a_file"]:
        problem(f"{pod.script} runs service {service!r}, which has no configuration directory in the image")
    value = {e["name"]: e.get("value") for e in pod.env}
    # The files, then the druid_* variables, as the script applies them.
    common, svc = {}, {}
    for var, target in (("DRUID_CONFIG_COMMON", common), (f"DRUID_CONFIG_{service}", svc)):
        if var in value:
            text, why = pod.file(value[var])
            if why:
                problem(f"env {var}: {why}")
            else:
                target.update(parse_properties(text))
    env_props = {env_to_property(n): value.get(n) for n in names if n.startswith("druid_")}
    if pod.script == "/peon.sh" and f"DRUID_CONFIG_{service}" in value and env_props:
        problem(f"env DRUID_CONFIG_{service}: peon.sh copies it over the properties the druid_* "
                f"variables set ({', '.join(sorted(env_props))}), which are then lost")
    svc.update(env_props)
    props = {**common, **svc}
    for path in script["writes"]:
        path = pod.arg if path == "$1" else path
        if path and not pod.writable(path):
            problem(f"{pod.script} writes {path}, which is read-only (readOnlyRootFilesystem, no writable volume)")
    if pod.script == "/peon.sh" and props.get("druid.indexer.task.baseTaskDir") != pod.arg:
        problem(f"druid.indexer.task.baseTaskDir is {props.get('druid.indexer.task.baseTaskDir')!r}, "
                f"but {pod.script} is given the task directory {pod.arg!r}")

    loaded = json_list(props, "druid.extensions.loadList", problem)
    for ext in loaded:
        if ext in facts.core:
            continue
        if ext in facts.community:
            if ext not in IMAGE_BUNDLED:
                problem(f"extension {ext} is a community extension of Druid {facts.version}, "
                        "which the image is not known to bundle")
            continue
        problem(f"extension {ext} is not an extension of Druid {facts.version}")
    for key, val in sorted(props.items()):
        stats["properties"] += 1
        pages = facts.documented(key)
        current = [p for p in pages or [] if not p.startswith("release-info/")]
        if not current:
            why = "named only in its release notes (removed or renamed)" if pages else "not in its docs"
            problem(f"property {key} is {why} at Druid {facts.version}")
            continue
        owners = [facts.extension_pages.get(p) for p in current]
        if all(owners):
            needed = sorted({e for o in owners for e in o})
            if not set(needed) & set(loaded):
                problem(f"property {key} belongs to {' or '.join(needed)}, which druid.extensions.loadList "
                        "does not load")
        for ref in ENV_REF.findall(val):
            if ref not in names:
                problem(f"property {key} reads environment variable {ref}, which the container does not have")
    monitors = json_list(props, "druid.monitoring.monitors", problem)
    for m in monitors:
        if m not in facts.monitors:
            problem(f"monitor {m} is not a metric monitor of Druid {facts.version}")
    for list_key, prefix in (("druid.auth.authenticatorChain", "druid.auth.authenticator."),
                             ("druid.auth.authorizers", "druid.auth.authorizer.")):
        declared = set(json_list(props, list_key, problem))
        for key in props:
            if key.startswith(prefix):
                name = key[len(prefix):].split(".", 1)[0]
                if name not in declared:
                    problem(f"property {key} configures {name!r}, which {list_key} does not list")
    authorizers = set(json_list(props, "druid.auth.authorizers", problem))
    for key, val in props.items():
        if key.endswith(".authorizerName") and val not in authorizers:
            problem(f"property {key} is {val!r}, which druid.auth.authorizers does not list")


def json_list(props: dict, key: str, problem) -> list:
    """The JSON list property `key` holds ([] when unset); a problem when it is no JSON list."""
    try:
        value = json.loads(props.get(key, "[]"))
    except json.JSONDecodeError as e:
        problem(f"{key} is no JSON list: {e}")
        return []
    if not isinstance(value, list):
        problem(f"{key} is no JSON list: {value!r}")
        return []
    return value


def pods_of(out: pathlib.Path):
    """(where, pod spec) of every Druid pod in the output, and the output's ConfigMaps."""
    docs = list(documents(out))
    configmaps = {d["metadata"]["name"]: d for _, d in docs if d.get("kind") == "ConfigMap"}
    pods = []
    for f, d in docs:
        kind = d.get("kind")
        if kind in ("StatefulSet", "Deployment"):
            spec = d["spec"]["template"]["spec"]
            pods.append((f"{out.name}/{f}: {kind}/{d['metadata']['name']}", spec))
        elif kind == "ConfigMap":
            for key, text in d.get("data", {}).items():
                if key.endswith(".yaml") and "kind: PodTemplate" in text:
                    t = yaml.safe_load(text)
                    pods.append((f"{out.name}/{f}: ConfigMap/{d['metadata']['name']} {key}",
                                 t["template"]["spec"]))
    return [(w, s) for w, s in pods
            if any(druid_version(c.get("image", "")) for c in s.get("containers", []))], configmaps


def check_output(out: pathlib.Path, problems: list) -> str:
    stats = {"properties": 0}
    pods, configmaps = pods_of(out)
    versions = set()
    for where, spec in pods:
        pod = Pod(where, spec, configmaps)
        version = druid_version(pod.c["image"])
        versions.add(version)
        facts = Facts(version)
        if not facts.present:
            problems.append(f"{where}: Druid {version} has no vendored facts (upstream/druid/{version}; "
                            "scripts/druid-facts.py)")
            continue
        check_pod(pod, facts, problems, stats)
    if not pods:
        return f"{out}: no Druid"
    return (f"{out}: {len(pods)} Druid pods (Druid {', '.join(sorted(versions))}), "
            f"{stats['properties']} properties checked")


def key_paths(value, prefix=()):
    """Every key path of a JSON value; consumer properties and list items are not fields."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            if k != "consumerProperties":
                yield from key_paths(v, prefix + (k,))


def arn_text(value) -> str:
    """The text of an ARN as a template writes it (a string, or Fn::Sub's template)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub[0] if isinstance(sub, list) else sub
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "GetAtt:" + ".".join(value["Fn::GetAtt"])
    return json.dumps(value, sort_keys=True)


def grants(role: dict) -> list:
    """(action, resource text) of every Allow statement of a role's inline policies."""
    out = []
    for policy in role["Properties"].get("Policies", []):
        for st in policy["PolicyDocument"]["Statement"]:
            if st.get("Effect") != "Allow":
                continue
            actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            out.extend((a, arn_text(r)) for a in actions for r in resources)
    return out


def covers(resource: str, kind: str, name: str, cluster_ref: str) -> bool:
    """Whether a granted resource covers the cluster, or a topic or group of it named `name`."""
    if kind == "cluster":
        return resource == cluster_ref
    m = re.search(rf":{kind}/[^/]+/\$\{{ClusterUuid\}}/(.+)$", resource)
    if not m:
        return False
    pattern = "^" + re.escape(m.group(1)).replace("\\*", ".*") + "$"
    return re.match(pattern, name) is not None


def check_ingestion(out: pathlib.Path, problems: list) -> int:
    """Checks the MSK ingestion chain of an output; returns how many supervisors it checked."""
    def problem(msg):
        problems.append(f"{out.name}: ingestion: {msg}")

    docs = list(documents(out))
    supervisors = []
    scripts = {}
    for f, d in docs:
        if d.get("kind") != "ConfigMap":
            continue
        for key, text in d.get("data", {}).items():
            if key.endswith(".json") and '"type": "kafka"' in text:
                supervisors.append((f"{f}: ConfigMap/{d['metadata']['name']} {key}", json.loads(text)))
            elif key == "create-topics.sh":
                scripts[d["metadata"]["name"]] = text
    pods, configmaps = pods_of(out)
    if not supervisors and not scripts:
        return 0
    versions = sorted(p.name for p in UPSTREAM_MSK.glob("*/classes.txt") for p in [p.parent])
    if len(versions) != 1:
        problem(f"expected one vendored aws-msk-iam-auth release in {UPSTREAM_MSK}, found {versions}")
        return len(supervisors)
    version = versions[0]
    classes = set((UPSTREAM_MSK / version / "classes.txt").read_text().split())
    jar = f"aws-msk-iam-auth-{version}-all.jar"

    # The data stack: its MSK cluster, its export of the cluster's ARN, its roles.
    templates = [json.loads(t.read_text()) for t in sorted((out / "cloudformation").glob("*.template.json"))]
    data = next((t for t in templates if any(r["Type"] == "AWS::MSK::ServerlessCluster"
                                             for r in t.get("Resources", {}).values())), None)
    if data is None:
        problem("supervisors read Kafka, but no stack has an AWS::MSK::ServerlessCluster")
        return len(supervisors)
    cluster_id, cluster = next((k, r) for k, r in data["Resources"].items() if r["Type"] == "AWS::MSK::ServerlessCluster")
    if not cluster["Properties"].get("ClientAuthentication", {}).get("Sasl", {}).get("Iam", {}).get("Enabled"):
        problem(f"{cluster_id} does not enable IAM authentication, which the consumers use")
    exported = data.get("Outputs", {}).get("DruidKafkaClusterArn", {}).get("Value")
    if exported != {"Fn::GetAtt": [cluster_id, "Arn"]}:
        problem(f"the data stack's DruidKafkaClusterArn output is {exported!r}, not {cluster_id}'s ARN, "
                "which deploy reads the bootstrap servers of")
    cluster_ref = arn_text({"Fn::GetAtt": [cluster_id, "Arn"]})
    roles = {k: r for k, r in data["Resources"].items() if r["Type"] == "AWS::IAM::Role"}

    fields = set()
    facts = None
    for where, sup in supervisors:
        facts = facts or Facts(druid_version(next((c["image"] for _, s in pods for c in s["containers"]
                                                    if druid_version(c.get("image", ""))), "")) or "")
        ingestion = json.loads((UPSTREAM / facts.version / "ingestion.json").read_text())
        fields = set().union(*ingestion["fields"].values())
        for path in key_paths(sup):
            if path[-1] not in fields:
                problem(f"{where}: field {'.'.join(path)} is not in Druid {facts.version}'s supervisor docs")
        spec = sup.get("spec", {})
        schema, io = spec.get("dataSchema", {}), spec.get("ioConfig", {})
        for need, value in (("spec.dataSchema.dataSource", schema.get("dataSource")),
                            ("spec.dataSchema.timestampSpec.column", schema.get("timestampSpec", {}).get("column")),
                            ("spec.ioConfig.topic", io.get("topic")),
                            ("spec.ioConfig.consumerProperties.bootstrap.servers",
                             io.get("consumerProperties", {}).get("bootstrap.servers"))):
            if not value:
                problem(f"{where}: {need} is required")
        for kind in ("type", ):
            for part, obj in (("spec", sup), ("spec.ioConfig", io), ("spec.tuningConfig", spec.get("tuningConfig", {}))):
                if obj.get(kind) != "kafka":
                    problem(f"{where}: {part} type is {obj.get(kind)!r}, not kafka")
        fmt = schema.get("timestampSpec", {}).get("format", "auto")
        if fmt not in ingestion["timestamp_formats"] and not re.search(r"yy|MM|dd|HH|hh|mm|ss|SS", fmt):
            problem(f"{where}: timestamp format {fmt!r} is not one of {ingestion['timestamp_formats']} nor a Joda-Time pattern")
        gran = schema.get("granularitySpec", {})
        for g in ("segmentGranularity", "queryGranularity"):
            if g in gran and gran[g] not in ingestion["granularities"]:
                problem(f"{where}: {g} {gran[g]!r} is not a Druid granularity")
        consumer = io.get("consumerProperties", {})
        if consumer.get("bootstrap.servers") != BOOTSTRAP_TOKEN:
            problem(f"{where}: bootstrap.servers is {consumer.get('bootstrap.servers')!r}, not the data stack's "
                    f"deploy-time {BOOTSTRAP_TOKEN}")
        if consumer.get("security.protocol") != "SASL_SSL" or consumer.get("sasl.mechanism") != "AWS_MSK_IAM":
            problem(f"{where}: MSK Serverless takes SASL_SSL with the AWS_MSK_IAM mechanism only")
        module = consumer.get("sasl.jaas.config", "").split(" ", 1)[0]
        for what, cls in (("sasl.jaas.config's login module", module),
                          ("sasl.client.callback.handler.class", consumer.get("sasl.client.callback.handler.class"))):
            if cls not in classes:
                problem(f"{where}: {what} {cls!r} is not a class of aws-msk-iam-auth {version}")
        # The Druid role grants what the consumer does on this topic.
        topic = io.get("topic", "")
        druid_role = roles.get("DruidRole")
        if druid_role is None:
            problem("the data stack has no DruidRole")
            continue
        granted = grants(druid_role)
        for action, kind in CONSUMER:
            name = topic if kind == "topic" else "kafka-supervisor-x" if kind == "group" else ""
            if not any(a == action and covers(r, kind, name, cluster_ref) for a, r in granted):
                problem(f"{where}: DruidRole does not grant {action} on the {kind} {name or cluster_id}")
    for role_id, role in sorted(roles.items()):
        granted = grants(role)
        actions = {a for a, _ in granted}
        for a in sorted(actions):
            for req in MSK_REQUIRED.get(a, []):
                if req not in actions:
                    problem(f"{role_id} grants {a} without {req}, which it requires")
    for name, text in sorted(scripts.items()):
        created = re.findall(r"--create --if-not-exists --topic (\S+)", text)
        role = roles.get("DruidIngestionRole")
        if role is None:
            problem(f"ConfigMap/{name} creates topics, but the data stack has no DruidIngestionRole")
            continue
        for topic in created:
            if not any(a == "kafka-cluster:CreateTopic" and covers(r, "topic", topic, cluster_ref)
                       for a, r in grants(role)):
                problem(f"DruidIngestionRole does not grant kafka-cluster:CreateTopic on topic {topic}")
    # The jar beside the Kafka client of every process that runs consumers.
    for where, spec in pods:
        pod = Pod(where, spec, configmaps)
        runs_supervisors = "druid.indexer.runner.k8s.podTemplate.base" in pod_properties(pod)
        if pod.script != "/peon.sh" and not runs_supervisors:
            continue
        mount = next((m for m in pod.c.get("volumeMounts", [])
                      if m["mountPath"] == f"{KAFKA_EXTENSION_DIR}/{jar}"), None)
        if mount is None:
            problem(f"{where}: no {jar} in {KAFKA_EXTENSION_DIR}, where Druid's Kafka client is loaded")
            continue
        fetch = [c for c in spec.get("initContainers", [])
                 if any(m["name"] == mount["name"] for m in c.get("volumeMounts", []))
                 and f"/aws-msk-iam-auth/{version}/{jar}" in " ".join(c.get("command", []))]
        if not fetch:
            problem(f"{where}: no init container fetches {jar} into volume {mount['name']}")
    return len(supervisors)


def version_tuple(text: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def check_credentials(out: pathlib.Path, problems: list) -> bool:
    """Checks that Druid's pods get AWS credentials from EKS Pod Identity; False without Druid."""
    def problem(msg):
        problems.append(f"{out.name}: credentials: {msg}")

    pods, configmaps = pods_of(out)
    if not pods:
        return False
    version = druid_version(next(c["image"] for _, s in pods for c in s["containers"]
                                 if druid_version(c.get("image", ""))))
    path = UPSTREAM / version / "credentials.json"
    if not path.is_file():
        problem(f"Druid {version} has no vendored credentials.json")
        return True
    facts = json.loads(path.read_text())
    sdk = facts["aws_sdk_java"]["version"]
    if version_tuple(sdk) < POD_IDENTITY_SDK["java-v1"]:
        problem(f"Druid {version} bundles the AWS SDK for Java {sdk}, older than the first that reads "
                f"Pod Identity credentials ({'.'.join(map(str, POD_IDENTITY_SDK['java-v1']))})")
    providers = facts["s3_chain"]["providers"]
    container = next((p for p in providers if "AWS_CONTAINER_CREDENTIALS_FULL_URI" in p["details"]), None)
    if container is None:
        problem("Druid's S3 credential chain has no container credentials provider, which Pod Identity feeds")
    for msk in sorted(UPSTREAM_MSK.glob("*/build.gradle")):
        bom = re.search(r"software\.amazon\.awssdk:bom:([0-9.]+)", msk.read_text())
        if not bom or version_tuple(bom.group(1)) < POD_IDENTITY_SDK["java-v2"]:
            problem(f"aws-msk-iam-auth {msk.parent.name} builds on AWS SDK v2 "
                    f"{bom.group(1) if bom else '(not found)'}, older than 2.21.30")
    associations = set()
    for t in sorted((out / "cloudformation").glob("*.template.json")):
        for r in json.loads(t.read_text()).get("Resources", {}).values():
            if r["Type"] == "AWS::EKS::PodIdentityAssociation":
                associations.add((r["Properties"]["Namespace"], r["Properties"]["ServiceAccount"]))
    # Druid's pods (and the task pods the overlord starts beside it) share one namespace.
    ns = next((d["metadata"].get("namespace") for _, d in documents(out)
               if d.get("kind") in ("StatefulSet", "Deployment")
               and any(druid_version(c.get("image", "")) for c in d["spec"]["template"]["spec"]["containers"])),
              None)
    for where, spec in pods:
        pod = Pod(where, spec, configmaps)
        props = pod_properties(pod)
        value = {e["name"]: e for e in pod.env}
        text, _ = pod.file(value.get("DRUID_CONFIG_COMMON", {}).get("value", "")) \
            if "DRUID_CONFIG_COMMON" in value else (None, None)
        props.update(parse_properties(text or ""))
        # Links of the chain before the container credentials: any of them set wins over it.
        earlier = [k for k in ("druid.s3.accessKey", "druid.s3.secretKey", "druid.s3.fileSessionCredentials")
                   if k in props]
        earlier += [n for n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if n in value]
        if earlier:
            problem(f"{where}: {', '.join(earlier)} come before the container credentials in Druid's "
                    "S3 credential chain, so Pod Identity would not be used")
        sa = spec.get("serviceAccountName")
        if (ns, sa) not in associations:
            problem(f"{where}: service account {ns}/{sa} has no pod identity association")
    return True


def pod_properties(pod: Pod) -> dict:
    """The properties of a pod's service file (enough to tell the overlord)."""
    value = {e["name"]: e.get("value") for e in pod.env}
    props = {}
    for name, v in value.items():
        if name.startswith("DRUID_CONFIG_") and v:
            text, _ = pod.file(v)
            props.update(parse_properties(text or ""))
    return props


def main(args: list) -> int:
    if not args:
        print(__doc__.strip().splitlines()[0])
        print("usage: check_druid.py DIR [DIR ...]")
        return 2
    problems, lines = [], []
    for d in args:
        lines.append(check_output(pathlib.Path(d), problems))
        check_credentials(pathlib.Path(d), problems)
        n = check_ingestion(pathlib.Path(d), problems)
        if n:
            lines.append(f"{d}: ingestion chain of {n} Kafka supervisors checked")
    for p in problems:
        print(p)
    for line in lines:
        print(f"druid: {line}")
    print(f"druid: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
