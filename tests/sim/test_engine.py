"""The engine's compiled bookkeeping against the Python it replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import samsim
from samsim.sim.engine import _NO_LABEL, Engine, _first_firm, _relabel
from samsim.sim.world import compile_world

ROOT = Path(__file__).resolve().parents[2]


def _relabel_reference(label: dict[int, int], track_of: list[int], truth: list[int]) -> tuple[bool, bool]:
    """The engine's loop before :func:`_relabel`: a track follows the last threat that updated it;
    false alarms and false targets set a label only on a track that has none."""
    any_real = relabelled = False
    for track_id, threat in zip(track_of, truth, strict=True):
        if track_id < 0:
            continue
        if threat >= 0:
            if label.get(track_id) != threat:
                label[track_id] = threat
                relabelled = True
            any_real = True
        else:
            label.setdefault(track_id, threat)
    return any_real, relabelled


def test_relabel_gives_the_dict_loops_labels_order_relabels_and_first_firm_times() -> None:
    rng = np.random.default_rng(7)
    expected: dict[int, int] = {}
    label: dict[int, int] = {}
    labels = np.full(2048, _NO_LABEL, dtype=np.int64)
    changed = np.empty(256, dtype=np.int64)
    first_ref, first = np.full(12, np.inf), np.full(12, np.inf)
    next_id = 0
    for step in range(300):
        t = float(step)
        n = int(rng.integers(0, 12))
        # measurements on old and new tracks (some twice), on none (-1), of threats and false ones
        track_of = rng.integers(max(0, next_id - 20), next_id + 4, n).astype(np.int64)
        track_of[rng.random(n) < 0.2] = -1
        next_id = max(next_id, int(track_of.max(initial=-1)) + 1)
        truth = rng.integers(-3, 12, n).astype(np.int64)
        firm_ids = np.arange(max(0, next_id - 20), next_id, dtype=np.int64)
        firm = rng.random(firm_ids.size) < 0.5
        any_real, relabelled_ref = _relabel_reference(expected, track_of.tolist(), truth.tolist())
        if any_real:
            _first_firm(firm_ids, firm, track_of, truth, first_ref, t)
        n_changed, relabelled = _relabel(track_of, truth, labels, changed, firm_ids, firm, first, t)
        ids = changed[:n_changed]
        for track_id, threat in zip(ids.tolist(), labels[ids].tolist(), strict=True):
            label[track_id] = threat
        assert relabelled == relabelled_ref
        assert list(label.items()) == list(expected.items())  # insertion order too
        np.testing.assert_array_equal(first, first_ref)
        # drop a few tracks: gone from the dict and the array alike (the engine's forget)
        for track_id in rng.choice(next_id, size=min(2, next_id), replace=False).tolist() if next_id else []:
            expected.pop(track_id, None)
            label.pop(track_id, None)
            labels[track_id] = _NO_LABEL
    mirror = {i: int(v) for i, v in enumerate(labels.tolist()) if v != _NO_LABEL}
    assert mirror == label


def test_relabel_does_nothing_and_says_so_when_a_track_id_is_past_the_array() -> None:
    labels = np.full(4, _NO_LABEL, dtype=np.int64)
    first = np.full(3, np.inf)
    ids = np.arange(5, dtype=np.int64)
    out = _relabel(
        np.array([1, 4]), np.array([2, 0]), labels, np.empty(2, dtype=np.int64), ids, ids >= 0, first, 1.0
    )
    assert out == (-1, False)
    assert (labels == _NO_LABEL).all() and np.isinf(first).all()


def test_label_arrays_hold_what_the_pictures_label_dicts_hold_after_every_step() -> None:
    engine = Engine(compile_world(samsim.load(ROOT / "examples" / "raid-48.yaml")), seed=1)
    after_step, steps = engine._after_step, []

    def checked(pic: Any, *args: Any) -> None:
        after_step(pic, *args)
        held = engine._labels.get(pic.name)
        listed = [] if held is None else [(i, v) for i, v in enumerate(held.tolist()) if v != _NO_LABEL]
        assert sorted(pic.label.items()) == listed
        if pic.label:
            ids = np.array(sorted(pic.label), dtype=np.int64)
            assert engine._labels_of(pic, ids) == [pic.label[i] for i in ids.tolist()]
        steps.append(pic.name)

    engine._after_step = checked  # type: ignore[method-assign]
    engine.run()
    assert len(steps) > 100 and engine._relabelled
