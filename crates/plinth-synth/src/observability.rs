//! The AWS side of in-cluster observability, in the cluster stack.
//!
//! - Grafana's admin credentials, generated in Secrets Manager (`{id}-eks-grafana-admin`), and
//!   a pod identity role that may read that secret and nothing else, bound to Grafana's service
//!   account; the Secrets Store CSI driver syncs the secret into the cluster
//!   (`k8s::observability`), so no password is ever written down.
//! - Alertmanager's receivers: an SNS topic (`{id}-eks-alerts`, encrypted with a key of its
//!   own, TLS-only) with the spec's email subscriptions, and a role that may publish to that
//!   topic and read the Slack and PagerDuty secrets the spec names.
//! - Container logs: the log group Fluent Bit writes to, created here so its retention is set,
//!   and a role that may write log streams of that group only.

use plinth_cfn::{Expr, Resource};
use plinth_spec::model::{Alerts, Logs, Prometheus};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::iam;
use crate::k8s::observability::{ALERTMANAGER_SA, FLUENT_BIT_SA, GRAFANA_SA, NAMESPACE};

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "observability",
    }
}

/// Adds Grafana's secret and role, and Alertmanager's topic and role, to the cluster stack.
pub fn prometheus(b: &mut Builder<'_>, cluster: &str, p: &Prometheus) {
    let names = b.platform().names.clone();
    let secret = b.add(
        "GrafanaAdminSecret",
        Resource::new(
            "AWS::SecretsManager::Secret",
            json!({
                "Name": names.grafana_admin_secret(),
                "Description": format!("Grafana admin user of {}", names.cluster()),
                "GenerateSecretString": {
                    "SecretStringTemplate": json!({ "username": "admin" }).to_string(),
                    "GenerateStringKey": "password",
                    "PasswordLength": 32,
                    "ExcludePunctuation": true,
                },
            }),
        ),
        role("secret", "security"),
        None,
    );
    let grafana = pod_role(
        b,
        "GrafanaRole",
        &names.cluster_role("grafana"),
        "Grafana reads its generated admin credentials",
        vec![read_secret(r(&secret))],
    );
    associate(b, "GrafanaPodIdentity", cluster, GRAFANA_SA, &grafana);
    b.export(
        "GrafanaAdminSecretArn",
        "Generated Grafana admin credentials (username, password)",
        r(&secret),
    );

    let statements = alertmanager_statements(b, &p.alerts);
    if !statements.is_empty() {
        let alertmanager = pod_role(
            b,
            "AlertmanagerRole",
            &names.cluster_role("alertmanager"),
            "Alertmanager publishes alerts and reads its receivers' secrets",
            statements,
        );
        associate(
            b,
            "AlertmanagerPodIdentity",
            cluster,
            ALERTMANAGER_SA,
            &alertmanager,
        );
    }
}

/// Adds the container log group and Fluent Bit's role to the cluster stack.
pub fn logs(b: &mut Builder<'_>, cluster: &str, l: &Logs) {
    let names = b.platform().names.clone();
    let group = b.add(
        "ContainerLogGroup",
        Resource::new(
            "AWS::Logs::LogGroup",
            json!({ "LogGroupName": names.container_log_group(), "RetentionInDays": l.retention_days }),
        ),
        role("log-group", "observability"),
        None,
    );
    // The group's `Arn` attribute ends in `:*`, which covers its log streams.
    let fluent_bit = pod_role(
        b,
        "FluentBitRole",
        &names.cluster_role("fluent-bit"),
        "Fluent Bit writes container logs to their log group",
        vec![json!({
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": att(&group, "Arn"),
        })],
    );
    associate(
        b,
        "FluentBitPodIdentity",
        cluster,
        FLUENT_BIT_SA,
        &fluent_bit,
    );
    b.export(
        "ContainerLogGroupName",
        "Log group of container logs",
        r(&group),
    );
}

