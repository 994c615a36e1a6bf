//! Grafana dashboards as code: each dashboard is typed data (rows of panels, each panel its
//! PromQL queries), rendered to Grafana's dashboard JSON model and shipped in a ConfigMap that
//! Grafana's dashboard sidecar loads (label `grafana_dashboard: "1"`, into the folder its
//! `grafana_folder` annotation names).
//!
//! The set covers cluster health, node resources, namespace and pod resources, deployment
//! status, network and storage, request performance, and, with Druid, Druid's queries,
//! ingestion and segments. Every query uses metrics of the exporters kube-prometheus-stack
//! deploys (kube-state-metrics, node-exporter, the kubelet and its cAdvisor, the API server,
//! CoreDNS) or Druid's Prometheus emitter; the test suite parses each query and checks its
//! metrics against the catalogue in `crates/plinth-synth/metrics/`.
//!
//! JSON model reference: <https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/>.

use plinth_cfn::sorted::to_pretty_json;
use plinth_spec::Platform;
use serde_json::{Value, json};

use super::labels::labels;
use super::observability::NAMESPACE;

/// Label Grafana's dashboard sidecar selects ConfigMaps by (value `"1"`).
pub const LABEL: &str = "grafana_dashboard";
/// Annotation naming the Grafana folder a dashboard goes into.
pub const FOLDER_ANNOTATION: &str = "grafana_folder";
/// The folder of plinth's dashboards.
const FOLDER: &str = "Plinth";
/// Dashboard JSON schema version written (Grafana 11 and 12 read it as is).
const SCHEMA_VERSION: u32 = 39;
/// Grid columns of a dashboard.
pub const GRID_WIDTH: u32 = 24;
/// Height of a panel, grid units.
const PANEL_HEIGHT: u32 = 8;
/// The data source variable every panel queries through.
pub const DATASOURCE_VARIABLE: &str = "datasource";

/// A dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Stable uid (at most 40 characters): links and bookmarks survive updates.
    pub uid: &'static str,
    /// Title.
    pub title: &'static str,
    /// What it shows.
    pub description: &'static str,
    /// Template variables besides the data source.
    pub variables: Vec<Variable>,
    /// Rows of panels, top to bottom.
    pub rows: Vec<Row>,
}

/// A titled row of panels.
#[derive(Debug, Clone)]
pub struct Row {
    /// Title.
    pub title: &'static str,
    /// Panels, left to right, wrapping at the grid's width.
    pub panels: Vec<Panel>,
}

/// A panel.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Title.
    pub title: &'static str,
    /// Visualization.
    pub kind: Kind,
    /// Grafana unit id, e.g. `percentunit`, `bytes`, `s`.
    pub unit: &'static str,
    /// Width in grid columns.
    pub width: u32,
    /// Queries.
    pub queries: Vec<Query>,
}

/// A panel's visualization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Lines over time.
    TimeSeries,
    /// One big number.
    Stat,
}

/// A PromQL query and the legend of its series.
#[derive(Debug, Clone)]
pub struct Query {
    /// PromQL; may use `$variables` and `$__rate_interval`.
    pub expr: String,
    /// Legend format, e.g. `{{pod}}`.
    pub legend: &'static str,
}

/// A query variable: the values of one label of one metric.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Name, referenced as `$name`.
    pub name: &'static str,
    /// Label shown above the dashboard.
    pub label: &'static str,
    /// Metric whose label values are offered.
    pub metric: &'static str,
    /// Label whose values are offered.
    pub label_name: &'static str,
}

impl Variable {
    /// The Grafana query: `label_values(metric, label)`.
    pub fn query(&self) -> String {
        format!("label_values({}, {})", self.metric, self.label_name)
    }
}

fn q(expr: impl Into<String>, legend: &'static str) -> Query {
    Query {
        expr: expr.into(),
        legend,
    }
}

fn series(title: &'static str, unit: &'static str, width: u32, queries: Vec<Query>) -> Panel {
    Panel {
        title,
        kind: Kind::TimeSeries,
        unit,
        width,
        queries,
    }
}

