//! The MSK bootstrap servers deploy adds to the data stack's outputs, against scripted MSK
//! answers (`aws-smithy-mocks`), and the manifests that need them resolved with them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_kafka::operation::get_bootstrap_brokers::{
    GetBootstrapBrokersError, GetBootstrapBrokersOutput,
};
use aws_smithy_mocks::{mock, mock_client};
use plinth_deploy::Cloud;
use plinth_deploy::kafka::{BOOTSTRAP_OUTPUT, CLUSTER_ARN_OUTPUT, add_bootstrap_servers};
use plinth_deploy::kubernetes::outputs::{StackOutputs, resolve};

const ARN: &str = "arn:aws:kafka:eu-west-1:111122223333:cluster/fff-streaming-druid-msk/0a1b2c3d-4e5f-6789-abcd-ef0123456789-s1";
const SERVERS: &str = "boot-abcd1234.c1.kafka-serverless.eu-west-1.amazonaws.com:9098";

fn cloud(kafka: aws_sdk_kafka::Client) -> Cloud {
    let region = aws_config::Region::new("eu-west-1");
    let behavior = aws_config::BehaviorVersion::latest();
    macro_rules! client {
        ($sdk:ident) => {
            $sdk::Client::from_conf(
                $sdk::Config::builder()
                    .behavior_version(behavior)
                    .region(region.clone())
                    .build(),
            )
        };
    }
    Cloud {
        cfn: client!(aws_sdk_cloudformation),
        s3: client!(aws_sdk_s3),
        sts: client!(aws_sdk_sts),
        tagging: client!(aws_sdk_resourcegroupstagging),
        cloudcontrol: client!(aws_sdk_cloudcontrol),
        kafka,
        region: "eu-west-1".to_owned(),
        poll: Duration::from_secs(5),
        credentials: None,
    }
}

fn data_outputs() -> StackOutputs {
    BTreeMap::from([(
        "data".to_owned(),
        BTreeMap::from([(CLUSTER_ARN_OUTPUT.to_owned(), ARN.to_owned())]),
    )])
}

#[tokio::test]
async fn the_iam_bootstrap_servers_fill_the_supervisors() {
    let asked = Arc::new(Mutex::new(None::<String>));
    let seen = asked.clone();
    let brokers = mock!(aws_sdk_kafka::Client::get_bootstrap_brokers)
        .match_requests(move |r| {
            *seen.lock().unwrap() = r.cluster_arn().map(str::to_owned);
            true
        })
        .then_output(|| {
            GetBootstrapBrokersOutput::builder()
                .bootstrap_broker_string_sasl_iam(SERVERS)
                .build()
        });
    let cloud = cloud(mock_client!(aws_sdk_kafka, [&brokers]));
    let mut outputs = data_outputs();
    add_bootstrap_servers(&cloud, &mut outputs).await.unwrap();
    assert_eq!(asked.lock().unwrap().as_deref(), Some(ARN));
    assert_eq!(outputs["data"][BOOTSTRAP_OUTPUT], SERVERS);

    // The example's Druid ingestion needs exactly this value, and resolves with it.
    let spec = include_str!("../../../examples/druid-analytics/plinth.yaml");
    let platform = plinth_spec::load(spec)
        .platform
        .expect("the example is valid");
    let files = plinth_synth::k8s::manifests(&platform);
    let needed = plinth_synth::k8s::deploy_time_values(&files);
    let ingestion: Vec<_> = needed
        .iter()
        .filter(|(_, tokens)| tokens.iter().any(|t| t.contains(BOOTSTRAP_OUTPUT)))
        .map(|(path, _)| path.clone())
        .collect();
    assert!(
        !ingestion.is_empty(),
        "no manifest reads the bootstrap servers"
    );
    // Every other stack output the manifests read, as deploy would have them.
    for tokens in needed.values() {
        for t in tokens {
            let inner = t
                .trim_start_matches("${plinth:output:")
                .trim_end_matches('}');
            let (stack, output) = inner.split_once(':').unwrap();
            outputs
                .entry(stack.to_owned())
                .or_default()
                .entry(output.to_owned())
                .or_insert_with(|| format!("value-of-{output}"));
        }
    }
    let resolved = resolve(&files, &outputs).unwrap();
    let text = serde_json::to_string(
        &resolved
            .iter()
            .filter(|f| ingestion.contains(&f.path))
            .map(|f| format!("{:?}", f.content))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(
        text.contains(SERVERS),
        "the servers are not in {ingestion:?}"
    );
    assert!(
        !text.contains(BOOTSTRAP_OUTPUT),
        "a token is left in {ingestion:?}"
    );
}

#[tokio::test]
async fn a_cluster_msk_cannot_describe_fails_with_its_arn() {
    let brokers = mock!(aws_sdk_kafka::Client::get_bootstrap_brokers).then_error(|| {
        GetBootstrapBrokersError::BadRequestException(
            aws_sdk_kafka::types::error::BadRequestException::builder()
                .message("cluster not found")
                .build(),
        )
    });
    let cloud = cloud(mock_client!(aws_sdk_kafka, [&brokers]));
    let mut outputs = data_outputs();
    let e = add_bootstrap_servers(&cloud, &mut outputs)
        .await
        .unwrap_err();
    assert!(e.action.contains(ARN), "{e}");
    assert!(e.message.contains("cluster not found"), "{e}");
    assert!(!outputs["data"].contains_key(BOOTSTRAP_OUTPUT));
}

#[tokio::test]
async fn a_platform_without_kafka_asks_nothing() {
    // No rule: any call would fail the test.
    let cloud = cloud(mock_client!(aws_sdk_kafka, []));
    let mut outputs = StackOutputs::new();
    add_bootstrap_servers(&cloud, &mut outputs).await.unwrap();
    assert!(outputs.is_empty());
}
