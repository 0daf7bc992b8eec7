"""Who may upload: the setting's sources and precedence, the password check and the growing delay."""

from __future__ import annotations

import pytest

from tracker.access import (
    OFF,
    OPEN,
    PASSWORD,
    AccessSettingError,
    AttemptCounter,
    failure_delay,
    password_matches,
    upload_policy,
)


def test_uploads_are_open_when_nothing_is_set():
    policy = upload_policy({}, {})
    assert (policy.mode, policy.source) == (OPEN, "default")


def test_environment_wins_over_secrets():
    policy = upload_policy({"TRACKER_UPLOADS": "off"}, {"uploads": "open"})
    assert policy.mode == OFF
    assert "TRACKER_UPLOADS" in policy.source


def test_secrets_setting_is_used_without_environment_and_ignores_case_and_spaces():
    policy = upload_policy({}, {"uploads": " Password ", "editor_password": "s3cret"})
    assert policy.mode == PASSWORD and policy.needs_password
    assert "secrets.toml" in policy.source


def test_password_mode_without_a_password_names_both_ways_to_set_one():
    with pytest.raises(AccessSettingError) as error:
        upload_policy({"TRACKER_UPLOADS": "password"}, {})
    assert "TRACKER_EDITOR_PASSWORD" in str(error.value) and "editor_password" in str(error.value)


def test_unknown_setting_names_the_setting_and_the_choices():
    with pytest.raises(AccessSettingError) as error:
        upload_policy({"TRACKER_UPLOADS": "editors"}, {})
    message = str(error.value)
    assert "TRACKER_UPLOADS" in message and "'editors'" in message and "open, off, password" in message


def test_password_never_appears_in_the_policy_repr():
    policy = upload_policy({"TRACKER_UPLOADS": "password", "TRACKER_EDITOR_PASSWORD": "hunter2"}, {})
    assert "hunter2" not in repr(policy)


def test_password_matches_only_the_exact_password():
    policy = upload_policy({"TRACKER_UPLOADS": "password", "TRACKER_EDITOR_PASSWORD": "Ünïcode pw"}, {})
    assert password_matches(policy, "Ünïcode pw")
    assert not password_matches(policy, "ünïcode pw")
    assert not password_matches(policy, "")


def test_open_policy_has_no_password_to_match():
    assert not password_matches(upload_policy({}, {}), "")


@pytest.mark.parametrize(("failures", "seconds"), [(0, 0), (1, 1), (2, 2), (3, 4), (5, 16), (6, 30), (50, 30)])
def test_delay_doubles_with_each_failure_up_to_thirty_seconds(failures, seconds):
    assert failure_delay(failures) == seconds


def test_counter_waits_longer_after_each_failure_and_resets_on_success():
    policy = upload_policy({"TRACKER_UPLOADS": "password", "TRACKER_EDITOR_PASSWORD": "right"}, {})
    counter, waits = AttemptCounter(), []
    assert not counter.check(policy, "wrong", sleep=waits.append)
    assert not counter.check(policy, "wrong", sleep=waits.append)
    assert not counter.check(policy, "wrong", sleep=waits.append)
    assert counter.check(policy, "right", sleep=waits.append)
    assert counter.check(policy, "right", sleep=waits.append)
    # No wait before the first try; then 1 s, 2 s, 4 s; the success resets it to none.
    assert waits == [0, 1, 2, 4, 0]
    assert counter.failures == 0
