use super::*;

const OK: &str = "- name: Successful-hook\n  hosts: localhost\n  tasks:\n  - name: Success task\n    debug:\n      msg: \"Hook executed successfully\"\n";
const FAIL: &str = "- name: Failing-post-migration\n  hosts: localhost\n  tasks:\n  - name: Task that will fail\n    fail:\n      msg: \"This hook is designed to fail for testing purposes\"\n";

#[test]
fn debug_succeeds_and_logs() {
    let r = run(OK);
    assert_eq!(r.exit_code, 0, "{}", r.log);
    assert!(r.log.contains("PLAY [Successful-hook]"));
    assert!(r.log.contains("\"msg\": \"Hook executed successfully\""));
    assert!(r.log.contains("failed=0"));
}

#[test]
fn fail_fails() {
    let r = run(FAIL);
    assert_eq!(r.exit_code, 2);
    assert!(r.log.contains("fatal: [localhost]: FAILED!"));
    assert!(r.log.contains("This hook is designed to fail"));
    assert!(r.log.contains("failed=1"));
}

#[test]
fn assert_when_set_fact_and_unknown_modules() {
    let pb = "- hosts: localhost\n  gather_facts: false\n  vars:\n    x: 3\n  tasks:\n  - set_fact:\n      y: 4\n  - ansible.builtin.command: echo hi\n  - name: skipped\n    debug: {msg: no}\n    when: x > 5\n  - ansible.builtin.assert:\n      that:\n        - x + y == 7\n        - y > x\n";
    let r = run(pb);
    assert_eq!(r.exit_code, 0, "{}", r.log);
    assert!(r.log.contains("skipped (emulated)"));
    assert!(r.log.contains("skipping: [localhost]"));
    let bad =
        "- hosts: localhost\n  tasks:\n  - assert:\n      that: 1 == 2\n      fail_msg: nope\n";
    let r = run(bad);
    assert_eq!(r.exit_code, 2);
    assert!(r.log.contains("\"evaluated_to\":false"), "{}", r.log);
    assert!(r.log.contains("nope"));
    assert_eq!(run("not: [a, list").exit_code, 4);
    assert_eq!(run("{}").exit_code, 4);
}