fn stat(title: &'static str, unit: &'static str, query: Query) -> Panel {
    Panel {
        title,
        kind: Kind::Stat,
        unit,
        width: 4,
        queries: vec![query],
    }
}

fn row(title: &'static str, panels: Vec<Panel>) -> Row {
    Row { title, panels }
}

/// The dashboards of the platform.
pub fn dashboards(p: &Platform) -> Vec<Dashboard> {
    let mut out = vec![
        cluster_health(),
        node_resources(),
        namespace_resources(),
        deployment_status(),
        network_storage(),
        request_performance(),
    ];
    if p.druid.is_some() {
        out.push(druid());
    }
    out
}

/// One ConfigMap per dashboard, for Grafana's sidecar.
pub fn config_maps(p: &Platform) -> Vec<Value> {
    dashboards(p)
        .iter()
        .map(|d| {
            let file = format!("{}.json", d.uid);
            let body = to_pretty_json(&d.to_json());
            let mut l = labels(p, "monitoring", "dashboard");
            l.insert(LABEL.to_owned(), "1".to_owned());
            json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": d.uid,
                    "namespace": NAMESPACE,
                    "labels": l,
                    "annotations": { FOLDER_ANNOTATION: FOLDER },
                },
                "data": { file: body },
            })
        })
        .collect()
}

impl Dashboard {
    /// Grafana's dashboard JSON model.
    pub fn to_json(&self) -> Value {
        let datasource =
            json!({ "type": "prometheus", "uid": format!("${{{DATASOURCE_VARIABLE}}}") });
        let mut panels = Vec::new();
        let mut id = 0;
        let mut y = 0;
        for r in &self.rows {
            id += 1;
            panels.push(json!({
                "id": id,
                "type": "row",
                "title": r.title,
                "collapsed": false,
                "gridPos": { "h": 1, "w": GRID_WIDTH, "x": 0, "y": y },
                "panels": [],
            }));
            y += 1;
            let mut x = 0;
            for panel in &r.panels {
                if x + panel.width > GRID_WIDTH {
                    x = 0;
                    y += PANEL_HEIGHT;
                }
                id += 1;
                panels.push(panel.to_json(id, x, y, &datasource));
                x += panel.width;
            }
            if x > 0 {
                y += PANEL_HEIGHT;
            }
        }
        let mut variables = vec![json!({
            "name": DATASOURCE_VARIABLE,
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "hide": 0,
            "current": {},
            "options": [],
            "refresh": 1,
        })];
        for v in &self.variables {
            let query = v.query();
            variables.push(json!({
                "name": v.name,
                "label": v.label,
                "type": "query",
                "datasource": datasource,
                "query": { "query": query, "refId": format!("{}-values", v.name) },
                "definition": query,
                "refresh": 2,
                "includeAll": true,
                "multi": true,
                "allValue": ".*",
                "current": {},
                "options": [],
                "sort": 1,
                "hide": 0,
            }));
        }
        json!({
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": ["plinth"],
            "timezone": "utc",
            "editable": false,
            "graphTooltip": 1,
            "schemaVersion": SCHEMA_VERSION,
            "version": 1,
            "time": { "from": "now-6h", "to": "now" },
            "refresh": "1m",
            "annotations": { "list": [] },
            "links": [],
            "templating": { "list": variables },
            "panels": panels,
        })
    }
}

