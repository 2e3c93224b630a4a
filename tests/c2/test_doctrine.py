"""Fire policies on small cases where the right answer is obvious."""

from __future__ import annotations

import pytest

from samsim.c2.doctrine import FIRE_POLICIES, Engagement, SalvoDoctrine, fire_policy, policy

TWO = SalvoDoctrine(salvo=2, kill_assessment_s=5.0)


def test_registry_holds_the_scenario_names() -> None:
    assert set(FIRE_POLICIES) >= {"shoot-look-shoot", "shoot-shoot"}
    with pytest.raises(ValueError, match="unknown fire policy 'shoot-pray'.*shoot-look-shoot"):
        policy("shoot-pray")
    with pytest.raises(ValueError, match="already registered"):
        fire_policy("shoot-shoot")(lambda e, d, t, u: True)


def test_shoot_look_shoot_waits_for_the_salvo_the_assessment_and_a_new_look() -> None:
    rule = policy("shoot-look-shoot")
    flying = Engagement(in_flight=2, salvos=1, last_end_s=-1.0)
    assert not rule(flying, TWO, 100.0, 99.0)
    ended = Engagement(in_flight=0, salvos=1, last_end_s=100.0)
    assert not rule(ended, TWO, 104.9, 104.0)  # kill assessment not over
    assert not rule(ended, TWO, 105.0, 99.0)  # not seen since the intercept: assessed destroyed
    assert rule(ended, TWO, 105.0, 101.0)  # seen again after the assessment: re-engage


def test_shoot_shoot_fires_a_second_salvo_while_the_first_flies_but_keeps_two_in_the_air() -> None:
    rule = policy("shoot-shoot")
    assert rule(Engagement(in_flight=2, salvos=1), TWO, 0.0, 0.0)  # second salvo allowed
    assert not rule(Engagement(in_flight=4, salvos=2), TWO, 0.0, 0.0)  # two salvos in the air
    # one salvo ended and one flies: a third may follow
    assert rule(Engagement(in_flight=2, salvos=2), TWO, 0.0, 0.0)
    # a salvo of one: never more than two missiles in the air at the track
    one = SalvoDoctrine(salvo=1, kill_assessment_s=5.0)
    assert rule(Engagement(in_flight=1, salvos=1), one, 0.0, 0.0)
    assert not rule(Engagement(in_flight=2, salvos=2), one, 0.0, 0.0)
