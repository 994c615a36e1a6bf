//! The bindings stack: pod identity associations between workload roles of the data stack
//! and service accounts in the cluster. Present only when some workload has a role.
//!
//! It imports from both the cluster and the data stack, so it deploys after them; keeping the
//! association out of both lets those two deploy in parallel.

use plinth_cfn::{Expr, Resource, Template};
use plinth_spec::Platform;
use serde_json::json;

use crate::builder::{Builder, Role};

/// The bindings stack's template, when any workload needs one.
pub fn template(p: &Platform) -> Option<Template> {
    let druid = p.druid.as_ref()?;
    let names = &p.names;
    let service_account = names.druid_service_account()?;
    let mut b = Builder::new(
        p,
        format!(
            "plinth {}: pod identity of Druid release {}",
            names.platform(),
            druid.release
        ),
    );
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
    Some(b.template)
}
