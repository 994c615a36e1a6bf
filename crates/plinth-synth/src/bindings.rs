//! The bindings stack: pod identity associations between workload roles of the data stack
//! and service accounts in the cluster. Present only when some workload has a role.
//!
//! It imports from both the cluster and the data stack, so it deploys after them; keeping the
//! association out of both lets those two deploy in parallel.

use plinth_cfn::{Expr, Resource, Template};
use plinth_spec::Platform;
use serde_json::json;

use crate::builder::{Builder, Role};
use crate::processing;

/// The bindings stack's template, when any workload needs one.
pub fn template(p: &Platform) -> Option<Template> {
    let names = &p.names;
    let druid = p.druid.as_ref().zip(names.druid_service_account());
    if druid.is_none() && processing::bindings(p).is_empty() {
        return None;
    }
    let description = match &druid {
        Some((d, _)) => format!(
            "plinth {}: pod identity of Druid release {}",
            names.platform(),
            d.release
        ),
        None => format!(
            "plinth {}: pod identity of the data-processing workloads",
            names.platform()
        ),
    };
    let mut b = Builder::new(p, description);
    if let Some((_, service_account)) = druid {
        b.add(
            "DruidPodIdentity",
            Resource::new(
                "AWS::EKS::PodIdentityAssociation",
                json!({
                    "ClusterName": Expr::import(names.export("EksClusterName")),
                    "Namespace": names.druid_namespace(),
                    "ServiceAccount": service_account,
                    "RoleArn": Expr::import(names.export("DruidRoleArn")),
                }),
            ),
            Role {
                resource_type: "eks-pod-identity-association",
                category: "security",
                component: "druid",
            },
            None,
        );
    }
    if let Some(ingestion) = p
        .druid
        .as_ref()
        .filter(|d| !d.topics.is_empty())
        .and(names.druid_ingestion_service_account())
    {
        b.add(
            "DruidIngestionPodIdentity",
            Resource::new(
                "AWS::EKS::PodIdentityAssociation",
                json!({
                    "ClusterName": Expr::import(names.export("EksClusterName")),
                    "Namespace": names.druid_namespace(),
                    "ServiceAccount": ingestion,
                    "RoleArn": Expr::import(names.export("DruidIngestionRoleArn")),
                }),
            ),
            Role {
                resource_type: "eks-pod-identity-association",
                category: "security",
                component: "druid",
            },
            None,
        );
    }
    processing::associations(&mut b);
    Some(b.template)
}
