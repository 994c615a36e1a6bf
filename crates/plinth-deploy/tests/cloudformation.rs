//! Scripted CloudFormation behaviour through `aws-smithy-mocks`: the real SDK client and the
//! real engine, with the service's answers scripted per call. Covers what an emulator cannot
//! stage on demand: a create that fails and rolls back, resuming from ROLLBACK_COMPLETE and
//! from UPDATE_ROLLBACK_FAILED, and throttling.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::continue_update_rollback::ContinueUpdateRollbackOutput;
use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_stack::DeleteStackOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stack_resources::DescribeStackResourcesOutput;
use aws_sdk_cloudformation::operation::describe_stacks::{
    DescribeStacksError, DescribeStacksOutput,
};
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeSetType, ExecutionStatus, Output, ResourceChange,
    ResourceStatus, Stack, StackEvent, StackStatus,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::error::ErrorMetadata;
use plinth_deploy::engine::{self, DeployError, PlanOptions, Quiet};
use plinth_deploy::plan::Action;
use plinth_deploy::{Cloud, Target};

const NETWORK: &str = "acme-events-druid-network";
const BOOTSTRAP: &str = "acme-events-druid-bootstrap";

fn target() -> Target {
    let spec = include_str!("../../../examples/druid-lean/plinth.yaml");
    let platform = plinth_spec::load(spec)
        .platform
        .expect("the example is valid");
    let mut t = Target::new(&plinth_synth::synth(&platform));
    t.select(&["network".to_owned()]).unwrap();
    t
}

fn stack(name: &str, status: StackStatus) -> Stack {
    let mut b = Stack::builder()
        .stack_name(name)
        .stack_id(format!(
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/{name}/1"
        ))
        .stack_status(status)
        .creation_time(aws_smithy_types::DateTime::from_secs(1_795_435_200));
    if name == BOOTSTRAP {
        b = b.outputs(
            Output::builder()
                .output_key("TemplatesBucketName")
                .output_value("acme-bootstrap-bucket")
                .build(),
        );
    }
    b.build()
}

fn missing() -> DescribeStacksError {
    DescribeStacksError::generic(
        ErrorMetadata::builder()
            .code("ValidationError")
            .message(format!("Stack with id {NETWORK} does not exist"))
            .build(),
    )
}

/// DescribeStacks answers: the bootstrap stack is complete; the network stack goes through
/// `network` in order (`None`: it does not exist), repeating the last state.
fn describe_stacks(network: Vec<Option<StackStatus>>) -> (Rule, Rule) {
    let boot = mock!(Client::describe_stacks)
        .match_requests(|r| r.stack_name() == Some(BOOTSTRAP))
        .then_output(|| {
            DescribeStacksOutput::builder()
                .stacks(stack(BOOTSTRAP, StackStatus::CreateComplete))
                .build()
        });
    let mut seq = mock!(Client::describe_stacks)
        .match_requests(|r| r.stack_name() == Some(NETWORK))
        .sequence();
    for s in network {
        seq = match s {
            Some(st) => seq.output(move || {
                DescribeStacksOutput::builder()
                    .stacks(stack(NETWORK, st.clone()))
                    .build()
            }),
            None => seq.error(missing),
        };
    }
    (boot, seq.repeatedly().build())
}

/// GetTemplate: the bootstrap stack holds today's template (no change); the network stack an
/// older one.
fn get_template() -> Rule {
    mock!(Client::get_template).then_compute_output(|r| {
        let body = if r.stack_name() == Some(BOOTSTRAP) {
            plinth_deploy::bootstrap::template("acme-events-druid").to_json()
        } else {
            r#"{"Resources": {}}"#.to_owned()
        };
        GetTemplateOutput::builder().template_body(body).build()
    })
}

fn change_set_rules(kind: Arc<Mutex<Vec<ChangeSetType>>>) -> Vec<Rule> {
    vec![
        mock!(Client::create_change_set)
            .match_requests(move |r| {
                kind.lock()
                    .unwrap()
                    .push(r.change_set_type().cloned().unwrap());
                true
            })
            .then_output(|| {
                CreateChangeSetOutput::builder()
                    .id("arn:aws:cloudformation:eu-west-1:123456789012:changeSet/plinth/1")
                    .build()
            }),
        mock!(Client::describe_change_set).then_output(|| {
            DescribeChangeSetOutput::builder()
                .status(ChangeSetStatus::CreateComplete)
                .execution_status(ExecutionStatus::Available)
                .changes(
                    Change::builder()
                        .resource_change(
                            ResourceChange::builder()
                                .action(ChangeAction::Add)
                                .logical_resource_id("Vpc")
                                .resource_type("AWS::EC2::VPC")
                                .build(),
                        )
                        .build(),
                )
                .build()
        }),
        mock!(Client::describe_stack_resources)
            .then_output(|| DescribeStackResourcesOutput::builder().build()),
        get_template(),
        mock!(Client::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build()),
        mock!(Client::describe_stack_events)
            .then_output(|| DescribeStackEventsOutput::builder().build()),
    ]
}