impl Panel {
    fn to_json(&self, id: u32, x: u32, y: u32, datasource: &Value) -> Value {
        let targets: Vec<Value> = self
            .queries
            .iter()
            .zip('A'..='Z')
            .map(|(query, ref_id)| {
                json!({
                    "refId": ref_id.to_string(),
                    "datasource": datasource,
                    "expr": query.expr,
                    "legendFormat": query.legend,
                    "range": true,
                })
            })
            .collect();
        let (kind, options) = match self.kind {
            Kind::TimeSeries => (
                "timeseries",
                json!({
                    "legend": { "displayMode": "list", "placement": "bottom", "showLegend": true },
                    "tooltip": { "mode": "multi", "sort": "desc" },
                }),
            ),
            Kind::Stat => (
                "stat",
                json!({
                    "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false },
                    "colorMode": "value",
                    "graphMode": "area",
                    "textMode": "auto",
                }),
            ),
        };
        json!({
            "id": id,
            "type": kind,
            "title": self.title,
            "datasource": datasource,
            "gridPos": { "h": PANEL_HEIGHT, "w": self.width, "x": x, "y": y },
            "targets": targets,
            "fieldConfig": { "defaults": { "unit": self.unit }, "overrides": [] },
            "options": options,
        })
    }
}

fn cluster_health() -> Dashboard {
    let ready = r#"kube_node_status_condition{condition="Ready",status="true"}"#;
    Dashboard {
        uid: "plinth-cluster-health",
        title: "Cluster health",
        description: "Nodes, pods, firing alerts, scrape targets and API server availability at a glance.",
        variables: vec![],
        rows: vec![
            row(
                "Now",
                vec![
                    stat("Ready nodes", "none", q(format!("sum({ready})"), "")),
                    stat(
                        "Nodes not ready",
                        "none",
                        q(format!("count({ready} == 0) or vector(0)"), ""),
                    ),
                    stat(
                        "Pods not running",
                        "none",
                        q(
                            r#"sum(kube_pod_status_phase{phase=~"Pending|Failed|Unknown"})"#,
                            "",
                        ),
                    ),
                    stat(
                        "Firing alerts",
                        "none",
                        q(
                            r#"count(ALERTS{alertstate="firing",alertname!~"Watchdog|InfoInhibitor"}) or vector(0)"#,
                            "",
                        ),
                    ),
                    stat("Targets down", "none", q("count(up == 0) or vector(0)", "")),
                    stat(
                        "API server success",
                        "percentunit",
                        q(
                            r#"sum(rate(apiserver_request_total{code!~"5.."}[$__rate_interval])) / sum(rate(apiserver_request_total[$__rate_interval]))"#,
                            "",
                        ),
                    ),
                ],
            ),
            row(
                "Capacity",
                vec![
                    series(
                        "CPU used of allocatable",
                        "percentunit",
                        12,
                        vec![
                            q(
                                r#"sum(rate(container_cpu_usage_seconds_total{container!=""}[$__rate_interval])) / sum(kube_node_status_allocatable{resource="cpu"})"#,
                                "used",
                            ),
                            q(
                                r#"sum(kube_pod_container_resource_requests{resource="cpu"}) / sum(kube_node_status_allocatable{resource="cpu"})"#,
                                "requested",
                            ),
                        ],
                    ),
                    series(
                        "Memory used of allocatable",
                        "percentunit",
                        12,
                        vec![
                            q(
                                r#"sum(container_memory_working_set_bytes{container!=""}) / sum(kube_node_status_allocatable{resource="memory"})"#,
                                "working set",
                            ),
                            q(
                                r#"sum(kube_pod_container_resource_requests{resource="memory"}) / sum(kube_node_status_allocatable{resource="memory"})"#,
                                "requested",
                            ),
                        ],
                    ),
                ],
            ),
            row(
                "Workloads",
                vec![
                    series(
                        "Pods by phase",
                        "none",
                        12,
                        vec![q("sum by (phase) (kube_pod_status_phase)", "{{phase}}")],
                    ),
                    series(
                        "Container restarts (1h)",
                        "none",
                        12,
                        vec![q(
                            "sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))",
                            "{{namespace}}",
                        )],
                    ),
                    series(
                        "Firing alerts by severity",
                        "none",
                        24,
                        vec![q(
                            r#"sum by (severity) (ALERTS{alertstate="firing"})"#,
                            "{{severity}}",
                        )],
                    ),
                ],
            ),
        ],
    }
}

