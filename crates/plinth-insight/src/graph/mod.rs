//! The platform as a diagram: the VPC and its zones, subnets and NAT gateways, the cluster
//! with its node groups, Karpenter pools and addons, Druid's processes, the data stores, and
//! the data flows the reference architecture draws — a query from the client through the
//! router and broker to historicals, and ingestion from Kafka through tasks to deep storage
//! and on to historicals.
//!
//! [`build`] makes a [`Graph`] from the platform and what plinth synthesized; [`Graph::mermaid`]
//! and [`Graph::dot`] render it. Identifiers and order are derived from the spec, so the same
//! spec draws the same text.

use std::fmt::Write as _;

use plinth_spec::Platform;
use plinth_spec::model::StackKind;
use plinth_synth::Assembly;
use serde::Serialize;

use crate::check::Context;

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// A box: compute and processes.
    Box,
    /// A cylinder: data stores.
    Store,
    /// A stadium: people and outside systems.
    External,
    /// A hexagon: network gateways.
    Gateway,
    /// A box with side bars: streams.
    Stream,
}

/// A node of the diagram.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Identifier (letters, digits, `_`).
    pub id: String,
    /// Text shown.
    pub label: String,
    /// How it is drawn.
    pub shape: Shape,
    /// The group it sits in.
    pub group: Option<String>,
}

/// A box around nodes and other groups.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Identifier.
    pub id: String,
    /// Title.
    pub label: String,
    /// The group it sits in.
    pub parent: Option<String>,
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// Data flow (queries, ingestion).
    Data,
    /// Network path or dependency.
    Network,
}

/// An edge.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// From node id.
    pub from: String,
    /// To node id.
    pub to: String,
    /// Text on the edge.
    pub label: Option<String>,
    /// Style.
    pub kind: EdgeKind,
}

/// The diagram.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Graph {
    /// Title.
    pub title: String,
    /// Groups, parents before children.
    pub groups: Vec<Group>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