/// The topic with its subscriptions when the spec asks for SNS, and the statements
/// Alertmanager's role needs for every receiver.
fn alertmanager_statements(b: &mut Builder<'_>, alerts: &Alerts) -> Vec<Value> {
    let mut statements = Vec::new();
    if let Some(emails) = &alerts.sns {
        let names = b.platform().names.clone();
        // A key of its own, so the publisher's KMS permissions name one key. The account's
        // administrators manage it; IAM policies grant its use.
        let alias = names.kms_alias("alerts");
        let key = b.add(
            "AlertsKey",
            iam::kms_key(
                &format!("Encryption of the alerts topic ({alias})"),
                Vec::new(),
            ),
            role("kms-key", "security"),
            None,
        );
        b.add(
            "AlertsKeyAlias",
            iam::kms_alias(&alias, &key),
            role("kms-alias", "security"),
            None,
        );
        let topic = b.add(
            "AlertsTopic",
            Resource::new(
                "AWS::SNS::Topic",
                json!({
                    "TopicName": names.alerts_topic(),
                    "DisplayName": format!("{} alerts", names.cluster()),
                    "KmsMasterKeyId": r(&key),
                }),
            ),
            role("sns-topic", "observability"),
            None,
        );
        b.add(
            "AlertsTopicPolicy",
            Resource::new(
                "AWS::SNS::TopicPolicy",
                json!({
                    "Topics": [r(&topic)],
                    "PolicyDocument": iam::document(vec![json!({
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sns:Publish",
                        "Resource": r(&topic),
                        "Condition": { "Bool": { "aws:SecureTransport": false } },
                    })]),
                }),
            ),
            role("sns-topic-policy", "security"),
            None,
        );
        for (i, email) in emails.iter().enumerate() {
            b.add(
                &format!("AlertsEmail{}", i + 1),
                Resource::new(
                    "AWS::SNS::Subscription",
                    json!({ "TopicArn": r(&topic), "Protocol": "email", "Endpoint": email }),
                ),
                role("sns-subscription", "observability"),
                None,
            );
        }
        statements.push(json!({
            "Effect": "Allow",
            "Action": "sns:Publish",
            "Resource": r(&topic),
        }));
        // Publishers of an encrypted topic need the key's data keys, through SNS.
        statements.push(json!({
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": att(&key, "Arn"),
            "Condition": { "StringEquals": { "kms:ViaService": Expr::sub("sns.${AWS::Region}.amazonaws.com") } },
        }));
        b.export(
            "AlertsTopicArn",
            "SNS topic Alertmanager publishes to",
            r(&topic),
        );
    }
    for (_, arn) in alerts.secrets() {
        // The spec names each secret without the six random characters Secrets Manager
        // appends to its ARN; `-??????` matches exactly those.
        statements.push(read_secret(Value::from(format!("{arn}-??????"))));
    }
    statements
}

fn read_secret(resource: Value) -> Value {
    let mut statement = json!({
        "Effect": "Allow",
        "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
    });
    statement["Resource"] = resource;
    statement
}

fn pod_role(
    b: &mut Builder<'_>,
    id: &str,
    name: &str,
    description: &str,
    statements: Vec<Value>,
) -> String {
    let policy = name.trim_start_matches(&format!("{}-eks-", b.platform().names.id()));
    let policy = format!("{policy}-access");
    b.add(
        id,
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": name,
                "Description": format!("{description} ({NAMESPACE})"),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline(&policy, statements)],
            }),
        ),
        role("iam-role", "security"),
        None,
    )
}

fn associate(b: &mut Builder<'_>, id: &str, cluster: &str, service_account: &str, role_id: &str) {
    b.add(
        id,
        Resource::new(
            "AWS::EKS::PodIdentityAssociation",
            json!({
                "ClusterName": r(cluster),
                "Namespace": NAMESPACE,
                "ServiceAccount": service_account,
                "RoleArn": att(role_id, "Arn"),
            }),
        ),
        role("eks-pod-identity-association", "security"),
        None,
    );
}
