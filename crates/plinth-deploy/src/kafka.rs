//! A deploy-time value CloudFormation cannot give: the bootstrap servers of Druid's MSK
//! Serverless cluster. `AWS::MSK::ServerlessCluster` has no attribute for them, so the data stack
//! exports the cluster's ARN and deploy asks MSK (`kafka:GetBootstrapBrokers`) for the SASL/IAM
//! string, which the manifests read as `${plinth:output:data:DruidKafkaBootstrapServers}`.

use crate::aws::{AwsError, Cloud};
use crate::kubernetes::outputs::StackOutputs;

pub use plinth_synth::k8s::{
    DRUID_KAFKA_BOOTSTRAP_OUTPUT as BOOTSTRAP_OUTPUT,
    DRUID_KAFKA_CLUSTER_ARN_OUTPUT as CLUSTER_ARN_OUTPUT,
};
/// The data stack's short name.
const DATA: &str = "data";

/// Adds [`BOOTSTRAP_OUTPUT`] to the data stack's outputs when they name a Kafka cluster; leaves
/// everything as it is otherwise.
pub async fn add_bootstrap_servers(
    cloud: &Cloud,
    outputs: &mut StackOutputs,
) -> Result<(), AwsError> {
    let Some(arn) = outputs
        .get(DATA)
        .and_then(|o| o.get(CLUSTER_ARN_OUTPUT))
        .cloned()
    else {
        return Ok(());
    };
    let action = format!("read the bootstrap servers of {arn}");
    let out = cloud
        .kafka
        .get_bootstrap_brokers()
        .cluster_arn(&arn)
        .send()
        .await
        .map_err(|e| AwsError::sdk(&action, &e))?;
    let servers = out
        .bootstrap_broker_string_sasl_iam
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AwsError::other(&action, "the cluster has no SASL/IAM bootstrap servers"))?;
    outputs
        .entry(DATA.to_owned())
        .or_default()
        .insert(BOOTSTRAP_OUTPUT.to_owned(), servers);
    Ok(())
}