/// Draws `platform` as synthesized into `assembly`.
pub fn build(platform: &Platform, assembly: &Assembly) -> Graph {
    let p = platform;
    let cx = Context::new(platform, assembly);
    let mut g = Graph {
        title: format!("{} ({})", p.names.platform(), p.metadata.environment),
        ..Graph::default()
    };
    g.node("clients", "Clients", Shape::External, None);
    g.node("internet", "Internet", Shape::External, None);
    g.group(
        "vpc",
        &format!("VPC {} {}", p.names.vpc(), p.network.cidr),
        None,
    );
    g.node("igw", "Internet gateway", Shape::Gateway, Some("vpc"));
    g.edge("igw", "internet", None, EdgeKind::Network);
    for (i, z) in p.network.zones.iter().enumerate() {
        let zid = format!("az_{}", ident(&z.name));
        g.group(&zid, &z.name, Some("vpc"));
        let public = format!("public_{}", ident(&z.name));
        let private = format!("private_{}", ident(&z.name));
        g.node(
            &public,
            &format!("public subnet {}", z.public),
            Shape::Box,
            Some(&zid),
        );
        g.node(
            &private,
            &format!("private subnet {}", z.private),
            Shape::Box,
            Some(&zid),
        );
        g.edge(&public, "igw", None, EdgeKind::Network);
        if p.network.nat_zones.contains(&i) {
            g.node(
                &format!("nat_{}", ident(&z.name)),
                "NAT gateway",
                Shape::Gateway,
                Some(&zid),
            );
            g.edge(
                &format!("nat_{}", ident(&z.name)),
                &public,
                None,
                EdgeKind::Network,
            );
        }
        if let Some(k) = z.nat {
            let nat_zone = &p.network.zones[p.network.nat_zones[k]].name;
            g.edge(
                &private,
                &format!("nat_{}", ident(nat_zone)),
                Some("egress"),
                EdgeKind::Network,
            );
        }
    }
    let c = &p.cluster;
    g.group(
        "eks",
        &format!("EKS {} (Kubernetes {})", p.names.cluster(), c.version()),
        Some("vpc"),
    );
    g.node(
        "control_plane",
        &format!("control plane, {} endpoint", endpoint(p)),
        Shape::Box,
        Some("eks"),
    );
    for ng in &c.node_groups {
        g.node(
            &format!("ng_{}", ident(&ng.name)),
            &format!(
                "node group {}: {}–{} × {}",
                ng.name,
                ng.min_size,
                ng.max_size,
                ng.instance_types.join(", ")
            ),
            Shape::Box,
            Some("eks"),
        );
    }
    if !c.addons.is_empty() || cx.objects_of("Application").next().is_some() {
        g.group("addons", "addons", Some("eks"));
        let mut eks_addons: Vec<String> =
            c.addons.iter().map(|(n, v)| format!("{n} {v}")).collect();
        eks_addons.sort();
        g.node(
            "eks_addons",
            &format!("EKS addons: {}", eks_addons.join(", ")),
            Shape::Box,
            Some("addons"),
        );
        for app in cx.objects_of("Application") {
            let source = &app.value["spec"]["source"];
            let chart = source["chart"].as_str().unwrap_or(app.name());
            let version = source["targetRevision"].as_str().unwrap_or_default();
            g.node(
                &format!("chart_{}", ident(app.name())),
                &format!("{chart} {version}"),
                Shape::Box,
                Some("addons"),
            );
        }
    }
    if let Some(k) = &c.karpenter {
        g.group(
            "karpenter",
            &format!("Karpenter {} node pools", k.version),
            Some("eks"),
        );
        for pool in cx.objects_of("NodePool") {
            g.node(
                &format!("pool_{}", ident(pool.name())),
                &format!("pool {}", pool.name()),
                Shape::Box,
                Some("karpenter"),
            );
        }
        if let Some(first) = c.node_groups.first() {
            g.edge(
                "karpenter_anchor",
                &format!("ng_{}", ident(&first.name)),
                Some("runs on"),
                EdgeKind::Network,
            );
            g.node(
                "karpenter_anchor",
                "Karpenter controller",
                Shape::Box,
                Some("karpenter"),
            );
        }
    }
    if let Some(d) = &p.druid {
        g.group(
            "druid",
            &format!("Druid {} {}", d.release, d.version),
            Some("eks"),
        );
        for (component, replicas) in &d.replicas {
            g.node(
                &format!("druid_{component}"),
                &format!("{component} ×{replicas}"),
                Shape::Box,
                Some("druid"),
            );
            if cx
                .objects_of("NodePool")
                .any(|p| p.name() == format!("druid-{component}"))
            {
                g.edge(
                    &format!("druid_{component}"),
                    &format!("pool_druid_{component}"),
                    Some("runs on"),
                    EdgeKind::Network,
                );
            }
        }
        g.node(
            "druid_tasks",
            "ingestion tasks (pods)",
            Shape::Box,
            Some("druid"),
        );
        if cx.objects_of("NodePool").any(|p| p.name() == "druid-tasks") {
            g.edge(
                "druid_tasks",
                "pool_druid_tasks",
                Some("runs on"),
                EdgeKind::Network,
            );
        }
        g.group("data", "data stores", Some("vpc"));
        g.node(
            "aurora",
            &format!(
                "Aurora PostgreSQL {}: writer + {} reader(s)",
                d.metadata_version, d.metadata_readers
            ),
            Shape::Store,
            Some("data"),
        );
        g.node(
            "kafka",
            "MSK Serverless (IAM auth)",
            Shape::Stream,
            Some("data"),
        );
        let bucket = |b| {
            p.names
                .druid_names()
                .map(|n| n.bucket(b))
                .unwrap_or_default()
        };
        g.node(
            "deep_storage",
            &format!(
                "S3 {}",
                bucket(plinth_spec::model::DruidBucket::DeepStorage)
            ),
            Shape::Store,
            None,
        );
        g.edge(
            "clients",
            "druid_router",
            Some("query, HTTPS 9088"),
            EdgeKind::Data,
        );
        g.edge(
            "druid_router",
            "druid_broker",
            Some("query"),
            EdgeKind::Data,
        );
        g.edge(
            "druid_broker",
            "druid_historical",
            Some("segments"),
            EdgeKind::Data,
        );
        g.edge(
            "druid_broker",
            "druid_tasks",
            Some("real-time"),
            EdgeKind::Data,
        );
        g.edge("kafka", "druid_tasks", Some("ingest"), EdgeKind::Data);
        g.edge(
            "druid_tasks",
            "deep_storage",
            Some("publish segments"),
            EdgeKind::Data,
        );
        g.edge(
            "deep_storage",
            "druid_historical",
            Some("load segments"),
            EdgeKind::Data,
        );
        g.edge(
            "druid_overlord",
            "druid_tasks",
            Some("launches"),
            EdgeKind::Network,
        );
        g.edge(
            "druid_coordinator",
            "aurora",
            Some("metadata"),
            EdgeKind::Network,
        );
        g.edge(
            "druid_overlord",
            "aurora",
            Some("metadata"),
            EdgeKind::Network,
        );
    }
    if let Some(k) = &p.kafka {
        kafka(&mut g, k);
    }
    if p.spark.is_some() || p.airflow.is_some() {
        g.node(
            "data_lake",
            &format!("S3 {}", p.names.data_bucket()),
            Shape::Store,
            None,
        );
    }
    if let Some(s) = &p.spark {
        spark(&mut g, s);
    }
    if let Some(a) = &p.airflow {
        airflow(&mut g, a);
    }
    if let Some(m) = &p.mongodb {
        g.group("mongodb", "MongoDB (MongoDBCommunity)", Some("eks"));
        g.node(
            "mongodb_members",
            &format!("replica set ×{} (MongoDB {})", m.members, m.version),
            Shape::Store,
            Some("mongodb"),
        );
        if p.spark.is_some() {
            g.edge(
                "spark_apps",
                "mongodb_members",
                Some("SCRAM 27017"),
                EdgeKind::Network,
            );
        }
        if p.airflow.is_some() {
            g.edge(
                "airflow_tasks",
                "mongodb_members",
                Some("SCRAM 27017"),
                EdgeKind::Network,
            );
        }
    }
    if p.efs.is_some() {
        g.node(
            "efs",
            &format!("EFS {} (StorageClass efs)", p.names.efs()),
            Shape::Store,
            Some("vpc"),
        );
        g.edge("eks", "efs", Some("NFS over TLS 2049"), EdgeKind::Network);
    }
    if let Some(gc) = &p.observability.grafana_cloud {
        g.node(
            "grafana",
            &format!("Grafana Cloud {}", host(&gc.prometheus_host)),
            Shape::External,
            None,
        );
        g.edge(
            "eks",
            "grafana",
            Some("metrics, logs, traces"),
            EdgeKind::Network,
        );
    }
    if p.observability.container_insights {
        g.node(
            "cloudwatch",
            "CloudWatch Container Insights",
            Shape::External,
            None,
        );
        g.edge(
            "eks",
            "cloudwatch",
            Some("metrics, logs"),
            EdgeKind::Network,
        );
    }
    if cx.resource(StackKind::Network, "FlowLog").is_some() {
        g.node(
            "flow_logs",
            "CloudWatch Logs: VPC flow logs",
            Shape::Store,
            None,
        );
        g.edge("vpc", "flow_logs", None, EdgeKind::Network);
    }
    g
}

