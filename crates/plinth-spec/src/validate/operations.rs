//! Checks of the day-2 operations options: AWS Backup (`backup`), the Session Manager
//! bastion (`cluster.access.bastion`) and the shared EFS file system (`storage.efs`).
//!
//! A backup schedule is an AWS cron expression, read field by field the way AWS documents it
//! (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions>),
//! so a typo is reported at deploy time by nobody but here.

use super::{Cx, instance_arch};
use crate::model::{AwsTarget, Backup, BackupCopy, Bastion, Efs, EfsThroughputMode};
use crate::raw::{self, EndpointAccess, RawSpec};

/// Instance type of the bastion when the spec names none: Graviton, 1 GiB, enough for the
/// SSM agent and a port forward.
const DEFAULT_BASTION_INSTANCE_TYPE: &str = "t4g.micro";
/// AWS Backup keeps a recovery point in cold storage at least this many days
/// (<https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html>).
const COLD_STORAGE_MINIMUM_DAYS: u32 = 90;
/// The longest retention AWS Backup accepts, 100 years.
const MAX_RETENTION_DAYS: u32 = 36_500;
/// The days EFS accepts for moving files to Infrequent Access (`AFTER_N_DAYS`,
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-efs-filesystem-lifecyclepolicy.html>).
const EFS_IA_DAYS: [u32; 9] = [1, 7, 14, 30, 60, 90, 180, 270, 365];
/// Days before a file moves to Infrequent Access when the spec names none.
const DEFAULT_EFS_IA_DAYS: u32 = 30;
/// The EKS addon that mounts EFS file systems into pods.
const EFS_CSI_ADDON: &str = "aws-efs-csi-driver";

