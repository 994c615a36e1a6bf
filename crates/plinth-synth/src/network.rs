//! The network stack: VPC, subnets per zone, internet and NAT gateways, routes, flow logs.

use plinth_cfn::{Expr, Resource, Template, pascal};
use plinth_spec::Platform;
use plinth_spec::model::{FlowLogTraffic, Zone};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::iam;

const NET: &str = "network";

fn role(resource_type: &str) -> Role<'_> {
    Role {
        resource_type,
        category: NET,
        component: "vpc",
    }
}

/// The network stack's template.
pub fn template(p: &Platform) -> Template {
    let names = &p.names;
    let n = &p.network;
    let vpc_name = names.vpc();
    let mut b = Builder::new(
        p,
        format!(
            "plinth {}: network ({} in {} zones)",
            names.platform(),
            n.cidr,
            n.zones.len()
        ),
    );

    let vpc = b.add(
        "Vpc",
        Resource::new(
            "AWS::EC2::VPC",
            json!({ "CidrBlock": n.cidr.to_string(), "EnableDnsSupport": true, "EnableDnsHostnames": true }),
        ),
        role("vpc"),
        Some(&vpc_name),
    );
    let igw = b.add(
        "InternetGateway",
        Resource::new("AWS::EC2::InternetGateway", json!({})),
        role("internet-gateway"),
        Some(&format!("{vpc_name}-igw")),
    );
    let attachment = b.add(
        "VpcGatewayAttachment",
        Resource::new(
            "AWS::EC2::VPCGatewayAttachment",
            json!({ "VpcId": r(&vpc), "InternetGatewayId": r(&igw) }),
        ),
        role("gateway-attachment"),
        None,
    );
    let public_rt = b.add(
        "PublicRouteTable",
        Resource::new("AWS::EC2::RouteTable", json!({ "VpcId": r(&vpc) })),
        role("route-table"),
        Some(&format!("{vpc_name}-public")),
    );
    b.add(
        "PublicDefaultRoute",
        Resource::new(
            "AWS::EC2::Route",
            json!({ "RouteTableId": r(&public_rt), "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": r(&igw) }),
        )
        .depends_on(&attachment),
        role("route"),
        None,
    );

    let mut public_ids = Vec::new();
    let mut private_ids = Vec::new();
    for zone in &n.zones {
        let az = pascal(&zone.name);
        let public = subnet(
            &mut b,
            &vpc,
            zone,
            Tier::Public,
            &[("kubernetes.io/role/elb", "1")],
            &public_rt,
        );
        public_ids.push(r(&public));
        let rt = b.add(
            &format!("PrivateRouteTable{az}"),
            Resource::new("AWS::EC2::RouteTable", json!({ "VpcId": r(&vpc) })),
            role("route-table"),
            Some(&format!("{vpc_name}-private-{}", zone.name)),
        );
        let private = subnet(
            &mut b,
            &vpc,
            zone,
            Tier::Private,
            &[
                ("kubernetes.io/role/internal-elb", "1"),
                ("karpenter.sh/discovery", &vpc_name),
            ],
            &rt,
        );
        private_ids.push(r(&private));
    }

    // NAT gateways live in the public subnets of the first `natGateways` zones; every private
    // route table uses one, round-robin, so fewer NATs than zones still gives every zone egress.
    for &zi in &n.nat_zones {
        let zone = &n.zones[zi];
        let az = pascal(&zone.name);
        let eip = b.add(
            &format!("NatEip{az}"),
            Resource::new("AWS::EC2::EIP", json!({ "Domain": "vpc" })).depends_on(&attachment),
            role("elastic-ip"),
            Some(&format!("{vpc_name}-nat-{}", zone.name)),
        );
        b.add(
            &format!("NatGateway{az}"),
            Resource::new(
                "AWS::EC2::NatGateway",
                json!({ "AllocationId": att(&eip, "AllocationId"), "SubnetId": r(&format!("PublicSubnet{az}")) }),
            ),
            role("nat-gateway"),
            Some(&format!("{vpc_name}-nat-{}", zone.name)),
        );
    }
    for zone in &n.zones {
        let Some(nat) = zone.nat else { continue };
        let az = pascal(&zone.name);
        let nat_az = pascal(&n.zones[n.nat_zones[nat]].name);
        b.add(
            &format!("PrivateRouteTable{az}DefaultRoute"),
            Resource::new(
                "AWS::EC2::Route",
                json!({
                    "RouteTableId": r(&format!("PrivateRouteTable{az}")),
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": r(&format!("NatGateway{nat_az}")),
                }),
            ),
            role("route"),
            None,
        );
    }

    if let Some(fl) = &n.flow_logs {
        flow_logs(&mut b, &vpc, fl.retention_days, fl.traffic);
    }

    b.export("VpcId", "VPC id", r(&vpc));
    b.export("VpcCidr", "VPC CIDR block", n.cidr.to_string());
    b.export(
        "PublicSubnetIds",
        "Public subnet ids, comma-separated, in zone order",
        Expr::join_commas(public_ids),
    );
    b.export(
        "PrivateSubnetIds",
        "Private subnet ids, comma-separated, in zone order",
        Expr::join_commas(private_ids),
    );
    b.export(
        "AvailabilityZones",
        "Availability zones, comma-separated",
        n.zones
            .iter()
            .map(|z| z.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    b.template
}

/// A subnet tier.
#[derive(Clone, Copy)]
enum Tier {
    Public,
    Private,
}

/// Adds one subnet of `tier` in `zone`, with its extra tags and its route table association.
/// Returns the subnet's logical id.
fn subnet(
    b: &mut Builder<'_>,
    vpc: &str,
    zone: &Zone,
    tier: Tier,
    extra_tags: &[(&str, &str)],
    route_table: &str,
) -> String {
    let (label, cidr) = match tier {
        Tier::Public => ("Public", zone.public),
        Tier::Private => ("Private", zone.private),
    };
    let id = format!("{label}Subnet{}", pascal(&zone.name));
    let name = format!(
        "{}-{}-{}",
        b.platform().names.vpc(),
        label.to_lowercase(),
        zone.name
    );
    let subnet = b.add(
        &id,
        Resource::new(
            "AWS::EC2::Subnet",
            json!({
                "VpcId": r(vpc),
                "AvailabilityZone": zone.name,
                "CidrBlock": cidr.to_string(),
                "MapPublicIpOnLaunch": false,
            }),
        )
        .metadata(explicit_zone()),
        role("subnet"),
        Some(&name),
    );
    add_subnet_tags(b, &subnet, extra_tags);
    b.add(
        &format!("{id}RouteTableAssociation"),
        Resource::new(
            "AWS::EC2::SubnetRouteTableAssociation",
            json!({ "SubnetId": r(&subnet), "RouteTableId": r(route_table) }),
        ),
        role("route-table-association"),
        None,
    );
    subnet
}

/// Zones are named in the spec on purpose: node groups, data stores and the subnet plan all
/// depend on which zones are used, so cfn-lint's advice to avoid hard-coded zones (W3010) does
/// not apply.
fn explicit_zone() -> Value {
    json!({ "cfn-lint": { "config": { "ignore_checks": ["W3010"] } } })
}

/// Appends extra tags (load balancer and Karpenter discovery) to a subnet's tag list.
fn add_subnet_tags(b: &mut Builder<'_>, id: &str, extra: &[(&str, &str)]) {
    let Some(res) = b.template.resources.get_mut(id) else {
        return;
    };
    if let Some(Value::Array(tags)) = res.properties.get_mut("Tags") {
        for (k, v) in extra {
            tags.push(json!({ "Key": k, "Value": v }));
        }
        tags.sort_by(|a, b| a["Key"].as_str().cmp(&b["Key"].as_str()));
    }
}

fn flow_logs(b: &mut Builder<'_>, vpc: &str, retention_days: u32, traffic: FlowLogTraffic) {
    let names = (
        b.platform().names.flow_log_role(),
        b.platform().names.flow_log_group(),
    );
    let group = b.add(
        "FlowLogGroup",
        Resource::new(
            "AWS::Logs::LogGroup",
            json!({ "LogGroupName": names.1, "RetentionInDays": retention_days }),
        ),
        Role {
            resource_type: "log-group",
            category: "observability",
            component: "vpc",
        },
        None,
    );
    let role_id = b.add(
        "FlowLogRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.0,
                "Description": "Lets VPC flow logs write to their log group",
                "AssumeRolePolicyDocument": iam::trust_service(Value::from("vpc-flow-logs.amazonaws.com")),
                "Policies": [iam::inline("flow-logs-delivery", vec![json!({
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [att(&group, "Arn")],
                })])],
            }),
        ),
        Role {
            resource_type: "iam-role",
            category: "security",
            component: "vpc",
        },
        None,
    );
    let traffic = match traffic {
        FlowLogTraffic::All => "ALL",
        FlowLogTraffic::Accept => "ACCEPT",
        FlowLogTraffic::Reject => "REJECT",
    };
    b.add(
        "FlowLog",
        Resource::new(
            "AWS::EC2::FlowLog",
            json!({
                "ResourceId": r(vpc),
                "ResourceType": "VPC",
                "TrafficType": traffic,
                "LogDestinationType": "cloud-watch-logs",
                "LogGroupName": r(&group),
                "DeliverLogsPermissionArn": att(&role_id, "Arn"),
                "MaxAggregationInterval": 60,
            }),
        ),
        Role {
            resource_type: "flow-log",
            category: "observability",
            component: "vpc",
        },
        None,
    );
}
