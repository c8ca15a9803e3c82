use super::*;

#[test]
fn parses_rules() {
    let r: FaultRule = "error=503,rate=0.25,verbs=create|patch,resources=widgets|pods,times=3"
        .parse()
        .unwrap();
    assert_eq!(r.action, FaultAction::Status(503));
    assert_eq!(r.rate, 0.25);
    assert_eq!(r.verbs, vec![Verb::Create, Verb::Patch]);
    assert_eq!(r.times, Some(3));
    assert_eq!(
        "latency=150ms".parse::<FaultRule>().unwrap().action,
        FaultAction::Latency(Duration::from_millis(150))
    );
    assert_eq!(
        "drop-watch=2".parse::<FaultRule>().unwrap().action,
        FaultAction::DropWatch(2)
    );
    for bad in [
        "",
        "error=418",
        "rate=2,error=500",
        "error=500,latency=1s",
        "verbs=fly,error=500",
        "bogus=1",
    ] {
        assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
    }
}

#[test]
fn decisions_are_deterministic_under_a_seed() {
    let faults = Faults {
        seed: 7,
        rules: vec!["error=500,rate=0.5".parse().unwrap()],
    };
    let run = || {
        let inj = FaultInjector::new(&faults);
        (0..64)
            .map(|_| inj.decide(Verb::Get, "pods", "pods", None).error.is_some())
            .collect::<Vec<_>>()
    };
    let a = run();
    assert_eq!(a, run());
    let hits = a.iter().filter(|h| **h).count();
    assert!((16..=48).contains(&hits), "{hits}");
}

#[test]
fn filters_and_times() {
    let faults = Faults {
        seed: 1,
        rules: vec![
            "error=409,verbs=update,resources=widgets.example.com,times=2"
                .parse()
                .unwrap(),
        ],
    };
    let inj = FaultInjector::new(&faults);
    assert!(
        inj.decide(Verb::Get, "widgets", "widgets.example.com", None)
            .error
            .is_none()
    );
    assert!(
        inj.decide(Verb::Update, "pods", "pods", None)
            .error
            .is_none()
    );
    assert_eq!(
        inj.decide(Verb::Update, "widgets", "widgets.example.com", Some("p"))
            .error
            .unwrap()
            .code,
        409
    );
    assert!(
        inj.decide(Verb::Update, "widgets", "widgets.example.com", None)
            .error
            .is_some()
    );
    assert!(
        inj.decide(Verb::Update, "widgets", "widgets.example.com", None)
            .error
            .is_none()
    );
    let w = FaultInjector::new(&Faults {
        seed: 1,
        rules: vec!["drop-watch=3".parse().unwrap()],
    });
    assert!(w.decide(Verb::List, "pods", "pods", None).watch.is_none());
    assert_eq!(
        w.decide(Verb::Watch, "pods", "pods", None).watch,
        Some(WatchFault {
            after_events: 3,
            abort: false
        })
    );
}
