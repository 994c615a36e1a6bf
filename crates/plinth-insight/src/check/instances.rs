//! EC2 instance shapes: vCPUs, memory, architecture and generation of the families plinth's
//! specs and node pools use, and what the kubelet leaves allocatable on them.
//!
//! Sources (read 2026-11-24): the EC2 instance type pages
//! (<https://aws.amazon.com/ec2/instance-types/>), the maximum pods per type from the EKS AMI's
//! `eni-max-pods.txt` (<https://github.com/awslabs/amazon-eks-ami>), and the kubelet
//! reservations EKS AMIs and Bottlerocket apply (CPU: 6% of the first core, 1% of the second,
//! 0.5% of the next two, 0.25% of the rest; memory: 255 MiB + 11 MiB per pod, plus a 100 MiB
//! eviction threshold).

/// One instance type's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// vCPUs.
    pub vcpus: u32,
    /// Memory in MiB.
    pub memory_mib: u32,
    /// Pods the VPC CNI can place on it without prefix delegation.
    pub max_pods: u32,
    /// Whether it is an Arm (Graviton) type.
    pub arm: bool,
    /// Whether it is burstable (CPU credits).
    pub burstable: bool,
}

impl Shape {
    /// CPU the kubelet can hand to pods, in millicores.
    pub fn allocatable_cpu_millis(&self) -> u32 {
        let cores = self.vcpus;
        let mut reserved = 60;
        if cores >= 2 {
            reserved += 10;
        }
        reserved += 5 * cores.saturating_sub(2).min(2);
        reserved += cores.saturating_sub(4) * 5 / 2;
        cores * 1000 - reserved
    }

    /// Memory the kubelet can hand to pods, in MiB.
    pub fn allocatable_memory_mib(&self) -> u32 {
        self.memory_mib
            .saturating_sub(255 + 11 * self.max_pods + 100)
    }
}

/// Families: (family, MiB of memory per vCPU, Arm, generation). Burstable families are below.
const FAMILIES: &[(&str, u32, bool, u32)] = &[
    ("m4", 4096, false, 4),
    ("m5", 4096, false, 5),
    ("m5a", 4096, false, 5),
    ("m6i", 4096, false, 6),
    ("m6a", 4096, false, 6),
    ("m7i", 4096, false, 7),
    ("m7a", 4096, false, 7),
    ("m6g", 4096, true, 6),
    ("m7g", 4096, true, 7),
    ("m8g", 4096, true, 8),
    ("c4", 1920, false, 4),
    ("c5", 2048, false, 5),
    ("c6i", 2048, false, 6),
    ("c7i", 2048, false, 7),
    ("c6g", 2048, true, 6),
    ("c7g", 2048, true, 7),
    ("r4", 7808, false, 4),
    ("r5", 8192, false, 5),
    ("r6i", 8192, false, 6),
    ("r7i", 8192, false, 7),
    ("r6g", 8192, true, 6),
    ("r7g", 8192, true, 7),
    ("i3", 7808, false, 3),
    ("i4i", 8192, false, 4),
];

/// Burstable types: (type, vCPUs, MiB, max pods).
const BURSTABLE: &[(&str, u32, u32, u32)] = &[
    ("t3.small", 2, 2048, 11),
    ("t3.medium", 2, 4096, 17),
    ("t3.large", 2, 8192, 35),
    ("t3.xlarge", 4, 16384, 58),
    ("t3.2xlarge", 8, 32768, 58),
    ("t3a.medium", 2, 4096, 17),
    ("t3a.large", 2, 8192, 35),
    ("t3a.xlarge", 4, 16384, 58),
    ("t3a.2xlarge", 8, 32768, 58),
    ("t2.medium", 2, 4096, 17),
    ("t2.large", 2, 8192, 35),
    ("t4g.medium", 2, 4096, 17),
    ("t4g.large", 2, 8192, 35),
    ("t4g.xlarge", 4, 16384, 58),
];

/// Sizes: (size, vCPUs, max pods).
const SIZES: &[(&str, u32, u32)] = &[
    ("large", 2, 29),
    ("xlarge", 4, 58),
    ("2xlarge", 8, 58),
    ("4xlarge", 16, 234),
    ("8xlarge", 32, 234),
    ("12xlarge", 48, 234),
    ("16xlarge", 64, 737),
];

/// The size names in increasing order, for walking a family's ladder.
pub fn sizes() -> impl Iterator<Item = &'static str> {
    SIZES.iter().map(|(s, _, _)| *s)
}

/// The shape of `instance_type` (e.g. `m7g.large`), when plinth knows it.
pub fn shape(instance_type: &str) -> Option<Shape> {
    if let Some(&(_, vcpus, memory_mib, max_pods)) =
        BURSTABLE.iter().find(|(t, ..)| *t == instance_type)
    {
        return Some(Shape {
            vcpus,
            memory_mib,
            max_pods,
            arm: instance_type.starts_with("t4g"),
            burstable: true,
        });
    }
    let (family, size) = instance_type.split_once('.')?;
    let &(_, per_vcpu, arm, _) = FAMILIES.iter().find(|(f, ..)| *f == family)?;
    let &(_, vcpus, max_pods) = SIZES.iter().find(|(s, ..)| *s == size)?;
    Some(Shape {
        vcpus,
        memory_mib: per_vcpu * vcpus,
        max_pods,
        arm,
        burstable: false,
    })
}

/// The generation of a family (`m5` → 5, `t2` → 2), when it can be read from the name.
pub fn generation(family: &str) -> Option<u32> {
    let digits: String = family
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Whether a family is a previous generation that a current one replaces at a lower price
/// for the same work: families of generation 4 and older (`m4`, `c4`, `r4`, `t2`, `i2`, …),
/// except storage-optimized `i3`, whose successor `i4i` is not cheaper per GiB of NVMe.
pub fn previous_generation(family: &str) -> bool {
    let family = family.strip_prefix("db.").unwrap_or(family);
    if family == "i3" {
        return false;
    }
    match family.chars().next() {
        Some('t') => generation(family).is_some_and(|g| g < 3),
        Some('m' | 'c' | 'r' | 'i' | 'x' | 'z') => generation(family).is_some_and(|g| g <= 4),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_the_instance_type_pages() {
        let m = shape("m6i.xlarge").unwrap();
        assert_eq!((m.vcpus, m.memory_mib, m.arm), (4, 16384, false));
        let r = shape("r7g.2xlarge").unwrap();
        assert_eq!((r.vcpus, r.memory_mib, r.arm), (8, 65536, true));
        assert!(shape("t3.medium").unwrap().burstable);
        assert_eq!(shape("z9.mega"), None);
    }

    #[test]
    fn allocatable_follows_the_eks_reservations() {
        // m6i.xlarge: 4 cores reserve 60 + 10 + 5 + 5 = 80m; 58 pods reserve 255 + 638 + 100.
        let m = shape("m6i.xlarge").unwrap();
        assert_eq!(m.allocatable_cpu_millis(), 3920);
        assert_eq!(m.allocatable_memory_mib(), 16384 - 993);
        // 8 cores add 4 × 2.5m.
        assert_eq!(shape("m6i.2xlarge").unwrap().allocatable_cpu_millis(), 7910);
    }

    #[test]
    fn previous_generations() {
        assert!(previous_generation("m4"));
        assert!(previous_generation("t2"));
        assert!(previous_generation("db.r4"));
        assert!(!previous_generation("t3"));
        assert!(!previous_generation("m5"));
        assert!(!previous_generation("i3"));
        assert!(!previous_generation("db.r6g"));
    }
}
