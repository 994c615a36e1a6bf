//! What destroy removes that CloudFormation did not create: before the cluster stack goes, the
//! load balancers and nodes controllers made (through Kubernetes); before the network stack
//! goes, network interfaces and security groups that controllers tagged for the cluster and
//! left in the VPC (found with the Resource Groups Tagging API, deleted through Cloud Control).
//! Anything that cannot be removed is reported, never silently skipped.

use std::sync::Arc;

use aws_sdk_cloudcontrol::types::OperationStatus;
use aws_sdk_resourcegroupstagging::types::TagFilter;

use crate::aws::{AwsError, Cloud};
use crate::engine::{Progress, Reporter};
use crate::plan::Observed;
use crate::target::Target;

/// The tags controllers put on what they create for a cluster, by resource type: the Load
/// Balancer Controller tags its security groups `elbv2.k8s.aws/cluster: NAME`
/// (<https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/security_groups/>),
/// the VPC CNI tags the network interfaces it attaches `cluster.k8s.amazonaws.com/name: NAME`
/// (<https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md>).
pub const LEFTOVER_TAGS: &[(&str, &str, &str)] = &[
    (
        "ec2:security-group",
        "AWS::EC2::SecurityGroup",
        "elbv2.k8s.aws/cluster",
    ),
    (
        "ec2:network-interface",
        "AWS::EC2::NetworkInterface",
        "cluster.k8s.amazonaws.com/name",
    ),
];

/// Cleanup hooks for one destroy.
#[derive(Clone)]
pub struct Cleanup {
    cloud: Cloud,
    cluster_name: Option<String>,
    cluster: Option<crate::kubernetes::ClusterAccess>,
    reporter: Arc<dyn Reporter>,
}

impl Cleanup {
    /// Reads what cleanup needs from the target and the stacks' outputs.
    pub fn new(
        cloud: &Cloud,
        target: &Target,
        observed: &[Observed],
        reporter: Arc<dyn Reporter>,
    ) -> Self {
        Self {
            cloud: cloud.clone(),
            cluster_name: target.cluster_name.clone(),
            cluster: crate::kubernetes::ClusterAccess::from_outputs(
                &observed
                    .iter()
                    .zip(&target.stacks)
                    .find(|(_, s)| s.alias == "cluster")
                    .map(|(o, _)| o.outputs.clone())
                    .unwrap_or_default(),
                &target.region,
            ),
            reporter,
        }
    }

    /// Runs before the stack with this alias is deleted.
    pub async fn before_delete(&self, alias: &str) {
        match alias {
            "cluster" => {
                if let Some(access) = &self.cluster
                    && let Err(e) =
                        crate::kubernetes::drain_for_destroy(&self.cloud, access, &*self.reporter)
                            .await
                {
                    self.note(format!(
                        "could not clean up inside the cluster ({e}); load balancers or \
                         nodes it created may remain"
                    ));
                }
            }
            "network" => {
                if let Some(cluster) = self.cluster_name.clone() {
                    for (tag_type, cfn_type, key) in LEFTOVER_TAGS {
                        if let Err(e) = self.leftovers(tag_type, cfn_type, key, &cluster).await {
                            self.note(format!("could not look for leftovers tagged {key}: {e}"));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Deletes every resource of `tag_type` tagged `key: cluster`.
    async fn leftovers(
        &self,
        tag_type: &str,
        cfn_type: &str,
        key: &str,
        cluster: &str,
    ) -> Result<(), AwsError> {
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .cloud
                .tagging
                .get_resources()
                .resource_type_filters(tag_type)
                .tag_filters(TagFilter::builder().key(key).values(cluster).build())
                .set_pagination_token(token.take())
                .send()
                .await
                .map_err(|e| AwsError::sdk("find tagged resources", &e))?;
            ids.extend(
                page.resource_tag_mapping_list()
                    .iter()
                    .filter_map(|m| m.resource_arn())
                    .filter_map(|arn| arn.rsplit('/').next())
                    .map(str::to_owned),
            );
            match page.pagination_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
        for id in ids {
            match self.delete(cfn_type, &id).await {
                Ok(()) => self.note(format!("deleted leftover {cfn_type} {id}")),
                Err(e) => self.note(format!("could not delete {cfn_type} {id}: {}", e.message)),
            }
        }
        Ok(())
    }

    /// Deletes one resource through Cloud Control and waits for the request to finish.
    async fn delete(&self, cfn_type: &str, id: &str) -> Result<(), AwsError> {
        let started = self
            .cloud
            .cloudcontrol
            .delete_resource()
            .type_name(cfn_type)
            .identifier(id)
            .send()
            .await
            .map_err(|e| AwsError::sdk("delete", &e))?;
        let mut event = started.progress_event;
        loop {
            let Some(e) = &event else {
                return Err(AwsError::other(
                    "delete",
                    "Cloud Control returned no progress",
                ));
            };
            match e.operation_status() {
                Some(OperationStatus::Success) => return Ok(()),
                Some(OperationStatus::Failed | OperationStatus::CancelComplete) => {
                    return Err(AwsError::other(
                        "delete",
                        e.status_message().unwrap_or("the request failed"),
                    ));
                }
                _ => {}
            }
            let Some(token) = e.request_token() else {
                return Err(AwsError::other(
                    "delete",
                    "Cloud Control returned no request token",
                ));
            };
            let token = token.to_owned();
            tokio::time::sleep(self.cloud.poll).await;
            event = self
                .cloud
                .cloudcontrol
                .get_resource_request_status()
                .request_token(token)
                .send()
                .await
                .map_err(|e| AwsError::sdk("read the delete request", &e))?
                .progress_event;
        }
    }

    fn note(&self, text: String) {
        self.reporter.report(Progress::Note(text));
    }
}