fn cloud(cfn: Client) -> Cloud {
    let region = aws_config::Region::new("eu-west-1");
    let behavior = aws_config::BehaviorVersion::latest();
    Cloud {
        cfn,
        s3: aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(behavior)
                .region(region.clone())
                .build(),
        ),
        sts: aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(behavior)
                .region(region.clone())
                .build(),
        ),
        tagging: aws_sdk_resourcegroupstagging::Client::from_conf(
            aws_sdk_resourcegroupstagging::Config::builder()
                .behavior_version(behavior)
                .region(region.clone())
                .build(),
        ),
        cloudcontrol: aws_sdk_cloudcontrol::Client::from_conf(
            aws_sdk_cloudcontrol::Config::builder()
                .behavior_version(behavior)
                .region(region.clone())
                .build(),
        ),
        kafka: aws_sdk_kafka::Client::from_conf(
            aws_sdk_kafka::Config::builder()
                .behavior_version(behavior)
                .region(region)
                .build(),
        ),
        region: "eu-west-1".to_owned(),
        poll: Duration::from_secs(5),
        credentials: None,
    }
}

#[tokio::test(start_paused = true)]
async fn a_failed_create_reports_the_first_failed_resource() {
    let kinds = Arc::default();
    let token: Arc<Mutex<String>> = Arc::default();
    let (boot, network) = describe_stacks(vec![
        None,
        Some(StackStatus::CreateInProgress),
        Some(StackStatus::RollbackInProgress),
        Some(StackStatus::RollbackComplete),
    ]);
    let t = token.clone();
    let execute = mock!(Client::execute_change_set)
        .match_requests(move |r| {
            *t.lock().unwrap() = r.client_request_token().unwrap().to_owned();
            true
        })
        .then_output(|| ExecuteChangeSetOutput::builder().build());
    let t = token.clone();
    let event = move |id: &str, status: ResourceStatus, reason: &str, token: &str| {
        StackEvent::builder()
            .stack_id("s")
            .event_id(id)
            .stack_name(NETWORK)
            .timestamp(aws_smithy_types::DateTime::from_secs(1_795_435_200))
            .logical_resource_id(id)
            .resource_type("AWS::EC2::NatGateway")
            .resource_status(status)
            .resource_status_reason(reason)
            .client_request_token(token)
            .build()
    };
    let events = mock!(Client::describe_stack_events).then_compute_output(move |_| {
        let tok = t.lock().unwrap().clone();
        // Newest first, as CloudFormation returns them; the last one belongs to an older operation.
        DescribeStackEventsOutput::builder()
            .stack_events(event(
                "NatA",
                ResourceStatus::CreateFailed,
                "Resource creation cancelled",
                &tok,
            ))
            .stack_events(event(
                "NatB",
                ResourceStatus::CreateFailed,
                "The maximum number of addresses has been reached",
                &tok,
            ))
            .stack_events(event("Vpc", ResourceStatus::CreateComplete, "", &tok))
            .stack_events(event(
                "Old",
                ResourceStatus::CreateFailed,
                "older operation",
                "other",
            ))
            .build()
    });
    let mut rules = vec![boot, network, execute, events];
    rules.extend(change_set_rules(kinds));
    // The scripted execute and events above take precedence over the generic ones.
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, &rules);
    let cloud = cloud(cfn);
    let target = target();
    let plan = engine::plan(&cloud, &target, PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(plan.stacks[1].action, Action::Create);
    assert_eq!(plan.stacks[0].action, Action::NoChange);
    let err = engine::deploy(&cloud, &target, &plan, Arc::new(Quiet))
        .await
        .unwrap_err();
    let DeployError::StackFailed {
        stack,
        status,
        cause,
    } = err
    else {
        panic!("expected a stack failure, got {err}");
    };
    assert_eq!(stack, NETWORK);
    assert_eq!(status, "ROLLBACK_COMPLETE");
    let cause = cause.expect("a root cause");
    assert_eq!(cause.logical_id, "NatB");
    assert!(
        cause
            .reason
            .unwrap()
            .contains("maximum number of addresses")
    );
}

