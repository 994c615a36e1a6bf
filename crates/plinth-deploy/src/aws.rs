//! The AWS edge: CloudFormation calls (read stacks, change sets, execute, wait, events,
//! delete), template uploads and the caller's identity. Every decision lives elsewhere; these
//! functions do one API conversation each and return plain data.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudformation as cfn;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::error::display::DisplayErrorContext;
use cfn::types::{Capability, ChangeSetStatus, ChangeSetType, ExecutionStatus};

use crate::plan::{ChangeKind, Observed, Replacement, ResourceChange};

/// An AWS call failed; `action` says what plinth was doing.
#[derive(Debug, thiserror::Error)]
#[error("{action}: {message}")]
pub struct AwsError {
    /// What plinth was doing, e.g. "create change set for acme-network".
    pub action: String,
    /// The service's message, with its error code when it gave one.
    pub message: String,
    /// The error code (`ValidationError`, `Throttling`, …).
    pub code: Option<String>,
}

impl AwsError {
    /// Wraps an SDK error with what plinth was doing.
    pub fn sdk<E>(
        action: impl Into<String>,
        e: &aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::http::Response,
        >,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let code = e.code().map(str::to_owned);
        let message = match (e.code(), e.message()) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (None, Some(m)) => m.to_owned(),
            _ => DisplayErrorContext(e).to_string(),
        };
        Self {
            action: action.into(),
            message,
            code,
        }
    }

    /// A failure plinth detected itself.
    pub fn other(action: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            message: message.into(),
            code: None,
        }
    }
}

/// The clients deploy uses, and how often it polls.
#[derive(Debug, Clone)]
pub struct Cloud {
    /// CloudFormation.
    pub cfn: cfn::Client,
    /// S3, for template uploads and emptying the bootstrap bucket.
    pub s3: aws_sdk_s3::Client,
    /// STS, for the caller's account.
    pub sts: aws_sdk_sts::Client,
    /// The Resource Groups Tagging API, to find what controllers left tagged for the cluster.
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    /// Cloud Control, to delete those leftovers by resource type and id.
    pub cloudcontrol: aws_sdk_cloudcontrol::Client,
    /// MSK, for the bootstrap servers CloudFormation does not expose.
    pub kafka: aws_sdk_kafka::Client,
    /// The region.
    pub region: String,
    /// Time between status polls.
    pub poll: Duration,
    /// The credentials the clients sign with (for EKS tokens).
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
}

/// Where to connect: the standard AWS chain plus plinth's flags.
#[derive(Debug, Clone, Default)]
pub struct Connect {
    /// A named profile (`--profile`).
    pub profile: Option<String>,
    /// The region (`--region`), else the spec's.
    pub region: Option<String>,
    /// An endpoint for every service (`--endpoint-url`), for emulators.
    pub endpoint_url: Option<String>,
}