/// The Spark operator, its applications and the data bucket they write to.
fn spark(g: &mut Graph, s: &plinth_spec::model::Spark) {
    g.group("spark", "Spark (Spark operator)", Some("eks"));
    g.node(
        "spark_apps",
        if s.examples {
            "applications: events-to-s3, daily-event-counts"
        } else {
            "Spark applications"
        },
        Shape::Box,
        Some("spark"),
    );
    g.edge(
        "spark_apps",
        "data_lake",
        Some(&format!("Parquet under {}/", s.s3_prefix)),
        EdgeKind::Data,
    );
}

/// Airflow's components, its metadata database, and where its DAGs and logs live.
fn airflow(g: &mut Graph, a: &plinth_spec::model::Airflow) {
    g.group("airflow", "Airflow (Kubernetes executor)", Some("eks"));
    g.node(
        "airflow_scheduler",
        "scheduler, API server, triggerer, DAG processor",
        Shape::Box,
        Some("airflow"),
    );
    g.node("airflow_tasks", "task pods", Shape::Box, Some("airflow"));
    g.edge(
        "airflow_scheduler",
        "airflow_tasks",
        Some("launch"),
        EdgeKind::Network,
    );
    g.node(
        "airflow_db",
        &format!(
            "RDS PostgreSQL {} {}{}",
            a.database_version,
            a.database_instance_class,
            if a.multi_az { ", Multi-AZ" } else { "" }
        ),
        Shape::Store,
        Some("vpc"),
    );
    g.edge(
        "airflow_scheduler",
        "airflow_db",
        Some("metadata, TLS 5432"),
        EdgeKind::Network,
    );
    g.node(
        "airflow_dags",
        &format!("Git {}", a.repository),
        Shape::External,
        None,
    );
    g.edge(
        "airflow_dags",
        "airflow_scheduler",
        Some("git-sync"),
        EdgeKind::Data,
    );
    g.edge(
        "airflow_tasks",
        "data_lake",
        Some(&format!("task logs under {}/", a.logs_prefix)),
        EdgeKind::Data,
    );
}