fn node_resources() -> Dashboard {
    let sel = r#"instance=~"$instance""#;
    Dashboard {
        uid: "plinth-node-resources",
        title: "Node resources",
        description: "CPU, memory, load, disk and network of each node, from node-exporter.",
        variables: vec![Variable {
            name: "instance",
            label: "Node",
            metric: "node_uname_info",
            label_name: "instance",
        }],
        rows: vec![
            row(
                "CPU and memory",
                vec![
                    series(
                        "CPU busy",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                r#"1 - avg by (instance) (rate(node_cpu_seconds_total{{mode="idle",{sel}}}[$__rate_interval]))"#
                            ),
                            "{{instance}}",
                        )],
                    ),
                    series(
                        "Memory used",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "1 - node_memory_MemAvailable_bytes{{{sel}}} / node_memory_MemTotal_bytes{{{sel}}}"
                            ),
                            "{{instance}}",
                        )],
                    ),
                    series(
                        "Load (1m) per CPU",
                        "none",
                        24,
                        vec![q(
                            format!(
                                r#"node_load1{{{sel}}} / count by (instance) (node_cpu_seconds_total{{mode="idle",{sel}}})"#
                            ),
                            "{{instance}}",
                        )],
                    ),
                ],
            ),
            row(
                "Disk",
                vec![
                    series(
                        "Filesystem used",
                        "percentunit",
                        8,
                        vec![q(
                            format!(
                                r#"1 - node_filesystem_avail_bytes{{fstype!~"tmpfs|overlay",{sel}}} / node_filesystem_size_bytes{{fstype!~"tmpfs|overlay",{sel}}}"#
                            ),
                            "{{instance}} {{mountpoint}}",
                        )],
                    ),
                    series(
                        "Disk throughput",
                        "Bps",
                        8,
                        vec![
                            q(
                                format!(
                                    "sum by (instance) (rate(node_disk_read_bytes_total{{{sel}}}[$__rate_interval]))"
                                ),
                                "{{instance}} read",
                            ),
                            q(
                                format!(
                                    "sum by (instance) (rate(node_disk_written_bytes_total{{{sel}}}[$__rate_interval]))"
                                ),
                                "{{instance}} written",
                            ),
                        ],
                    ),
                    series(
                        "Disk busy",
                        "percentunit",
                        8,
                        vec![q(
                            format!(
                                "max by (instance) (rate(node_disk_io_time_seconds_total{{{sel}}}[$__rate_interval]))"
                            ),
                            "{{instance}}",
                        )],
                    ),
                ],
            ),
            row(
                "Network",
                vec![
                    series(
                        "Network throughput",
                        "Bps",
                        12,
                        vec![
                            q(
                                format!(
                                    r#"sum by (instance) (rate(node_network_receive_bytes_total{{device!="lo",{sel}}}[$__rate_interval]))"#
                                ),
                                "{{instance}} in",
                            ),
                            q(
                                format!(
                                    r#"sum by (instance) (rate(node_network_transmit_bytes_total{{device!="lo",{sel}}}[$__rate_interval]))"#
                                ),
                                "{{instance}} out",
                            ),
                        ],
                    ),
                    series(
                        "Network errors and drops",
                        "pps",
                        12,
                        vec![
                            q(
                                format!(
                                    "sum by (instance) (rate(node_network_receive_errs_total{{{sel}}}[$__rate_interval]) + rate(node_network_transmit_errs_total{{{sel}}}[$__rate_interval]))"
                                ),
                                "{{instance}} errors",
                            ),
                            q(
                                format!(
                                    "sum by (instance) (rate(node_network_receive_drop_total{{{sel}}}[$__rate_interval]))"
                                ),
                                "{{instance}} dropped",
                            ),
                        ],
                    ),
                ],
            ),
        ],
    }
}

