//! Tests that parsing services on first use is invisible: every embedded service parses,
//! and a catalogue read lazily answers every question about every service, action,
//! resource type and condition key exactly as one parsed wholly up front.

use super::*;

/// The embedded data and overlay with every service parsed before the overlay is merged.
fn eager() -> Catalog {
    let c = Catalog::from_json(DATA).expect("data");
    c.parse_all().expect("every service parses");
    c.with_overlay(OVERLAY).expect("overlay")
}

fn ids(v: Vec<(&Service, &Action)>) -> Vec<String> {
    v.iter().map(|(s, a)| a.full_name() + &s.name).collect()
}

#[test]
fn every_embedded_service_parses() {
    let c = catalog().expect("embedded data");
    c.parse_all().expect("every service parses");
    assert_eq!(c.services().count(), c.services.len());
    assert!(c.services.len() > 400);
    assert!(catalog().is_ok());
}

#[test]
fn lazy_answers_like_eager() {
    let eager = eager();
    let lazy = Catalog::from_json(DATA)
        .expect("data")
        .with_overlay(OVERLAY)
        .expect("overlay");
    // Nothing is parsed up front, not even what the overlay adds to.
    let parsed = lazy
        .services
        .iter()
        .filter(|s| s.built.get().is_some())
        .count();
    assert_eq!(parsed, 0);
    assert!(lazy.services.iter().any(|s| !s.patches.is_empty()));
    assert!(lazy
        .services
        .iter()
        .any(|s| s.prefix == "s3" && s.built.get().is_none()));

    assert_eq!(lazy.source(), eager.source());
    assert!(lazy
        .global_condition_keys()
        .eq(eager.global_condition_keys()));
    assert_eq!(lazy.unassociated, eager.unassociated);
    assert!(lazy.overlay_services().eq(eager.overlay_services()));
    assert!(lazy.overlay_actions().eq(eager.overlay_actions()));

    let (mut actions, mut types, mut keys) = (0, 0, 0);
    // Backwards, so that no service is parsed in the data's order, each first reached by
    // the look-up of one of its actions.
    let services: Vec<&Service> = eager.services().collect();
    assert_eq!(services.len(), lazy.services.len());
    for e in services.iter().rev() {
        let p = &e.prefix;
        let first = e.actions().next().map(|a| a.name.to_uppercase());
        if let Some(name) = first {
            let (s, a) = lazy
                .action(&format!("{}:{name}", p.to_uppercase()))
                .expect("action");
            assert_eq!(
                (s.prefix.as_str(), a),
                (p.as_str(), e.action(&name).expect("eager"))
            );
        }
        let l = lazy.service(p).expect("service");
        assert!(std::ptr::eq(
            l,
            lazy.service(&p.to_uppercase()).expect("service")
        ));
        assert_eq!((&l.prefix, &l.name), (&e.prefix, &e.name));
        assert!(l.actions().eq(e.actions()), "{p}");
        assert!(l.resource_types().eq(e.resource_types()), "{p}");
        assert!(l.condition_keys().eq(e.condition_keys()), "{p}");
        assert_eq!(lazy.service_origin(p), eager.service_origin(p));
        for a in e.actions() {
            actions += 1;
            let full = a.full_name();
            for name in [full.clone(), full.to_lowercase(), full.to_uppercase()] {
                let pick =
                    |c: &Catalog| c.action(&name).map(|(s, a)| (s.prefix.clone(), a.clone()));
                assert_eq!(pick(&lazy), pick(&eager), "{name}");
                assert_eq!(
                    lazy.action_origin(&name),
                    eager.action_origin(&name),
                    "{name}"
                );
            }
            for r in &a.resource_types {
                assert_eq!(l.resource_type_of(r), e.resource_type_of(r), "{full}");
            }
            for k in a
                .condition_keys
                .iter()
                .chain(a.resource_type_condition_keys())
            {
                assert!(l
                    .action(&a.name)
                    .is_some_and(|x| x.supports_condition_key(k)));
            }
        }
        for t in e.resource_types() {
            types += 1;
            for name in [t.name.clone(), t.name.to_uppercase()] {
                assert_eq!(l.resource_type(&name), e.resource_type(&name), "{p} {name}");
            }
            for f in &t.arn_formats {
                let names = |s: &Service| -> Vec<String> {
                    s.resource_types_matching(f)
                        .map(|t| t.name.clone())
                        .collect()
                };
                assert_eq!(names(l), names(e), "{f}");
            }
        }
        for k in e.condition_keys() {
            keys += 1;
            for name in [k.name.clone(), k.name.to_lowercase()] {
                assert_eq!(l.condition_key(&name), e.condition_key(&name), "{name}");
                assert_eq!(
                    lazy.condition_key(&name),
                    eager.condition_key(&name),
                    "{name}"
                );
            }
        }
        for pat in [format!("{p}:*"), format!("{p}:Get*"), format!("{p}:?ist*")] {
            assert_eq!(
                ids(lazy.matching_actions(&pat)),
                ids(eager.matching_actions(&pat))
            );
        }
    }
    for k in eager.global_condition_keys() {
        assert_eq!(lazy.condition_key(&k.name), eager.condition_key(&k.name));
    }
    for pat in ["*", "*:*", "s3*:Get*Tagging", "?c?:Describe*", "nosuch:*"] {
        assert_eq!(
            ids(lazy.matching_actions(pat)),
            ids(eager.matching_actions(pat)),
            "{pat}"
        );
    }
    assert!(
        actions > 20_000 && types > 2_000 && keys > 2_000,
        "{actions} {types} {keys}"
    );
    assert!(lazy
        .services
        .iter()
        .all(|s| matches!(s.built.get(), Some(Ok(_)))));
    assert!(lazy.usable().is_ok());
}

#[test]
fn parsed_once_across_threads() {
    let c = Catalog::from_json(DATA).expect("data");
    let c = &c;
    let seen: Vec<Vec<usize>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(move || {
                    ["ec2", "s3", "kms", "iam", "sagemaker"]
                        .iter()
                        .map(|p| c.service(p).map_or(0, |s| std::ptr::from_ref(s) as usize))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert!(seen[0].iter().all(|&p| p != 0));
    assert!(seen.iter().all(|s| *s == seen[0]));
}
