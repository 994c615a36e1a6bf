//! EKS bearer tokens, made the way `aws eks get-token` makes them: a presigned STS
//! `GetCallerIdentity` URL, valid for 60 seconds, with the cluster name signed in as the
//! `x-k8s-aws-id` header, base64url-encoded without padding behind `k8s-aws-v1.`.
//! EKS accepts such a token for 15 minutes.
//! <https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html>

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use base64::Engine as _;

/// How long the presigned URL is valid; the value `aws eks get-token` uses.
const PRESIGN_SECONDS: u64 = 60;

/// Signing failed (bad credentials or inputs).
#[derive(Debug, thiserror::Error)]
#[error("cannot sign the EKS token request: {0}")]
pub struct TokenError(String);

/// A token for `cluster` in `region`, signed with `credentials` at `time`.
pub fn token(
    credentials: &Credentials,
    cluster: &str,
    region: &str,
    time: SystemTime,
) -> Result<String, TokenError> {
    let host = format!("sts.{region}.{}", dns_suffix(region));
    let url = format!("https://{host}/?Action=GetCallerIdentity&Version=2011-06-15");
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(PRESIGN_SECONDS));
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| TokenError(e.to_string()))?
        .into();
    let headers = [("host", host.as_str()), ("x-k8s-aws-id", cluster)];
    let signable = SignableRequest::new("GET", &url, headers.into_iter(), SignableBody::Bytes(&[]))
        .map_err(|e| TokenError(e.to_string()))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| TokenError(e.to_string()))?
        .into_parts();
    let mut request = http::Request::builder()
        .uri(&url)
        .body(())
        .map_err(|e| TokenError(e.to_string()))?;
    instructions.apply_to_request_http1x(&mut request);
    let presigned = request.uri().to_string();
    Ok(format!(
        "k8s-aws-v1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(presigned)
    ))
}

fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The output of `scripts/eks_token_vector.py` (botocore, the SigV4 implementation behind
    /// `aws eks get-token`) for the same inputs; scripts/test re-runs it and compares.
    const BOTOCORE: &str = include_str!("token_vector.txt");

    fn decode(token: &str) -> (String, BTreeMap<String, String>) {
        let b64 = token.strip_prefix("k8s-aws-v1.").expect("the token prefix");
        let url = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(b64)
                .expect("base64url without padding"),
        )
        .unwrap();
        let (base, query) = url.split_once('?').unwrap();
        let params = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        (base.to_owned(), params)
    }

    #[test]
    fn the_token_matches_botocore_for_the_same_inputs() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        // 2026-11-23T12:00:00Z
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_435_200);
        let ours = token(&creds, "acme-data-prod", "us-west-2", time).unwrap();
        let (base, params) = decode(&ours);
        let (want_base, want_params) = decode(BOTOCORE.trim());
        assert_eq!(base, want_base);
        // The same parameters, signature included; their order in the URL may differ.
        assert_eq!(params, want_params);
        assert_eq!(params["X-Amz-SignedHeaders"], "host%3Bx-k8s-aws-id");
        assert_eq!(params["X-Amz-Expires"], "60");
    }

    #[test]
    fn another_cluster_gets_another_signature() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_435_200);
        let a = decode(&token(&creds, "a", "us-west-2", time).unwrap()).1;
        let b = decode(&token(&creds, "b", "us-west-2", time).unwrap()).1;
        assert_ne!(a["X-Amz-Signature"], b["X-Amz-Signature"]);
    }
}