fn namespace_resources() -> Dashboard {
    let ns = r#"namespace=~"$namespace""#;
    Dashboard {
        uid: "plinth-namespace-resources",
        title: "Namespace and pod resources",
        description: "CPU and memory use against requests and limits, throttling and restarts per namespace and pod.",
        variables: vec![Variable {
            name: "namespace",
            label: "Namespace",
            metric: "kube_namespace_status_phase",
            label_name: "namespace",
        }],
        rows: vec![
            row(
                "Namespaces",
                vec![
                    series(
                        "CPU by namespace",
                        "none",
                        12,
                        vec![q(
                            format!(
                                r#"sum by (namespace) (rate(container_cpu_usage_seconds_total{{container!="",{ns}}}[$__rate_interval]))"#
                            ),
                            "{{namespace}}",
                        )],
                    ),
                    series(
                        "Memory by namespace",
                        "bytes",
                        12,
                        vec![q(
                            format!(
                                r#"sum by (namespace) (container_memory_working_set_bytes{{container!="",{ns}}})"#
                            ),
                            "{{namespace}}",
                        )],
                    ),
                ],
            ),
            row(
                "Pods",
                vec![
                    series(
                        "CPU by pod against requests",
                        "none",
                        12,
                        vec![
                            q(
                                format!(
                                    r#"sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{container!="",{ns}}}[$__rate_interval]))"#
                                ),
                                "{{namespace}}/{{pod}}",
                            ),
                            q(
                                format!(
                                    r#"sum by (namespace, pod) (kube_pod_container_resource_requests{{resource="cpu",{ns}}})"#
                                ),
                                "{{namespace}}/{{pod}} requested",
                            ),
                        ],
                    ),
                    series(
                        "Memory by pod against limits",
                        "bytes",
                        12,
                        vec![
                            q(
                                format!(
                                    r#"sum by (namespace, pod) (container_memory_working_set_bytes{{container!="",{ns}}})"#
                                ),
                                "{{namespace}}/{{pod}}",
                            ),
                            q(
                                format!(
                                    r#"sum by (namespace, pod) (kube_pod_container_resource_limits{{resource="memory",{ns}}})"#
                                ),
                                "{{namespace}}/{{pod}} limit",
                            ),
                        ],
                    ),
                    series(
                        "CPU throttled",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                r#"sum by (namespace, pod) (rate(container_cpu_cfs_throttled_periods_total{{container!="",{ns}}}[$__rate_interval])) / sum by (namespace, pod) (rate(container_cpu_cfs_periods_total{{container!="",{ns}}}[$__rate_interval]))"#
                            ),
                            "{{namespace}}/{{pod}}",
                        )],
                    ),
                    series(
                        "Restarts (1h)",
                        "none",
                        12,
                        vec![q(
                            format!(
                                "sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{{{ns}}}[1h])) > 0"
                            ),
                            "{{namespace}}/{{pod}}",
                        )],
                    ),
                ],
            ),
        ],
    }
}