/// Kafka's brokers, controllers, topics and UI, inside the cluster.
fn kafka(g: &mut Graph, k: &plinth_spec::model::Kafka) {
    g.group(
        "kafka_cluster",
        &format!("Kafka {} {} (Strimzi, KRaft)", k.name, k.version),
        Some("eks"),
    );
    if k.controllers == 0 {
        g.node(
            "kafka_brokers",
            &format!("brokers and controllers ×{}", k.brokers),
            Shape::Stream,
            Some("kafka_cluster"),
        );
    } else {
        g.node(
            "kafka_brokers",
            &format!("brokers ×{}", k.brokers),
            Shape::Stream,
            Some("kafka_cluster"),
        );
        g.node(
            "kafka_controllers",
            &format!("KRaft controllers ×{}", k.controllers),
            Shape::Box,
            Some("kafka_cluster"),
        );
        g.edge(
            "kafka_controllers",
            "kafka_brokers",
            Some("metadata"),
            EdgeKind::Network,
        );
    }
    if !k.topics.is_empty() {
        let names: Vec<&str> = k.topics.iter().map(|t| t.name.as_str()).collect();
        g.node(
            "kafka_topics",
            &format!("topics: {}", names.join(", ")),
            Shape::Box,
            Some("kafka_cluster"),
        );
        g.edge("kafka_topics", "kafka_brokers", None, EdgeKind::Network);
    }
    if k.ui {
        g.node(
            "kafka_ui",
            "Kafka UI (read-only)",
            Shape::Box,
            Some("kafka_cluster"),
        );
        g.edge(
            "kafka_ui",
            "kafka_brokers",
            Some("browse, TLS 9093"),
            EdgeKind::Network,
        );
    }
}

impl Graph {
    fn node(&mut self, id: &str, label: &str, shape: Shape, group: Option<&str>) {
        self.nodes.push(Node {
            id: id.to_owned(),
            label: label.to_owned(),
            shape,
            group: group.map(str::to_owned),
        });
    }

