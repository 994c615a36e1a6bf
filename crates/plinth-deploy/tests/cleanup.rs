//! Destroy's leftover cleanup against scripted AWS answers (`aws-smithy-mocks`): what the
//! controllers tagged for the cluster is found page by page through the Tagging API, deleted
//! through Cloud Control with the request followed to its end, and what cannot be deleted is
//! reported by id and reason.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudcontrol::operation::delete_resource::DeleteResourceOutput;
use aws_sdk_cloudcontrol::operation::get_resource_request_status::GetResourceRequestStatusOutput;
use aws_sdk_cloudcontrol::types::{OperationStatus, ProgressEvent};
use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesOutput;
use aws_sdk_resourcegroupstagging::types::ResourceTagMapping;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use plinth_deploy::cleanup::Cleanup;
use plinth_deploy::engine::{Progress, Reporter};
use plinth_deploy::{Cloud, Target};

/// One Tagging API lookup: resource type filter, `key=value` tag filter, pagination token.
type Lookup = (String, String, Option<String>);

#[derive(Default)]
struct Notes(Mutex<Vec<String>>);

impl Reporter for Notes {
    fn report(&self, p: Progress) {
        if let Progress::Note(n) = p {
            self.0.lock().unwrap().push(n);
        }
    }
}

fn target() -> Target {
    let spec = include_str!("../../../examples/druid-lean/plinth.yaml");
    let platform = plinth_spec::load(spec)
        .platform
        .expect("the example is valid");
    Target::new(&plinth_synth::synth(&platform))
}

fn mapping(arn: &str) -> ResourceTagMapping {
    ResourceTagMapping::builder().resource_arn(arn).build()
}

fn event(token: &str, status: OperationStatus, message: Option<&str>) -> ProgressEvent {
    ProgressEvent::builder()
        .request_token(token)
        .operation_status(status)
        .set_status_message(message.map(str::to_owned))
        .build()
}

#[tokio::test(start_paused = true)]
async fn leftovers_tagged_for_the_cluster_are_deleted_and_failures_reported() {
    let target = target();
    let cluster = target
        .cluster_name
        .clone()
        .expect("the example has a cluster");
    let filters: Arc<Mutex<Vec<Lookup>>> = Arc::default();
    let seen = filters.clone();
    let groups = mock!(aws_sdk_resourcegroupstagging::Client::get_resources)
        .match_requests(move |r| {
            let f = &r.tag_filters()[0];
            seen.lock().unwrap().push((
                r.resource_type_filters()[0].clone(),
                format!("{}={}", f.key().unwrap(), f.values()[0]),
                r.pagination_token().map(str::to_owned),
            ));
            r.resource_type_filters() == ["ec2:security-group"]
        })
        .sequence()
        .output(|| {
            GetResourcesOutput::builder()
                .resource_tag_mapping_list(mapping(
                    "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0aaa",
                ))
                .pagination_token("page-2")
                .build()
        })
        .output(|| {
            GetResourcesOutput::builder()
                .resource_tag_mapping_list(mapping(
                    "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0bbb",
                ))
                .pagination_token("")
                .build()
        })
        .build();
    let seen = filters.clone();
    let interfaces = mock!(aws_sdk_resourcegroupstagging::Client::get_resources)
        .match_requests(move |r| {
            let f = &r.tag_filters()[0];
            seen.lock().unwrap().push((
                r.resource_type_filters()[0].clone(),
                format!("{}={}", f.key().unwrap(), f.values()[0]),
                r.pagination_token().map(str::to_owned),
            ));
            r.resource_type_filters() == ["ec2:network-interface"]
        })
        .then_output(|| GetResourcesOutput::builder().build());
    let delete_a = mock!(aws_sdk_cloudcontrol::Client::delete_resource)
        .match_requests(|r| {
            r.identifier() == Some("sg-0aaa") && r.type_name() == Some("AWS::EC2::SecurityGroup")
        })
        .then_output(|| {
            DeleteResourceOutput::builder()
                .progress_event(event("t-a", OperationStatus::InProgress, None))
                .build()
        });
    let delete_b = mock!(aws_sdk_cloudcontrol::Client::delete_resource)
        .match_requests(|r| r.identifier() == Some("sg-0bbb"))
        .then_output(|| {
            DeleteResourceOutput::builder()
                .progress_event(event("t-b", OperationStatus::Pending, None))
                .build()
        });
    let status_a = mock!(aws_sdk_cloudcontrol::Client::get_resource_request_status)
        .match_requests(|r| r.request_token() == Some("t-a"))
        .sequence()
        .output(|| {
            GetResourceRequestStatusOutput::builder()
                .progress_event(event("t-a", OperationStatus::InProgress, None))
                .build()
        })
        .output(|| {
            GetResourceRequestStatusOutput::builder()
                .progress_event(event("t-a", OperationStatus::Success, None))
                .build()
        })
        .build();
    let status_b = mock!(aws_sdk_cloudcontrol::Client::get_resource_request_status)
        .match_requests(|r| r.request_token() == Some("t-b"))
        .then_output(|| {
            GetResourceRequestStatusOutput::builder()
                .progress_event(event(
                    "t-b",
                    OperationStatus::Failed,
                    Some("resource sg-0bbb has a dependent object"),
                ))
                .build()
        });
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&groups, &interfaces]
    );
    let cloudcontrol = mock_client!(
        aws_sdk_cloudcontrol,
        RuleMode::MatchAny,
        &[&delete_a, &delete_b, &status_a, &status_b]
    );
    let cloud = cloud(tagging, cloudcontrol);
    let notes = Arc::new(Notes::default());
    let cleanup = Cleanup::new(&cloud, &target, &[], notes.clone());

    cleanup.before_delete("network").await;

    let notes = notes.0.lock().unwrap().clone();
    assert_eq!(
        notes,
        [
            "deleted leftover AWS::EC2::SecurityGroup sg-0aaa",
            "could not delete AWS::EC2::SecurityGroup sg-0bbb: resource sg-0bbb has a dependent object",
        ]
    );
    let filters = filters.lock().unwrap().clone();
    assert_eq!(
        filters[..2],
        [
            (
                "ec2:security-group".to_owned(),
                format!("elbv2.k8s.aws/cluster={cluster}"),
                None
            ),
            (
                "ec2:security-group".to_owned(),
                format!("elbv2.k8s.aws/cluster={cluster}"),
                Some("page-2".to_owned())
            ),
        ]
    );
    assert_eq!(
        filters.last().unwrap().1,
        format!("cluster.k8s.amazonaws.com/name={cluster}")
    );
    assert_eq!(status_a.num_calls(), 2, "followed until SUCCESS");
}