#[tokio::test(start_paused = true)]
async fn a_stack_left_in_rollback_complete_is_deleted_and_created_again() {
    let kinds: Arc<Mutex<Vec<ChangeSetType>>> = Arc::default();
    let (boot, network) = describe_stacks(vec![
        Some(StackStatus::RollbackComplete),
        Some(StackStatus::DeleteInProgress),
        None,
        Some(StackStatus::CreateInProgress),
        Some(StackStatus::CreateComplete),
    ]);
    let delete = mock!(Client::delete_stack)
        .match_requests(|r| r.stack_name() == Some(NETWORK))
        .then_output(|| DeleteStackOutput::builder().build());
    let mut rules = vec![boot, network, delete];
    rules.extend(change_set_rules(kinds.clone()));
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, &rules);
    let cloud = cloud(cfn);
    let target = target();
    let plan = engine::plan(&cloud, &target, PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(
        plan.stacks[1].action,
        Action::Replace {
            status: "ROLLBACK_COMPLETE".into()
        }
    );
    assert!(
        plan.render()
            .contains("deploy deletes it, then creates it again")
    );
    let deployed = engine::deploy(&cloud, &target, &plan, Arc::new(Quiet))
        .await
        .unwrap();
    assert_eq!(rules[2].num_calls(), 1, "the failed stack was deleted once");
    assert_eq!(*kinds.lock().unwrap(), vec![ChangeSetType::Create]);
    assert_eq!(deployed.changed, vec![NETWORK.to_owned()]);
    assert_eq!(
        deployed.stacks[NETWORK].status.as_deref(),
        Some("CREATE_COMPLETE")
    );
}

#[tokio::test(start_paused = true)]
async fn an_update_whose_rollback_failed_is_continued_then_updated() {
    let kinds: Arc<Mutex<Vec<ChangeSetType>>> = Arc::default();
    let (boot, network) = describe_stacks(vec![
        Some(StackStatus::UpdateRollbackFailed),
        Some(StackStatus::UpdateRollbackInProgress),
        Some(StackStatus::UpdateRollbackComplete),
        Some(StackStatus::UpdateInProgress),
        Some(StackStatus::UpdateComplete),
    ]);
    let resume = mock!(Client::continue_update_rollback)
        .match_requests(|r| r.stack_name() == Some(NETWORK))
        .then_output(|| ContinueUpdateRollbackOutput::builder().build());
    let mut rules = vec![boot, network, resume];
    rules.extend(change_set_rules(kinds.clone()));
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, &rules);
    let cloud = cloud(cfn);
    let target = target();
    let plan = engine::plan(&cloud, &target, PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(plan.stacks[1].action, Action::ContinueRollback);
    let deployed = engine::deploy(&cloud, &target, &plan, Arc::new(Quiet))
        .await
        .unwrap();
    assert_eq!(rules[2].num_calls(), 1, "the rollback was continued once");
    assert_eq!(*kinds.lock().unwrap(), vec![ChangeSetType::Update]);
    assert_eq!(
        deployed.stacks[NETWORK].status.as_deref(),
        Some("UPDATE_COMPLETE")
    );
}

#[tokio::test(start_paused = true)]
async fn throttled_calls_are_retried() {
    const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>";
    let network = mock!(Client::describe_stacks)
        .match_requests(|r| r.stack_name() == Some(NETWORK))
        .sequence()
        .http_status(400, Some(THROTTLED.to_owned()))
        .times(2)
        .output(|| {
            DescribeStacksOutput::builder()
                .stacks(stack(NETWORK, StackStatus::CreateComplete))
                .build()
        })
        .build();
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        &[&network],
        |c| c.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
    );
    let observed = cloud(cfn).observe(NETWORK).await.unwrap();
    assert_eq!(observed.status.as_deref(), Some("CREATE_COMPLETE"));
    assert_eq!(
        network.num_calls(),
        3,
        "two throttled attempts, then success"
    );
}

#[tokio::test(start_paused = true)]
async fn throttling_beyond_the_retry_budget_is_reported() {
    const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>";
    let network = mock!(Client::describe_stacks)
        .sequence()
        .http_status(400, Some(THROTTLED.to_owned()))
        .repeatedly()
        .build();
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        &[&network],
        |c| c.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
    );
    let err = cloud(cfn).observe(NETWORK).await.unwrap_err();
    assert_eq!(err.code.as_deref(), Some("Throttling"));
    assert!(err.to_string().contains("Rate exceeded"), "{err}");
    assert_eq!(network.num_calls(), 3);
}