impl Cx<'_> {
    /// Validates `backup`.
    pub(super) fn backup(&mut self, b: &raw::Backup, aws: &AwsTarget, raw: &RawSpec) -> Backup {
        let at = "/backup";
        let schedule = strip_cron(b.schedule.trim()).to_owned();
        if let Err(problem) = check_cron(&schedule) {
            self.error(
                "spec::invalid-schedule",
                &format!("{at}/schedule"),
                format!("`{}` is not an AWS Backup schedule: {problem}", b.schedule),
            )
            .help = Some(
                "six fields in UTC: minutes hours day-of-month month day-of-week year, one of the two day fields `?`, e.g. `0 3 * * ? *` (daily at 03:00)".into(),
            );
        }
        if !(1..=MAX_RETENTION_DAYS).contains(&b.retention_days) {
            self.error(
                "spec::invalid-retention",
                &format!("{at}/retentionDays"),
                format!(
                    "backup retention of {} days is outside 1 to {MAX_RETENTION_DAYS}",
                    b.retention_days
                ),
            );
        }
        if let Some(cold) = b.cold_storage_after_days {
            if cold == 0 {
                self.error(
                    "spec::invalid-retention",
                    &format!("{at}/coldStorageAfterDays"),
                    "recovery points cannot move to cold storage after 0 days",
                );
            } else if b.retention_days < cold.saturating_add(COLD_STORAGE_MINIMUM_DAYS) {
                self.error(
                    "spec::cold-storage-too-short",
                    &format!("{at}/retentionDays"),
                    format!(
                        "recovery points move to cold storage after {cold} days, so they must be kept at least {} days, not {}",
                        cold.saturating_add(COLD_STORAGE_MINIMUM_DAYS),
                        b.retention_days
                    ),
                )
                .help = Some(format!(
                    "AWS Backup keeps a recovery point in cold storage at least {COLD_STORAGE_MINIMUM_DAYS} days: raise retentionDays or drop coldStorageAfterDays"
                ));
            }
        }
        let copy_to = b.copy_to.as_ref().map(|c| {
            let p = format!("{at}/copyTo");
            self.vault_arn(&format!("{p}/vaultArn"), &c.vault_arn, aws);
            let retention_days = c.retention_days.unwrap_or(b.retention_days);
            if !(1..=MAX_RETENTION_DAYS).contains(&retention_days) {
                self.error(
                    "spec::invalid-retention",
                    &format!("{p}/retentionDays"),
                    format!(
                        "copy retention of {retention_days} days is outside 1 to {MAX_RETENTION_DAYS}"
                    ),
                );
            }
            BackupCopy {
                vault_arn: c.vault_arn.clone(),
                retention_days,
            }
        });
        let druid = raw.workloads.as_ref().is_some_and(|w| w.druid.is_some());
        if !raw.cluster.addons.contains_key("aws-ebs-csi-driver") && !druid {
            self.warning(
                "spec::nothing-to-back-up",
                at,
                "nothing carries the backup tag: there is no database and no EBS CSI driver making volumes",
            )
            .help = Some(
                "add the `aws-ebs-csi-driver` addon, or drop `backup` until there is data".into(),
            );
        }
        Backup {
            schedule,
            retention_days: b.retention_days,
            cold_storage_after_days: b.cold_storage_after_days,
            copy_to,
        }
    }

    /// Validates `storage.efs`: the CSI driver addon that mounts it, and a lifecycle EFS
    /// accepts.
    pub(super) fn efs(&mut self, e: &raw::Efs, raw: &RawSpec) -> Efs {
        let at = "/storage/efs";
        if !raw.cluster.addons.contains_key(EFS_CSI_ADDON) {
            self.error(
                "spec::efs-without-addon",
                at,
                "an EFS file system needs the aws-efs-csi-driver addon to be mounted in pods",
            )
            .help = Some(
                "add it to cluster.addons, e.g. `aws-efs-csi-driver: v3.3.0-eksbuild.1` (`aws eks describe-addon-versions --addon-name aws-efs-csi-driver` lists them)".into(),
            );
        }
        let days = e.transition_to_ia_days.unwrap_or(DEFAULT_EFS_IA_DAYS);
        if !EFS_IA_DAYS.contains(&days) {
            self.error(
                "spec::invalid-value",
                &format!("{at}/transitionToIaDays"),
                format!("EFS cannot move files to Infrequent Access after {days} days"),
            )
            .help = Some("one of 1, 7, 14, 30, 60, 90, 180, 270 or 365".into());
        }
        Efs {
            throughput_mode: e.throughput_mode.unwrap_or(EfsThroughputMode::Elastic),
            transition_to_ia_days: days,
        }
    }

    /// Validates `cluster.access.bastion`.
    pub(super) fn bastion(&mut self, b: &raw::Bastion, endpoint: EndpointAccess) -> Bastion {
        let at = "/cluster/access/bastion";
        let instance_type = b
            .instance_type
            .clone()
            .unwrap_or_else(|| DEFAULT_BASTION_INSTANCE_TYPE.to_owned());
        let arch = instance_arch(&instance_type).unwrap_or_else(|| {
            self.error(
                "spec::invalid-instance-type",
                &format!("{at}/instanceType"),
                format!("`{instance_type}` is not an EC2 instance type"),
            )
            .help = Some("e.g. `t4g.micro` or `t3.micro`".into());
            crate::model::Arch::Arm64
        });
        if endpoint == EndpointAccess::Public {
            self.warning(
                "spec::bastion-without-private-endpoint",
                at,
                "the API server has no private endpoint, so the bastion cannot forward to it",
            )
            .help = Some("set cluster.endpointAccess to `private` or `publicAndPrivate`".into());
        }
        Bastion {
            instance_type,
            arch,
        }
    }

    fn vault_arn(&mut self, p: &str, arn: &str, aws: &AwsTarget) {
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let name_ok = |n: &str| {
            (2..=50).contains(&n.len())
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let ok = parts.len() == 7
            && parts[0] == "arn"
            && parts[1] == aws.partition.as_str()
            && parts[2] == "backup"
            && !parts[3].is_empty()
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && parts[5] == "backup-vault"
            && name_ok(parts[6]);
        if !ok {
            self.error(
                "spec::invalid-arn",
                p,
                format!("`{arn}` is not a backup vault ARN"),
            )
            .help = Some(format!(
                "expected arn:{}:backup:REGION:ACCOUNT:backup-vault:NAME",
                aws.partition.as_str()
            ));
            return;
        }
        if self.region_known
            && self.account_valid
            && parts[3] == aws.region
            && parts[4] == aws.account
        {
            self.warning(
                "spec::copy-in-same-region",
                p,
                format!(
                    "the copy stays in {} and this account, so it shares their fate",
                    aws.region
                ),
            )
            .help = Some("copy to a vault in another region or a separate backup account".into());
        }
    }
}