fn deployment_status() -> Dashboard {
    let ns = r#"namespace=~"$namespace""#;
    Dashboard {
        uid: "plinth-deployment-status",
        title: "Deployment status",
        description: "Desired against available replicas of deployments, stateful sets and daemon sets; pods waiting and jobs failing.",
        variables: vec![Variable {
            name: "namespace",
            label: "Namespace",
            metric: "kube_namespace_status_phase",
            label_name: "namespace",
        }],
        rows: vec![
            row(
                "Now",
                vec![
                    stat(
                        "Deployments short of replicas",
                        "none",
                        q(
                            format!(
                                "count(kube_deployment_status_replicas_unavailable{{{ns}}} > 0) or vector(0)"
                            ),
                            "",
                        ),
                    ),
                    stat(
                        "Stateful sets short of replicas",
                        "none",
                        q(
                            format!(
                                "count(kube_statefulset_replicas{{{ns}}} - kube_statefulset_status_replicas_ready{{{ns}}} > 0) or vector(0)"
                            ),
                            "",
                        ),
                    ),
                    stat(
                        "Daemon set pods unavailable",
                        "none",
                        q(
                            format!("sum(kube_daemonset_status_number_unavailable{{{ns}}})"),
                            "",
                        ),
                    ),
                    stat(
                        "Failed jobs",
                        "none",
                        q(
                            format!("count(kube_job_status_failed{{{ns}}} > 0) or vector(0)"),
                            "",
                        ),
                    ),
                ],
            ),
            row(
                "Replicas",
                vec![
                    series(
                        "Deployments: available of desired",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "kube_deployment_status_replicas_available{{{ns}}} / kube_deployment_spec_replicas{{{ns}}}"
                            ),
                            "{{namespace}}/{{deployment}}",
                        )],
                    ),
                    series(
                        "Deployments: replicas not yet updated",
                        "none",
                        12,
                        vec![q(
                            format!(
                                "kube_deployment_spec_replicas{{{ns}}} - kube_deployment_status_replicas_updated{{{ns}}}"
                            ),
                            "{{namespace}}/{{deployment}}",
                        )],
                    ),
                    series(
                        "Stateful sets: ready of desired",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "kube_statefulset_status_replicas_ready{{{ns}}} / kube_statefulset_replicas{{{ns}}}"
                            ),
                            "{{namespace}}/{{statefulset}}",
                        )],
                    ),
                    series(
                        "Daemon sets: ready of scheduled",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "kube_daemonset_status_number_ready{{{ns}}} / kube_daemonset_status_desired_number_scheduled{{{ns}}}"
                            ),
                            "{{namespace}}/{{daemonset}}",
                        )],
                    ),
                ],
            ),
            row(
                "Pods",
                vec![
                    series(
                        "Containers waiting, by reason",
                        "none",
                        12,
                        vec![q(
                            format!(
                                "sum by (reason) (kube_pod_container_status_waiting_reason{{{ns}}})"
                            ),
                            "{{reason}}",
                        )],
                    ),
                    series(
                        "Autoscaled replicas of maximum",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "kube_horizontalpodautoscaler_status_current_replicas{{{ns}}} / kube_horizontalpodautoscaler_spec_max_replicas{{{ns}}}"
                            ),
                            "{{namespace}}/{{horizontalpodautoscaler}}",
                        )],
                    ),
                ],
            ),
        ],
    }
}

fn network_storage() -> Dashboard {
    let ns = r#"namespace=~"$namespace""#;
    Dashboard {
        uid: "plinth-network-storage",
        title: "Network and storage",
        description: "Pod traffic and drops per namespace, node connection tracking, and persistent volume use and claims.",
        variables: vec![Variable {
            name: "namespace",
            label: "Namespace",
            metric: "kube_namespace_status_phase",
            label_name: "namespace",
        }],
        rows: vec![
            row(
                "Network",
                vec![
                    series(
                        "Received by namespace",
                        "Bps",
                        8,
                        vec![q(
                            format!(
                                "sum by (namespace) (rate(container_network_receive_bytes_total{{{ns}}}[$__rate_interval]))"
                            ),
                            "{{namespace}}",
                        )],
                    ),
                    series(
                        "Sent by namespace",
                        "Bps",
                        8,
                        vec![q(
                            format!(
                                "sum by (namespace) (rate(container_network_transmit_bytes_total{{{ns}}}[$__rate_interval]))"
                            ),
                            "{{namespace}}",
                        )],
                    ),
                    series(
                        "Packets dropped by namespace",
                        "pps",
                        8,
                        vec![q(
                            format!(
                                "sum by (namespace) (rate(container_network_receive_packets_dropped_total{{{ns}}}[$__rate_interval]) + rate(container_network_transmit_packets_dropped_total{{{ns}}}[$__rate_interval]))"
                            ),
                            "{{namespace}}",
                        )],
                    ),
                    series(
                        "Connection tracking table used",
                        "percentunit",
                        24,
                        vec![q(
                            "node_nf_conntrack_entries / node_nf_conntrack_entries_limit",
                            "{{instance}}",
                        )],
                    ),
                ],
            ),
            row(
                "Storage",
                vec![
                    series(
                        "Volume used",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "kubelet_volume_stats_used_bytes{{{ns}}} / kubelet_volume_stats_capacity_bytes{{{ns}}}"
                            ),
                            "{{namespace}}/{{persistentvolumeclaim}}",
                        )],
                    ),
                    series(
                        "Volume inodes used",
                        "percentunit",
                        12,
                        vec![q(
                            format!(
                                "kubelet_volume_stats_inodes_used{{{ns}}} / kubelet_volume_stats_inodes{{{ns}}}"
                            ),
                            "{{namespace}}/{{persistentvolumeclaim}}",
                        )],
                    ),
                    series(
                        "Claims by phase",
                        "none",
                        12,
                        vec![q(
                            format!(
                                "sum by (phase) (kube_persistentvolumeclaim_status_phase{{{ns}}})"
                            ),
                            "{{phase}}",
                        )],
                    ),
                    series(
                        "Requested storage by namespace",
                        "bytes",
                        12,
                        vec![q(
                            format!(
                                "sum by (namespace) (kube_persistentvolumeclaim_resource_requests_storage_bytes{{{ns}}})"
                            ),
                            "{{namespace}}",
                        )],
                    ),
                ],
            ),
        ],
    }
}

