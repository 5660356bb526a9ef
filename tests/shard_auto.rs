//! `audit --shard auto`: the slice taken from an AWS Batch array job's or a Kubernetes
//! Indexed Job's variables, equal to the `--shard I/N` it stands for, and a clear error
//! (exit 2) when no batch system is found.

use crate::util::{xacct_env, Run};

const EXPORTS: &str = "fixtures/audit/exports";
const AUDIT_FILE: &str = "fixtures/audit/audit.json";

/// Every variable `--shard auto` reads, removed, so the tests' own environment does not count.
const CLEAR: [(&str, Option<&str>); 4] = [
    ("AWS_BATCH_JOB_ARRAY_INDEX", None),
    ("AWS_BATCH_JOB_ARRAY_SIZE", None),
    ("JOB_COMPLETION_INDEX", None),
    ("XACCT_SHARD_COUNT", None),
];

fn audit(shard: &str, vars: &[(&str, Option<&str>)]) -> Run {
    let mut env = CLEAR.to_vec();
    env.extend_from_slice(vars);
    xacct_env(
        &[
            "audit",
            EXPORTS,
            "--audit-file",
            AUDIT_FILE,
            "--format",
            "json",
            "-q",
            "--shard",
            shard,
        ],
        &env,
    )
}

#[test]
fn auto_shards_equal_the_slice_they_stand_for() {
    for (i, n) in [(1, 2), (2, 2), (3, 3)] {
        let want = audit(&format!("{i}/{n}"), &[]);
        assert!(want.code <= 1, "{}", want.err);
        let index = (i - 1).to_string();
        let count = n.to_string();
        let batch = audit(
            "auto",
            &[
                ("AWS_BATCH_JOB_ARRAY_INDEX", Some(&index)),
                ("AWS_BATCH_JOB_ARRAY_SIZE", Some(&count)),
            ],
        );
        assert_eq!(
            (batch.code, &batch.out),
            (want.code, &want.out),
            "{}",
            batch.err
        );
        let k8s = audit(
            &format!("auto/{n}"),
            &[("JOB_COMPLETION_INDEX", Some(&index))],
        );
        assert_eq!((k8s.code, &k8s.out), (want.code, &want.out), "{}", k8s.err);
        let k8s_env = audit(
            "auto",
            &[
                ("JOB_COMPLETION_INDEX", Some(&index)),
                ("XACCT_SHARD_COUNT", Some(&count)),
            ],
        );
        assert_eq!(k8s_env.out, want.out, "{}", k8s_env.err);
        let report: serde_json::Value = serde_json::from_str(&k8s_env.out).unwrap();
        assert_eq!(report["shard"]["index"], i);
        assert_eq!(report["shard"]["count"], n);
    }
}

#[test]
fn auto_shards_without_a_batch_system_do_not_run() {
    let none = audit("auto", &[]);
    assert_eq!(none.code, 2);
    assert!(none.out.is_empty());
    assert!(none.err.contains("no batch system found"), "{}", none.err);
    assert!(
        none.err.contains("AWS_BATCH_JOB_ARRAY_INDEX"),
        "{}",
        none.err
    );
    let no_count = audit("auto", &[("JOB_COMPLETION_INDEX", Some("1"))]);
    assert_eq!(no_count.code, 2);
    assert!(
        no_count.err.contains("XACCT_SHARD_COUNT"),
        "{}",
        no_count.err
    );
    let out_of_range = audit(
        "auto",
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", Some("4")),
            ("AWS_BATCH_JOB_ARRAY_SIZE", Some("4")),
        ],
    );
    assert_eq!(out_of_range.code, 2);
    assert!(out_of_range.err.contains("index 4"), "{}", out_of_range.err);
    let disagree = audit(
        "auto/3",
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", Some("0")),
            ("AWS_BATCH_JOB_ARRAY_SIZE", Some("4")),
        ],
    );
    assert_eq!(disagree.code, 2);
    assert!(disagree.err.contains("disagrees"), "{}", disagree.err);
}