/// `cron(…)` → `…`; anything else unchanged.
fn strip_cron(s: &str) -> &str {
    s.strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .map_or(s, str::trim)
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Checks a six-field AWS cron expression; the error says which field is wrong.
fn check_cron(expr: &str) -> Result<(), String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let [minutes, hours, dom, month, dow, year] = fields[..] else {
        return Err(format!("it has {} fields, not 6", fields.len()));
    };
    // AWS Backup runs a rule at most once an hour.
    if minutes.parse::<u32>().map_or(true, |m| m > 59) {
        return Err(format!(
            "minutes must be one value from 0 to 59 (backups run at most hourly), not `{minutes}`"
        ));
    }
    let checks: [(&str, &str, u32, u32, &[&str]); 4] = [
        ("hours", hours, 0, 23, &[]),
        ("month", month, 1, 12, &MONTHS),
        ("year", year, 1970, 2199, &[]),
        ("day-of-month", dom, 1, 31, &[]),
    ];
    for (name, value, lo, hi, names) in checks {
        let special = name == "day-of-month"
            && (value == "?"
                || value == "L"
                || value == "LW"
                || value
                    .strip_suffix('W')
                    .is_some_and(|d| in_range(d, 1, 31, &[])));
        if !special && !list_ok(value, lo, hi, names) {
            return Err(format!("{name} `{value}` is out of range or malformed"));
        }
    }
    let dow_ok = dow == "?"
        || dow
            .strip_suffix('L')
            .is_some_and(|d| in_range(d, 1, 7, &DAYS))
        || dow.split_once('#').is_some_and(|(d, n)| {
            in_range(d, 1, 7, &DAYS) && n.parse::<u32>().is_ok_and(|n| (1..=5).contains(&n))
        })
        || list_ok(dow, 1, 7, &DAYS);
    if !dow_ok {
        return Err(format!("day-of-week `{dow}` is out of range or malformed"));
    }
    if (dom == "?") == (dow == "?") {
        return Err("exactly one of day-of-month and day-of-week must be `?`".into());
    }
    Ok(())
}

/// A comma-separated list of `*`, values, ranges and `/` steps.
fn list_ok(field: &str, lo: u32, hi: u32, names: &[&str]) -> bool {
    field.split(',').all(|item| {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (item, None),
        };
        let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s >= 1 && s <= hi));
        let base_ok = base == "*"
            || match base.split_once('-') {
                Some((a, b)) => in_range(a, lo, hi, names) && in_range(b, lo, hi, names),
                None => in_range(base, lo, hi, names),
            };
        step_ok && base_ok
    })
}

/// One value, numeric or named (`JAN`, `MON`; names count from `lo`).
fn in_range(v: &str, lo: u32, hi: u32, names: &[&str]) -> bool {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(v)) {
        return u32::try_from(i).is_ok();
    }
    v.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::{check_cron, strip_cron};

    #[test]
    fn cron_expressions_from_the_aws_documentation_are_accepted() {
        for ok in [
            "0 3 * * ? *",
            "0 5 ? * MON-FRI *",
            "15 10 ? * 6L 2026-2030",
            "0 0/4 * * ? *",
            "0 8 1 * ? *",
            "0 2 ? * 3#2 *",
            "30 1 L * ? *",
            "0 12 15W JAN,JUL ? *",
        ] {
            assert_eq!(check_cron(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn malformed_cron_expressions_name_their_field() {
        for (bad, field) in [
            ("0 3 * * *", "fields"),
            ("*/5 3 * * ? *", "minutes"),
            ("0 24 * * ? *", "hours"),
            ("0 3 32 * ? *", "day-of-month"),
            ("0 3 * 13 ? *", "month"),
            ("0 3 ? * FUNDAY *", "day-of-week"),
            ("0 3 * * * *", "exactly one"),
            ("0 3 ? * ? *", "exactly one"),
            ("0 3 * * ? 1800", "year"),
        ] {
            let err = check_cron(bad).expect_err(bad);
            assert!(err.contains(field), "{bad}: {err}");
        }
    }

    #[test]
    fn the_cron_wrapper_is_optional() {
        assert_eq!(strip_cron("cron(0 3 * * ? *)"), "0 3 * * ? *");
        assert_eq!(strip_cron("0 3 * * ? *"), "0 3 * * ? *");
    }
}