impl Cloud {
    /// Loads credentials and configuration from the standard chain. Retries use the SDK's
    /// standard mode (exponential backoff with jitter on throttling and transient errors) with
    /// more attempts than the default, since a deploy makes many calls over a long time.
    pub async fn connect(connect: &Connect, default_region: &str) -> Self {
        let region = connect
            .region
            .clone()
            .unwrap_or_else(|| default_region.to_owned());
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(region.clone()))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(8));
        if let Some(p) = &connect.profile {
            loader = loader.profile_name(p);
        }
        if let Some(url) = &connect.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(connect.endpoint_url.is_some())
            .build();
        Self {
            cfn: cfn::Client::new(&config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sts: aws_sdk_sts::Client::new(&config),
            tagging: aws_sdk_resourcegroupstagging::Client::new(&config),
            cloudcontrol: aws_sdk_cloudcontrol::Client::new(&config),
            kafka: aws_sdk_kafka::Client::new(&config),
            region,
            poll: Duration::from_secs(5),
            credentials: config.credentials_provider(),
        }
    }

    /// The account the credentials belong to.
    pub async fn account(&self) -> Result<String, AwsError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| AwsError::sdk("read the caller identity", &e))?;
        out.account
            .ok_or_else(|| AwsError::other("read the caller identity", "STS returned no account"))
    }

    /// Reads a stack; a stack that does not exist is `Observed::default()`.
    pub async fn observe(&self, stack: &str) -> Result<Observed, AwsError> {
        let res = self.cfn.describe_stacks().stack_name(stack).send().await;
        let out = match res {
            Ok(out) => out,
            Err(e) if is_missing_stack(&e) => return Ok(Observed::default()),
            Err(e) => return Err(AwsError::sdk(format!("read stack {stack}"), &e)),
        };
        let Some(s) = out.stacks.unwrap_or_default().into_iter().next() else {
            return Ok(Observed::default());
        };
        let changed = s.last_updated_time.or(s.creation_time);
        Ok(Observed {
            status: s.stack_status.map(|st| st.as_str().to_owned()),
            stack_id: s.stack_id,
            changed_at: changed.and_then(|t| t.fmt(Format::DateTime).ok()),
            reason: s.stack_status_reason,
            outputs: s
                .outputs
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| Some((o.output_key?, o.output_value?)))
                .collect(),
        })
    }

    /// The template body CloudFormation holds for a stack, as submitted.
    pub async fn deployed_template(&self, stack: &str) -> Result<Option<String>, AwsError> {
        let out = self
            .cfn
            .get_template()
            .stack_name(stack)
            .template_stage(cfn::types::TemplateStage::Original)
            .send()
            .await
            .map_err(|e| AwsError::sdk(format!("read the template of {stack}"), &e))?;
        Ok(out.template_body)
    }

    /// Uploads a template and returns its URL.
    pub async fn upload_template(
        &self,
        bucket: &str,
        key: &str,
        body: &str,
    ) -> Result<String, AwsError> {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .map_err(|e| AwsError::sdk(format!("upload s3://{bucket}/{key}"), &e))?;
        Ok(format!(
            "https://{bucket}.s3.{}.{}/{key}",
            self.region,
            dns_suffix(&self.region)
        ))
    }

    /// Makes a change set and waits until CloudFormation has computed it. Returns its ARN and
    /// changes, or `None` (and deletes it) when it holds no changes.
    pub async fn change_set(
        &self,
        req: &ChangeSetRequest<'_>,
    ) -> Result<Option<ChangeSet>, AwsError> {
        let action = format!("create a change set for {}", req.stack);
        let mut call = self
            .cfn
            .create_change_set()
            .stack_name(req.stack)
            .change_set_name(req.name)
            .change_set_type(if req.create {
                ChangeSetType::Create
            } else {
                ChangeSetType::Update
            })
            .description("made by plinth")
            .set_capabilities(Some(
                req.capabilities
                    .iter()
                    .map(|c| Capability::from(c.as_str()))
                    .collect(),
            ));
        call = match req.template {
            TemplateSource::Body(b) => call.template_body(b),
            TemplateSource::Url(u) => call.template_url(u),
        };
        for (k, v) in req.tags {
            call = call.tags(cfn::types::Tag::builder().key(k).value(v).build());
        }
        let created = call.send().await.map_err(|e| AwsError::sdk(&action, &e))?;
        let id = created
            .id
            .ok_or_else(|| AwsError::other(&action, "CloudFormation returned no change set id"))?;
        loop {
            let (status, reason, execution, changes) = self.describe_change_set(&id).await?;
            match status {
                ChangeSetStatus::CreatePending | ChangeSetStatus::CreateInProgress => {
                    tokio::time::sleep(self.poll).await;
                }
                ChangeSetStatus::CreateComplete => {
                    return Ok(Some(ChangeSet {
                        id,
                        changes,
                        executable: execution == Some(ExecutionStatus::Available),
                    }));
                }
                _ => {
                    let reason = reason.unwrap_or_default();
                    if no_changes(&reason) {
                        self.delete_change_set(&id).await?;
                        return Ok(None);
                    }
                    return Err(AwsError::other(
                        action,
                        format!("the change set failed: {reason}"),
                    ));
                }
            }
        }
    }

    async fn describe_change_set(
        &self,
        id: &str,
    ) -> Result<
        (
            ChangeSetStatus,
            Option<String>,
            Option<ExecutionStatus>,
            Vec<ResourceChange>,
        ),
        AwsError,
    > {
        let mut token = None;
        let mut changes = Vec::new();
        loop {
            let out = self
                .cfn
                .describe_change_set()
                .change_set_name(id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::sdk("read a change set", &e))?;
            changes.extend(
                out.changes
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| c.resource_change())
                    .map(resource_change),
            );
            token = out.next_token;
            if token.is_none() {
                let status = out.status.unwrap_or(ChangeSetStatus::Failed);
                return Ok((status, out.status_reason, out.execution_status, changes));
            }
        }
    }

    /// Deletes a change set that will not be executed.
    pub async fn delete_change_set(&self, id: &str) -> Result<(), AwsError> {
        self.cfn
            .delete_change_set()
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| AwsError::sdk("delete a change set", &e))?;
        Ok(())
    }

    /// Starts a change set; events of the operation carry `token`.
    pub async fn execute(&self, change_set: &str, token: &str) -> Result<(), AwsError> {
        self.cfn
            .execute_change_set()
            .change_set_name(change_set)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| AwsError::sdk("execute a change set", &e))?;
        Ok(())
    }

    /// Starts deleting a stack.
    pub async fn delete_stack(&self, stack: &str, token: &str) -> Result<(), AwsError> {
        self.cfn
            .delete_stack()
            .stack_name(stack)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| AwsError::sdk(format!("delete stack {stack}"), &e))?;
        Ok(())
    }

    /// Continues a rollback that failed (`UPDATE_ROLLBACK_FAILED`).
    pub async fn continue_rollback(&self, stack: &str, token: &str) -> Result<(), AwsError> {
        self.cfn
            .continue_update_rollback()
            .stack_name(stack)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| AwsError::sdk(format!("continue the rollback of {stack}"), &e))?;
        Ok(())
    }

    /// How many of a stack's resources have settled, out of how many it has.
    pub async fn resource_progress(&self, stack: &str) -> Result<(usize, usize), AwsError> {
        let out = self
            .cfn
            .describe_stack_resources()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| AwsError::sdk(format!("read the resources of {stack}"), &e))?;
        let resources = out.stack_resources.unwrap_or_default();
        let done = resources
            .iter()
            .filter(|r| {
                r.resource_status
                    .as_ref()
                    .is_some_and(|s| s.as_str().ends_with("_COMPLETE"))
            })
            .count();
        Ok((done, resources.len()))
    }

    /// Events of one operation (by its client request token), oldest first.
    pub async fn events(&self, stack: &str, token: &str) -> Result<Vec<Event>, AwsError> {
        let mut next = None;
        let mut events = Vec::new();
        loop {
            let out = self
                .cfn
                .describe_stack_events()
                .stack_name(stack)
                .set_next_token(next)
                .send()
                .await
                .map_err(|e| AwsError::sdk(format!("read the events of {stack}"), &e))?;
            let page = out.stack_events.unwrap_or_default();
            let mut older = false;
            for e in page {
                if e.client_request_token.as_deref() != Some(token) {
                    // Events come newest first: once past this operation's events, stop.
                    older = !events.is_empty();
                    if older {
                        break;
                    }
                    continue;
                }
                events.push(Event {
                    logical_id: e.logical_resource_id.unwrap_or_default(),
                    resource_type: e.resource_type.unwrap_or_default(),
                    status: e
                        .resource_status
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    reason: e.resource_status_reason,
                    at: e.timestamp.and_then(|t| t.fmt(Format::DateTime).ok()),
                });
            }
            next = out.next_token;
            if older || next.is_none() {
                break;
            }
        }
        events.reverse();
        Ok(events)
    }

    /// Empties a bucket (all object versions), so its stack can delete it.
    pub async fn empty_bucket(&self, bucket: &str) -> Result<usize, AwsError> {
        let mut deleted = 0;
        loop {
            let out = self
                .s3
                .list_objects_v2()
                .bucket(bucket)
                .send()
                .await
                .map_err(|e| AwsError::sdk(format!("list s3://{bucket}"), &e))?;
            let keys: Vec<String> = out
                .contents
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| o.key)
                .collect();
            if keys.is_empty() {
                return Ok(deleted);
            }
            for key in keys {
                self.s3
                    .delete_object()
                    .bucket(bucket)
                    .key(&key)
                    .send()
                    .await
                    .map_err(|e| AwsError::sdk(format!("delete s3://{bucket}/{key}"), &e))?;
                deleted += 1;
            }
        }
    }
}

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The resource's logical ID (the stack's own name for stack events).
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// `CREATE_FAILED`, …
    pub status: String,
    /// CloudFormation's reason.
    pub reason: Option<String>,
    /// When, RFC 3339.
    pub at: Option<String>,
}