fn request_performance() -> Dashboard {
    Dashboard {
        uid: "plinth-request-performance",
        title: "Request performance",
        description: "Request rate, errors and latency of the Kubernetes API server and of cluster DNS.",
        variables: vec![],
        rows: vec![
            row(
                "Kubernetes API server",
                vec![
                    series(
                        "Requests by code",
                        "reqps",
                        8,
                        vec![q(
                            "sum by (code) (rate(apiserver_request_total[$__rate_interval]))",
                            "{{code}}",
                        )],
                    ),
                    series(
                        "Error ratio",
                        "percentunit",
                        8,
                        vec![q(
                            r#"sum(rate(apiserver_request_total{code=~"5.."}[$__rate_interval])) / sum(rate(apiserver_request_total[$__rate_interval]))"#,
                            "5xx",
                        )],
                    ),
                    series(
                        "Latency p99 by verb",
                        "s",
                        8,
                        vec![q(
                            r#"histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[$__rate_interval])))"#,
                            "{{verb}}",
                        )],
                    ),
                ],
            ),
            row(
                "Cluster DNS (CoreDNS)",
                vec![
                    series(
                        "Queries by type",
                        "reqps",
                        8,
                        vec![q(
                            "sum by (type) (rate(coredns_dns_requests_total[$__rate_interval]))",
                            "{{type}}",
                        )],
                    ),
                    series(
                        "Responses by code",
                        "reqps",
                        8,
                        vec![q(
                            "sum by (rcode) (rate(coredns_dns_responses_total[$__rate_interval]))",
                            "{{rcode}}",
                        )],
                    ),
                    series(
                        "Latency p99",
                        "s",
                        8,
                        vec![q(
                            "histogram_quantile(0.99, sum by (le) (rate(coredns_dns_request_duration_seconds_bucket[$__rate_interval])))",
                            "p99",
                        )],
                    ),
                ],
            ),
        ],
    }
}