    fn group(&mut self, id: &str, label: &str, parent: Option<&str>) {
        self.groups.push(Group {
            id: id.to_owned(),
            label: label.to_owned(),
            parent: parent.map(str::to_owned),
        });
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<&str>, kind: EdgeKind) {
        self.edges.push(Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            label: label.map(str::to_owned),
            kind,
        });
    }

    /// A Mermaid flowchart (<https://mermaid.js.org/syntax/flowchart.html>).
    pub fn mermaid(&self) -> String {
        let mut out = format!("---\ntitle: {}\n---\nflowchart LR\n", self.title);
        self.mermaid_group(&mut out, None, 1);
        for e in &self.edges {
            let arrow = match (e.kind, &e.label) {
                (EdgeKind::Data, Some(l)) => format!("==>|\"{}\"|", mermaid_text(l)),
                (EdgeKind::Data, None) => "==>".to_owned(),
                (EdgeKind::Network, Some(l)) => format!("-.->|\"{}\"|", mermaid_text(l)),
                (EdgeKind::Network, None) => "-.->".to_owned(),
            };
            let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
        }
        out
    }

    fn mermaid_group(&self, out: &mut String, parent: Option<&str>, depth: usize) {
        let pad = "  ".repeat(depth);
        for n in self.nodes.iter().filter(|n| n.group.as_deref() == parent) {
            let label = mermaid_text(&n.label);
            let shaped = match n.shape {
                Shape::Box => format!("[\"{label}\"]"),
                Shape::Store => format!("[(\"{label}\")]"),
                Shape::External => format!("([\"{label}\"])"),
                Shape::Gateway => format!("{{{{\"{label}\"}}}}"),
                Shape::Stream => format!("[[\"{label}\"]]"),
            };
            let _ = writeln!(out, "{pad}{}{shaped}", n.id);
        }
        for grp in self.groups.iter().filter(|g| g.parent.as_deref() == parent) {
            let _ = writeln!(
                out,
                "{pad}subgraph {}[\"{}\"]",
                grp.id,
                mermaid_text(&grp.label)
            );
            self.mermaid_group(out, Some(&grp.id), depth + 1);
            let _ = writeln!(out, "{pad}end");
        }
    }

    /// A Graphviz DOT digraph (<https://graphviz.org/doc/info/lang.html>).
    pub fn dot(&self) -> String {
        let mut out = format!(
            "digraph platform {{\n  label=\"{}\";\n  labelloc=t;\n  rankdir=LR;\n  compound=true;\n  node [fontname=\"Helvetica\"];\n",
            dot_text(&self.title)
        );
        self.dot_group(&mut out, None, 1);
        let is_group = |id: &str| self.groups.iter().any(|g| g.id == id);
        for e in &self.edges {
            let mut attrs = Vec::new();
            if let Some(l) = &e.label {
                attrs.push(format!("label=\"{}\"", dot_text(l)));
            }
            attrs.push(match e.kind {
                EdgeKind::Data => "penwidth=2".to_owned(),
                EdgeKind::Network => "style=dashed".to_owned(),
            });
            // An edge from or to a group is drawn from a node inside it, clipped at the box.
            let from = self.anchor(&e.from);
            let to = self.anchor(&e.to);
            if is_group(&e.from) {
                attrs.push(format!("ltail=cluster_{}", e.from));
            }
            if is_group(&e.to) {
                attrs.push(format!("lhead=cluster_{}", e.to));
            }
            let _ = writeln!(out, "  {from} -> {to} [{}];", attrs.join(", "));
        }
        out.push_str("}\n");
        out
    }

    fn anchor(&self, id: &str) -> String {
        if self.nodes.iter().any(|n| n.id == id) {
            return id.to_owned();
        }
        // The first node inside the group, searching nested groups too.
        let mut stack = vec![id.to_owned()];
        while let Some(g) = stack.pop() {
            if let Some(n) = self
                .nodes
                .iter()
                .find(|n| n.group.as_deref() == Some(g.as_str()))
            {
                return n.id.clone();
            }
            stack.extend(
                self.groups
                    .iter()
                    .filter(|c| c.parent.as_deref() == Some(g.as_str()))
                    .map(|c| c.id.clone()),
            );
        }
        id.to_owned()
    }

    fn dot_group(&self, out: &mut String, parent: Option<&str>, depth: usize) {
        let pad = "  ".repeat(depth);
        for n in self.nodes.iter().filter(|n| n.group.as_deref() == parent) {
            let shape = match n.shape {
                Shape::Box => "box",
                Shape::Store => "cylinder",
                Shape::External => "oval",
                Shape::Gateway => "hexagon",
                Shape::Stream => "box3d",
            };
            let _ = writeln!(
                out,
                "{pad}{} [label=\"{}\", shape={shape}];",
                n.id,
                dot_text(&n.label)
            );
        }
        for grp in self.groups.iter().filter(|g| g.parent.as_deref() == parent) {
            let _ = writeln!(
                out,
                "{pad}subgraph cluster_{} {{\n{pad}  label=\"{}\";",
                grp.id,
                dot_text(&grp.label)
            );
            self.dot_group(out, Some(&grp.id), depth + 1);
            let _ = writeln!(out, "{pad}}}");
        }
    }
}

fn endpoint(p: &Platform) -> &'static str {
    match p.cluster.endpoint_access {
        plinth_spec::model::EndpointAccess::Public => "public",
        plinth_spec::model::EndpointAccess::Private => "private",
        plinth_spec::model::EndpointAccess::PublicAndPrivate => "public and private",
    }
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// A name as an identifier: `us-west-2a` → `us_west_2a`.
fn ident(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Text inside a quoted Mermaid label: quotes become the `#quot;` entity.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
