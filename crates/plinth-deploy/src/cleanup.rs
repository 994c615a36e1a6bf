//! What destroy removes that CloudFormation did not create: before the cluster stack goes, the
//! load balancers and nodes controllers made (through Kubernetes); before the network stack
//! goes, network interfaces and security groups left in the VPC. Anything that cannot be
//! removed is reported, never silently skipped.

use std::sync::Arc;

use aws_sdk_ec2::types::Filter;

use crate::aws::{AwsError, Cloud};
use crate::engine::{Progress, Reporter};
use crate::plan::Observed;
use crate::target::Target;

/// Cleanup hooks for one destroy.
#[derive(Clone)]
pub struct Cleanup {
    cloud: Cloud,
    vpc_id: Option<String>,
    cluster: Option<crate::kubernetes::ClusterAccess>,
    reporter: Arc<dyn Reporter>,
}

impl Cleanup {
    /// Reads what cleanup needs from the stacks' outputs.
    pub fn new(
        cloud: &Cloud,
        target: &Target,
        observed: &[Observed],
        reporter: Arc<dyn Reporter>,
    ) -> Self {
        let output = |alias: &str, key: &str| {
            target
                .stacks
                .iter()
                .position(|s| s.alias == alias)
                .and_then(|i| observed[i].outputs.get(key).cloned())
        };
        Self {
            cloud: cloud.clone(),
            vpc_id: output("network", "VpcId"),
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
                if let Some(access) = &self.cluster {
                    match crate::kubernetes::drain_for_destroy(&self.cloud, access, &*self.reporter)
                        .await
                    {
                        Ok(()) => {}
                        Err(e) => self.note(format!(
                            "could not clean up inside the cluster ({e}); load balancers or \
                             nodes it created may remain"
                        )),
                    }
                }
            }
            "network" => {
                if let Some(vpc) = self.vpc_id.clone()
                    && let Err(e) = self.vpc_leftovers(&vpc).await
                {
                    self.note(format!("could not look for leftovers in {vpc}: {e}"));
                }
            }
            _ => {}
        }
    }

    /// Deletes detached network interfaces and non-default security groups left in the VPC
    /// (by the VPC CNI, the Load Balancer Controller or Karpenter) so the VPC can be deleted.
    async fn vpc_leftovers(&self, vpc: &str) -> Result<(), AwsError> {
        let enis = self
            .cloud
            .ec2
            .describe_network_interfaces()
            .filters(Filter::builder().name("vpc-id").values(vpc).build())
            .filters(Filter::builder().name("status").values("available").build())
            .send()
            .await
            .map_err(|e| AwsError::sdk("list network interfaces", &e))?;
        for eni in enis.network_interfaces.unwrap_or_default() {
            let Some(id) = eni.network_interface_id else {
                continue;
            };
            match self
                .cloud
                .ec2
                .delete_network_interface()
                .network_interface_id(&id)
                .send()
                .await
            {
                Ok(_) => self.note(format!("deleted leftover network interface {id}")),
                Err(e) => self.note(format!(
                    "could not delete network interface {id}: {}",
                    AwsError::sdk("delete", &e).message
                )),
            }
        }
        let groups = self
            .cloud
            .ec2
            .describe_security_groups()
            .filters(Filter::builder().name("vpc-id").values(vpc).build())
            .send()
            .await
            .map_err(|e| AwsError::sdk("list security groups", &e))?;
        for g in groups.security_groups.unwrap_or_default() {
            let made_by_controller = g.tags().iter().any(|t| {
                let k = t.key().unwrap_or_default();
                k == "elbv2.k8s.aws/cluster" || k.starts_with("kubernetes.io/cluster/")
            });
            if !made_by_controller || g.group_name() == Some("default") {
                continue;
            }
            let Some(id) = g.group_id else { continue };
            match self
                .cloud
                .ec2
                .delete_security_group()
                .group_id(&id)
                .send()
                .await
            {
                Ok(_) => self.note(format!("deleted leftover security group {id}")),
                Err(e) => self.note(format!(
                    "could not delete security group {id}: {}",
                    AwsError::sdk("delete", &e).message
                )),
            }
        }
        Ok(())
    }

    fn note(&self, text: String) {
        self.reporter.report(Progress::Note(text));
    }
}
