//! Every rule, one per file, named after the pattern it flags. [`ALL`] lists them in code
//! order; a new rule gets the next free code of its category and a line here.

mod addon_for_other_kubernetes;
mod audit_log_disabled;
mod burstable_nodes_in_production;
mod chart_unsupported_by_kubernetes;
mod container_runs_as_root;
mod container_without_probes;
mod container_without_requests;
mod creator_keeps_cluster_admin;
mod deep_storage_not_retained;
mod duplicate_metrics_pipelines;
mod extended_support_kubernetes;
mod flow_logs_disabled;
mod insecure_transport_allowed;
mod instance_metadata_v1;
mod karpenter_blocks_next_upgrade;
mod kubernetes_api_not_current;
mod nat_gateway_per_zone_outside_production;
mod no_metrics_pipeline;
mod no_nat_gateway;
mod node_group_min_size_below_two;
mod node_group_too_small_for_karpenter;
mod on_demand_only_node_pool;
mod open_security_group_ingress;
mod partial_flow_logs;
mod pod_security_not_enforced;
mod pod_selects_missing_node_pool;
mod previous_generation_instances;
mod privileged_container;
mod public_bucket;
mod public_cluster_endpoint;
mod public_database;
mod public_only_cluster_endpoint;
mod requests_sized_to_instance_capacity;
mod secret_in_env_literal;
mod shared_nat_gateway_in_production;
mod single_instance_database;
mod single_replica_query_path;
mod spot_node_group_with_few_types;
mod spot_only_system_nodes;
mod two_zone_production;
mod under_replicated_segments;
mod unencrypted_cluster_secrets;
mod unencrypted_storage;
mod unprotected_production_database;
mod wildcard_iam_action;
mod workload_without_disruption_budget;
mod workload_without_network_policy;

pub use addon_for_other_kubernetes::AddonForOtherKubernetes;
pub use audit_log_disabled::AuditLogDisabled;
pub use burstable_nodes_in_production::BurstableNodesInProduction;
pub use chart_unsupported_by_kubernetes::ChartUnsupportedByKubernetes;
pub use container_runs_as_root::ContainerRunsAsRoot;
pub use container_without_probes::ContainerWithoutProbes;
pub use container_without_requests::ContainerWithoutRequests;
pub use creator_keeps_cluster_admin::CreatorKeepsClusterAdmin;
pub use deep_storage_not_retained::DeepStorageNotRetained;
pub use duplicate_metrics_pipelines::DuplicateMetricsPipelines;
pub use extended_support_kubernetes::ExtendedSupportKubernetes;
pub use flow_logs_disabled::FlowLogsDisabled;
pub use insecure_transport_allowed::InsecureTransportAllowed;
pub use instance_metadata_v1::InstanceMetadataV1;
pub use karpenter_blocks_next_upgrade::KarpenterBlocksNextUpgrade;
pub use kubernetes_api_not_current::KubernetesApiNotCurrent;
pub use nat_gateway_per_zone_outside_production::NatGatewayPerZoneOutsideProduction;
pub use no_metrics_pipeline::NoMetricsPipeline;
pub use no_nat_gateway::NoNatGateway;
pub use node_group_min_size_below_two::NodeGroupMinSizeBelowTwo;
pub use node_group_too_small_for_karpenter::NodeGroupTooSmallForKarpenter;
pub use on_demand_only_node_pool::OnDemandOnlyNodePool;
pub use open_security_group_ingress::OpenSecurityGroupIngress;
pub use partial_flow_logs::PartialFlowLogs;
pub use pod_security_not_enforced::PodSecurityNotEnforced;
pub use pod_selects_missing_node_pool::PodSelectsMissingNodePool;
pub use previous_generation_instances::PreviousGenerationInstances;
pub use privileged_container::PrivilegedContainer;
pub use public_bucket::PublicBucket;
pub use public_cluster_endpoint::PublicClusterEndpoint;
pub use public_database::PublicDatabase;
pub use public_only_cluster_endpoint::PublicOnlyClusterEndpoint;
pub use requests_sized_to_instance_capacity::RequestsSizedToInstanceCapacity;
pub use secret_in_env_literal::SecretInEnvLiteral;
pub use shared_nat_gateway_in_production::SharedNatGatewayInProduction;
pub use single_instance_database::SingleInstanceDatabase;
pub use single_replica_query_path::SingleReplicaQueryPath;
pub use spot_node_group_with_few_types::SpotNodeGroupWithFewTypes;
pub use spot_only_system_nodes::SpotOnlySystemNodes;
pub use two_zone_production::TwoZoneProduction;
pub use under_replicated_segments::UnderReplicatedSegments;
pub use unencrypted_cluster_secrets::UnencryptedClusterSecrets;
pub use unencrypted_storage::UnencryptedStorage;
pub use unprotected_production_database::UnprotectedProductionDatabase;
pub use wildcard_iam_action::WildcardIamAction;
pub use workload_without_disruption_budget::WorkloadWithoutDisruptionBudget;
pub use workload_without_network_policy::WorkloadWithoutNetworkPolicy;

use super::Rule;

/// Every rule, in code order.
pub static ALL: &[&dyn Rule] = &[
    &PublicClusterEndpoint,
    &PublicOnlyClusterEndpoint,
    &FlowLogsDisabled,
    &PartialFlowLogs,
    &AuditLogDisabled,
    &UnencryptedStorage,
    &UnencryptedClusterSecrets,
    &InstanceMetadataV1,
    &WildcardIamAction,
    &PublicDatabase,
    &OpenSecurityGroupIngress,
    &PublicBucket,
    &InsecureTransportAllowed,
    &PrivilegedContainer,
    &ContainerRunsAsRoot,
    &WorkloadWithoutNetworkPolicy,
    &SecretInEnvLiteral,
    &PodSecurityNotEnforced,
    &CreatorKeepsClusterAdmin,
    &SharedNatGatewayInProduction,
    &NoNatGateway,
    &SingleInstanceDatabase,
    &SingleReplicaQueryPath,
    &UnderReplicatedSegments,
    &WorkloadWithoutDisruptionBudget,
    &NodeGroupMinSizeBelowTwo,
    &NodeGroupTooSmallForKarpenter,
    &SpotOnlySystemNodes,
    &SpotNodeGroupWithFewTypes,
    &TwoZoneProduction,
    &UnprotectedProductionDatabase,
    &DeepStorageNotRetained,
    &NoMetricsPipeline,
    &ContainerWithoutProbes,
    &ContainerWithoutRequests,
    &PodSelectsMissingNodePool,
    &ExtendedSupportKubernetes,
    &OnDemandOnlyNodePool,
    &PreviousGenerationInstances,
    &NatGatewayPerZoneOutsideProduction,
    &RequestsSizedToInstanceCapacity,
    &DuplicateMetricsPipelines,
    &BurstableNodesInProduction,
    &ChartUnsupportedByKubernetes,
    &AddonForOtherKubernetes,
    &KarpenterBlocksNextUpgrade,
    &KubernetesApiNotCurrent,
];