/// The template of a change set: inline, or uploaded.
#[derive(Debug, Clone, Copy)]
pub enum TemplateSource<'a> {
    /// `TemplateBody`.
    Body(&'a str),
    /// `TemplateURL`.
    Url(&'a str),
}

/// Everything a change set is made from.
#[derive(Debug, Clone)]
pub struct ChangeSetRequest<'a> {
    /// The stack.
    pub stack: &'a str,
    /// The change set's name.
    pub name: &'a str,
    /// A create (the stack does not exist) or an update.
    pub create: bool,
    /// The template.
    pub template: TemplateSource<'a>,
    /// `CAPABILITY_NAMED_IAM`, …
    pub capabilities: &'a [String],
    /// Stack-level tags.
    pub tags: &'a BTreeMap<String, String>,
}

/// A computed change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// Its ARN.
    pub id: String,
    /// What it changes.
    pub changes: Vec<ResourceChange>,
    /// Whether it can be executed now.
    pub executable: bool,
}

fn resource_change(rc: &cfn::types::ResourceChange) -> ResourceChange {
    use cfn::types::ChangeAction;
    let action = match rc.action() {
        Some(ChangeAction::Add) => ChangeKind::Add,
        Some(ChangeAction::Remove) => ChangeKind::Remove,
        Some(ChangeAction::Import) => ChangeKind::Import,
        Some(ChangeAction::Dynamic) => ChangeKind::Dynamic,
        _ => ChangeKind::Modify,
    };
    let replacement = rc.replacement().map(|r| match r.as_str() {
        "True" => Replacement::True,
        "Conditional" => Replacement::Conditional,
        _ => Replacement::False,
    });
    let mut properties: Vec<String> = rc
        .details()
        .iter()
        .filter_map(|d| d.target())
        .filter_map(|t| {
            let attribute = t.attribute().map(|a| a.as_str().to_owned());
            match (attribute.as_deref(), t.name()) {
                (Some("Properties"), Some(name)) => Some(name.to_owned()),
                (Some(a), _) => Some(a.to_owned()),
                (None, name) => name.map(str::to_owned),
            }
        })
        .collect();
    properties.sort();
    properties.dedup();
    ResourceChange {
        action,
        logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
        resource_type: rc.resource_type().unwrap_or_default().to_owned(),
        physical_id: rc.physical_resource_id().map(str::to_owned),
        replacement: if action == ChangeKind::Modify {
            replacement
        } else {
            None
        },
        properties,
    }
}

/// CloudFormation's words for an empty change set.
fn no_changes(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

fn is_missing_stack<E: ProvideErrorMetadata>(
    e: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> bool {
    e.code() == Some("ValidationError") && e.message().is_some_and(|m| m.contains("does not exist"))
}

/// The DNS suffix of a region's partition, for S3 URLs.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}