fn druid() -> Dashboard {
    let ds = r#"dataSource=~"$druid_datasource""#;
    let quantile = |quantile: &str| {
        format!(
            r#"histogram_quantile({quantile}, sum by (le) (rate(druid_query_time_bucket{{druid_service="druid/broker",{ds}}}[$__rate_interval])))"#
        )
    };
    Dashboard {
        uid: "plinth-druid",
        title: "Druid",
        description: "Druid's queries, Kafka ingestion, tasks and segments, from its Prometheus emitter.",
        variables: vec![Variable {
            name: "druid_datasource",
            label: "Data source",
            metric: "druid_segment_count",
            label_name: "dataSource",
        }],
        rows: vec![
            row(
                "Queries",
                vec![
                    series(
                        "Query rate by data source",
                        "reqps",
                        8,
                        vec![q(
                            format!(
                                r#"sum by (dataSource) (rate(druid_query_time_count{{druid_service="druid/broker",{ds}}}[$__rate_interval]))"#
                            ),
                            "{{dataSource}}",
                        )],
                    ),
                    series(
                        "Query latency (broker)",
                        "s",
                        8,
                        vec![
                            q(quantile("0.5"), "p50"),
                            q(quantile("0.95"), "p95"),
                            q(quantile("0.99"), "p99"),
                        ],
                    ),
                    series(
                        "Failed and timed-out queries",
                        "reqps",
                        8,
                        vec![
                            q(
                                "sum by (druid_service) (rate(druid_query_failed_count_total[$__rate_interval]))",
                                "{{druid_service}} failed",
                            ),
                            q(
                                "sum by (druid_service) (rate(druid_query_timeout_count_total[$__rate_interval]))",
                                "{{druid_service}} timed out",
                            ),
                        ],
                    ),
                ],
            ),
            row(
                "Ingestion",
                vec![
                    series(
                        "Kafka lag (records)",
                        "none",
                        8,
                        vec![
                            q(
                                format!("max by (dataSource) (druid_ingest_kafka_lag{{{ds}}})"),
                                "{{dataSource}} total",
                            ),
                            q(
                                format!("max by (dataSource) (druid_ingest_kafka_maxlag{{{ds}}})"),
                                "{{dataSource}} worst partition",
                            ),
                        ],
                    ),
                    series(
                        "Events processed",
                        "none",
                        8,
                        vec![
                            q(
                                format!(
                                    "sum by (dataSource) (rate(druid_ingest_events_processed_total{{{ds}}}[$__rate_interval]))"
                                ),
                                "{{dataSource}} processed/s",
                            ),
                            q(
                                format!(
                                    "sum by (dataSource) (rate(druid_ingest_events_unparseable_total{{{ds}}}[$__rate_interval]))"
                                ),
                                "{{dataSource}} unparseable/s",
                            ),
                        ],
                    ),
                    series(
                        "Tasks finished (1h)",
                        "none",
                        8,
                        vec![
                            q(
                                format!(
                                    "sum by (dataSource) (increase(druid_task_success_count_total{{{ds}}}[1h]))"
                                ),
                                "{{dataSource}} succeeded",
                            ),
                            q(
                                format!(
                                    "sum by (dataSource) (increase(druid_task_failed_count_total{{{ds}}}[1h]))"
                                ),
                                "{{dataSource}} failed",
                            ),
                        ],
                    ),
                ],
            ),
            row(
                "Segments",
                vec![
                    series(
                        "Used segments",
                        "none",
                        8,
                        vec![q(
                            format!("sum by (dataSource) (druid_segment_count{{{ds}}})"),
                            "{{dataSource}}",
                        )],
                    ),
                    series(
                        "Segments not yet available",
                        "none",
                        8,
                        vec![q(
                            format!(
                                "sum by (dataSource) (druid_segment_unavailable_count{{{ds}}})"
                            ),
                            "{{dataSource}}",
                        )],
                    ),
                    series(
                        "Segment size",
                        "bytes",
                        8,
                        vec![q(
                            format!("sum by (dataSource) (druid_segment_size{{{ds}}})"),
                            "{{dataSource}}",
                        )],
                    ),
                ],
            ),
            row(
                "Processes",
                vec![
                    series(
                        "JVM heap used",
                        "bytes",
                        12,
                        vec![q(
                            r#"sum by (component, pod) (druid_jvm_mem_used{memKind="heap"})"#,
                            "{{component}} {{pod}}",
                        )],
                    ),
                    series(
                        "Processes answering scrapes",
                        "none",
                        12,
                        vec![q(
                            r#"sum by (component) (up{job="druid/druid"})"#,
                            "{{component}}",
                        )],
                    ),
                ],
            ),
        ],
    }
}
