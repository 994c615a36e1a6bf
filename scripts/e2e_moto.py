#!/usr/bin/env python3
"""End-to-end deploy of the network stack through moto server, an AWS API emulator.

    scripts/e2e_moto.py PLINTH_BINARY

Starts `moto_server` on 127.0.0.1, then drives the real `plinth` binary against it: plan, deploy,
re-deploy (no changes), a saved plan that goes stale, an update (flow-log retention), status and
destroy of examples/druid-lean's bootstrap and network stacks. Every step is checked with the
emulator's own describe calls (boto3), not with plinth's output alone.

What moto does not model, and this test therefore does not claim:
- EKS, MSK and Secrets Manager resources in CloudFormation are skipped by moto, so the cluster,
  data and bindings stacks are not deployed here (their templates are checked by cfn-lint and
  snapshots; their deploy paths by the aws-smithy-mocks tests).
- moto never fills in the outputs of a stack created or updated through a change set (its
  execute_change_set applies the resources but does not rebuild the stack's output map), and
  DescribeStacks shows none either. Outputs are therefore not checked here; reading them (the
  templates bucket, the cluster endpoint) is covered by the aws-smithy-mocks tests, and this
  test finds the templates bucket through the stack's resources instead.
- moto's change sets name the resources that change but not which properties (no Details), so
  the property column of the plan is covered by the aws-smithy-mocks tests, not here.
- moto skips updates of resource types it has no update handler for, AWS::Logs::LogGroup among
  them, so after the update the test checks the stack's template, not the log group itself.
- moto has no delete handler for NAT gateways or internet gateways in CloudFormation, so
  DeleteStack of the network stack fails with DependencyViolation for the VPC (and moto drops
  the stack record anyway). The test checks how plinth reports that failure and that destroy
  resumes afterwards; it cannot check that the VPC is gone.
- moto creates resources synchronously, so progress lines show no intermediate states.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples/druid-lean/plinth.yaml"
REGION = "eu-west-1"
NETWORK = "acme-events-druid-network"
BOOTSTRAP = "acme-events-druid-bootstrap"


SECRET_KEY = "plinthE2eSecretAccessKeyNeverPrinted0000"
SESSION_TOKEN = "plinthE2eSessionTokenNeverPrinted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(venv_bin: Path, port: int) -> subprocess.Popen:
    server = shutil.which("moto_server", path=str(venv_bin)) or shutil.which("moto_server")
    if not server:
        sys.exit("moto_server not found: install moto[server] (scripts/requirements-e2e.txt)")
    proc = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("moto_server did not start")


class Plinth:
    def __init__(self, binary: str, endpoint: str, env: dict):
        self.binary, self.endpoint, self.env = binary, endpoint, env
        self.transcript = []

    def run(self, *args, spec: Path, expect: int = 0) -> str:
        cmd = [self.binary, args[0], str(spec), "--endpoint-url", self.endpoint,
               "--stacks", "network", *args[1:]]
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=600)
        print(f"$ plinth {' '.join(args)} (exit {p.returncode})")
        print(indent(p.stdout + p.stderr))
        if p.returncode != expect:
            sys.exit(f"FAIL: expected exit {expect}, got {p.returncode}")
        self.stdout = p.stdout
        self.transcript.append(p.stdout + p.stderr)
        return p.stdout + p.stderr


def indent(text: str) -> str:
    lines = text.strip().splitlines()
    if len(lines) > 30:
        lines = lines[:12] + [f"... ({len(lines) - 24} lines)"] + lines[-12:]
    return "\n".join("    " + l for l in lines)


def check(cond: bool, what: str):
    if not cond:
        sys.exit(f"FAIL: {what}")
    print(f"  ok: {what}")


def main():
    binary = sys.argv[1]
    venv_bin = Path(sys.executable).parent
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    # Distinctive credentials (moto checks no signature): no line plinth prints may hold them.
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY=SECRET_KEY,
               AWS_SESSION_TOKEN=SESSION_TOKEN, AWS_REGION=REGION,
               AWS_EC2_METADATA_DISABLED="true", NO_COLOR="1")
    env.pop("AWS_PROFILE", None)
    moto = start_moto(venv_bin, port)
    aws = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
               aws_secret_access_key="testing")
    cfn, ec2, logs, s3 = (boto3.client(n, **aws) for n in ("cloudformation", "ec2", "logs", "s3"))
    work = Path(tempfile.mkdtemp())
    try:
        spec = work / "plinth.yaml"
        shutil.copy(SPEC, spec)
        plinth = Plinth(binary, endpoint, env)

        print("== plan before anything exists")
        out = plinth.run("plan", spec=spec)
        check(f"{NETWORK}: create" in out and f"{BOOTSTRAP}: create" in out,
              "plan creates the bootstrap and network stacks")
        check(cfn.list_stacks()["StackSummaries"] == [], "plan created no stack")

        print("== deploy")
        plinth.run("deploy", "--approve", spec=spec)
        stacks = {s["StackName"]: s for s in cfn.describe_stacks()["Stacks"]}
        check(stacks[NETWORK]["StackStatus"] == "CREATE_COMPLETE", "network stack CREATE_COMPLETE")
        check(stacks[BOOTSTRAP]["StackStatus"] == "CREATE_COMPLETE", "bootstrap stack CREATE_COMPLETE")
        vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "172.20.0.0/18"]
        check(len(vpcs) == 1, "one VPC with the spec's CIDR 172.20.0.0/18")
        vpc = vpcs[0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        check(len(subnets) == 4, f"4 subnets in 2 zones (found {len(subnets)})")
        check({s["AvailabilityZone"] for s in subnets} == {"eu-west-1a", "eu-west-1b"},
              "subnets spread over eu-west-1a and eu-west-1b")
        nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NatGateways"]
        check(len(nats) == 1, f"one shared NAT gateway (found {len(nats)})")
        bucket = cfn.describe_stack_resource(StackName=BOOTSTRAP, LogicalResourceId="TemplatesBucket")[
            "StackResourceDetail"]["PhysicalResourceId"]
        s3.head_bucket(Bucket=bucket)
        check(True, f"bootstrap bucket {bucket} exists")
        groups = logs.describe_log_groups()["logGroups"]
        flow = [g for g in groups if "flow" in g["logGroupName"].lower()]
        check(len(flow) == 1 and flow[0].get("retentionInDays") == 90,
              "flow-log group with the spec's 90-day retention")
        updated_before = cfn.describe_stacks(StackName=NETWORK)["Stacks"][0].get("LastUpdatedTime")

        print("== deploy again: nothing changed")
        out = plinth.run("deploy", "--approve", spec=spec)
        check("stacks: no changes" in out, "deploy reports no changes")
        after = cfn.describe_stacks(StackName=NETWORK)["Stacks"][0]
        check(after.get("LastUpdatedTime") == updated_before and after["StackStatus"] == "CREATE_COMPLETE",
              "the network stack was not touched")

        print("== diff against the last deploy: nothing to change")
        out = plinth.run("diff", "--deployed", spec=spec)
        check("no differences" in out, "the deployed network template is the one the spec makes")

        print("== a saved plan, then the spec changes: the plan is refused")
        plinth.run("plan", "-o", "json", spec=spec)
        (work / "plan.json").write_text(plinth.stdout)
        data = yaml.safe_load(spec.read_text())
        data["network"]["flowLogs"]["retentionDays"] = 30
        spec.write_text(yaml.safe_dump(data, sort_keys=False))
        out = plinth.run("deploy", "--approve", "--plan", str(work / "plan.json"), spec=spec, expect=1)
        check("stale" in out and "different template" in out, "a plan made from another spec is refused")

        out = plinth.run("diff", "--deployed", spec=spec, expect=1)
        check(re.search(r"RetentionInDays.*90.*30", out) is not None,
              "diff --deployed shows the retention the next deploy changes")

        print("== update: flow-log retention 90 -> 30 days")
        out = plinth.run("plan", spec=spec)
        check(re.search(r"~ \w*FlowLog\w*\s+AWS::Logs::LogGroup", out) is not None,
              "plan shows the log group changing in place")
        plinth.run("plan", "-o", "json", spec=spec)
        (work / "plan2.json").write_text(plinth.stdout)
        out = plinth.run("deploy", "--approve", "--plan", str(work / "plan2.json"), spec=spec)
        check("stacks changed: " + NETWORK in out, "deploy --plan executed the saved change set")
        body = cfn.get_template(StackName=NETWORK)["TemplateBody"]
        body = body if isinstance(body, dict) else json.loads(body)
        check(body["Resources"]["FlowLogGroup"]["Properties"]["RetentionInDays"] == 30,
              "the stack now holds the template with 30 days")
        check(cfn.describe_stacks(StackName=NETWORK)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE",
              "network stack UPDATE_COMPLETE")

        print("== status")
        out = plinth.run("status", spec=spec)
        check(NETWORK in out and "UPDATE_COMPLETE" in out, "status shows the stack and its state")

        print("== destroy")
        out = plinth.run("destroy", spec=spec)
        check(cfn.describe_stacks(StackName=NETWORK)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE",
              "destroy without --approve deletes nothing")
        # moto cannot delete this stack (see the module docstring): its DeleteStack answers
        # DependencyViolation for the VPC. That exercises destroy's failure path for real.
        out = plinth.run("destroy", "--approve", spec=spec, expect=1)
        check("DependencyViolation" in out and f"plinth destroy {spec} --approve" in out,
              "a failed delete is reported with the service's reason and the command to run next")
        check(cfn.describe_stacks(StackName=BOOTSTRAP)["Stacks"][0]["StackStatus"] != "DELETE_COMPLETE",
              "the bootstrap stack is kept while a stack that needs it failed to delete")
        # moto dropped the network stack with its failed delete; running destroy again resumes
        # with what is left.
        plinth.run("destroy", "--approve", spec=spec)
        live = [s["StackName"] for s in cfn.list_stacks()["StackSummaries"]
                if s["StackStatus"] != "DELETE_COMPLETE"]
        check(live == [], "destroy resumed and no stack is left")
        out = plinth.run("destroy", "--approve", spec=spec)
        check("nothing to destroy" in out, "destroying again is a no-op")
        printed = "\n".join(plinth.transcript)
        check(SECRET_KEY not in printed and SESSION_TOKEN not in printed,
              f"no line of {len(plinth.transcript)} runs holds the secret key or session token")
        print("\ne2e against moto server: all checks passed")
    finally:
        moto.terminate()
        moto.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
