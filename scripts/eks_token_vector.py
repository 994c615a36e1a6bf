#!/usr/bin/env python3
"""Prints the EKS bearer token botocore makes for fixed inputs, the way `aws eks get-token` does.

plinth's token test (crates/plinth-deploy/src/kube/token.rs) holds this script's output as its
expected value; scripts/test runs the script and compares, so the vector comes from an
independent SigV4 implementation and cannot drift.

`aws eks get-token` presigns STS GetCallerIdentity for 60 seconds with the header
`x-k8s-aws-id: <cluster name>` signed in, then encodes the URL as
`k8s-aws-v1.` + base64url without padding.
"""
import base64
import datetime
from unittest import mock

import botocore.session

FIXED = datetime.datetime(2026, 11, 23, 12, 0, 0)


def token(cluster: str, region: str) -> str:
    session = botocore.session.get_session()
    session.set_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    sts = session.create_client(
        "sts",
        region_name=region,
        endpoint_url=f"https://sts.{region}.amazonaws.com",
    )

    def add_header(request, **_):
        request.headers["x-k8s-aws-id"] = cluster

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_header)
    with mock.patch("botocore.auth.get_current_datetime", return_value=FIXED):
        url = sts.generate_presigned_url(
            "get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET"
        )
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


if __name__ == "__main__":
    print(token("acme-data-prod", "us-west-2"))