#[tokio::test(start_paused = true)]
async fn other_stacks_and_a_failed_lookup_touch_nothing_but_say_so() {
    let lookup =
        mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
                aws_smithy_types::body::SdkBody::from(
                    r#"{"__type":"AccessDeniedException","Message":"not allowed"}"#,
                ),
            )
        });
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&lookup]
    );
    let cloudcontrol = mock_client!(aws_sdk_cloudcontrol, RuleMode::MatchAny, &[]);
    let cloud = cloud(tagging, cloudcontrol);
    let notes = Arc::new(Notes::default());
    let cleanup = Cleanup::new(&cloud, &target(), &[], notes.clone());

    cleanup.before_delete("data").await;
    assert_eq!(lookup.num_calls(), 0);

    cleanup.before_delete("network").await;
    let notes = notes.0.lock().unwrap().clone();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with("could not look for leftovers tagged elbv2.k8s.aws/cluster"),
        "{notes:?}"
    );
    assert!(notes[0].contains("not allowed"), "{notes:?}");
}

fn cloud(
    tagging: aws_sdk_resourcegroupstagging::Client,
    cloudcontrol: aws_sdk_cloudcontrol::Client,
) -> Cloud {
    let region = aws_config::Region::new("eu-west-1");
    let behavior = aws_config::BehaviorVersion::latest();
    Cloud {
        cfn: aws_sdk_cloudformation::Client::from_conf(
            aws_sdk_cloudformation::Config::builder()
                .behavior_version(behavior)
                .region(region.clone())
                .build(),
        ),
        s3: aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(behavior)
                .region(region.clone())
                .build(),
        ),
        sts: aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(behavior)
                .region(region)
                .build(),
        ),
        tagging,
        cloudcontrol,
        kafka: aws_sdk_kafka::Client::from_conf(
            aws_sdk_kafka::Config::builder()
                .behavior_version(behavior)
                .region(aws_config::Region::new("eu-west-1"))
                .build(),
        ),
        region: "eu-west-1".to_owned(),
        poll: Duration::from_secs(5),
        credentials: None,
    }
}
