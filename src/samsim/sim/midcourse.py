"""Mid-course updates of the interceptors a command post's fire units fly at its tracks, for all of
its units in one compiled pass per tracker step.

:func:`samsim.sim.battery.refresh_tracks` does the same for one fire unit; a command post directing
two dozen batteries with interceptors in flight would call it for each unit at every scan of every
radar, and those calls, not their arithmetic, were most of the cost. :class:`PostFlights` holds the
units' flight states as one typed list and their frame maps as stacked arrays, so one call covers
every unit and gives the same floats (:func:`samsim.sim.battery._map_rows_fma` row by row, as the
per-unit pass maps a picture of two or more tracks).
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from typing import NamedTuple

import numpy as np
from numba.typed import List

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.c2 import intercept
from samsim.c2.evaluation import BALLISTIC_SPEED_MPS
from samsim.jit import njit
from samsim.models import flyout
from samsim.sim.battery import (
    FireUnit,
    InterceptorMeta,
    _map_rows_fma,
    _maybe_faster,
    _midcourse_at_tracks,
    set_track_acceleration,
    turn_to_followed,
)


@njit
def _refresh_units_rows(
    slot_track: IntArray,
    bounds: IntArray,
    flights: List[flyout.FlyoutState],
    track_ids: IntArray,
    mean: FloatArray,
    rotation: FloatArray,
    offset_m: FloatArray,
    estimate_s: float,
    ballistic_speed_mps: float,
    found: IntArray,
    cut: IntArray,
    faster: BoolArray,
    track_rows: IntArray,
    pos_m: FloatArray,
    vel_mps: FloatArray,
) -> tuple[int, bool]:
    """:func:`samsim.sim.battery._refresh_rows` (mapping row by row) for several fire units at once:
    the ``(slot, track, unit)`` rows ``bounds[g]:bounds[g + 1]`` of ``slot_track`` are unit
    ``slot_track[bounds[g], 2]``'s (an index of ``flights``, ``rotation`` (u, 3, 3) and ``offset_m``
    (u, 3)). Writes the rows found (in mid-course at a track of ``track_ids``, their estimates
    written) into ``found`` and returns how many; where each group's begin among them into ``cut``
    (``cut[g]:cut[g + 1]``), and per group whether any of its estimates may be as fast as a
    ballistic track into ``faster`` (their track accelerations are then left to the caller; the
    others' are zero), and returns whether any is. The caller's buffers (of at least the rows, the
    groups + 1 and the groups) take the results, and ``track_rows``, ``pos_m`` and ``vel_mps`` (of at
    least the rows) the work: an array made costs more than a group's rows."""
    groups = bounds.size - 1
    cut[0] = 0
    m = 0
    any_fast = False
    for g in range(groups):
        lo = bounds[g]
        u = slot_track[lo, 2]
        flight = flights[u]
        status = flight.status
        first = m
        m = _midcourse_at_tracks(slot_track, lo, bounds[g + 1], status, track_ids, found, track_rows, m)
        fast = False
        if m > first:
            pos, vel = pos_m[first:m], vel_mps[first:m]
            _map_rows_fma(mean, track_rows[first:m], rotation[u], offset_m[u], pos, vel)
            for k in range(first, m):
                slot = slot_track[found[k], 0]
                for j in range(3):
                    flight.track_pos_m[slot, j] = pos_m[k, j]
                    flight.track_vel_mps[slot, j] = vel_mps[k, j]
                flight.track_time_s[slot] = estimate_s
            fast = _maybe_faster(vel, ballistic_speed_mps)
            if not fast:  # what track_acceleration_mps2 gives when no track is fast enough
                for k in range(first, m):
                    for j in range(3):
                        flight.track_acc_mps2[slot_track[found[k], 0], j] = 0.0
        faster[g] = fast
        any_fast |= fast
        cut[g + 1] = m
    return m, any_fast


class PostFlights:
    """A command post's fire units' flight states as one typed list, and their frame maps (post
    frame to unit frame) stacked, for :func:`refresh_units`; kept up to date with the units (a unit
    that moves gets a new map, :func:`samsim.sim.moves.resite_in_post`)."""

    def __init__(self, units: list[FireUnit]):
        self.units = units
        self._held = [_held_by(u) for u in units]
        self._listed: list[_Listing | None] = [None] * len(units)  # per unit, as of the last rows()
        self._table: _Table | None = None  # the last rows()
        self.flights = List([u.state.flight for u in units])
        n = len(units)
        self.rotation = np.zeros((n, 3, 3))
        self.offset_m = np.zeros((n, 3))
        # refresh_units' buffers for _refresh_units_rows' results (rows found, group cuts, fast groups)
        # and its work (the picture rows found, their estimates in the unit frames)
        self.found = np.empty(0, dtype=np.int64)
        self.cut = np.empty(1, dtype=np.int64)
        self.faster = np.empty(0, dtype=np.bool_)
        self.track_rows = np.empty(0, dtype=np.int64)
        self.pos_m = np.empty((0, 3))
        self.vel_mps = np.empty((0, 3))
        self.stamp: object = None  # what the caller said of the members' flights at the last rows()
        self.turns_at: object = None  # what it said of the picture's labels at the last look for turns
        for m, u in enumerate(units):
            self._copy_map(m, u)

    def _copy_map(self, m: int, unit: FireUnit) -> None:
        if unit.rotation is not None and unit.offset_m is not None:
            self.rotation[m] = unit.rotation
            self.offset_m[m] = unit.offset_m

    def rows(self, members: list[int], post: str, stamp: object = None) -> _Table | None:
        """The ``(slot, track, unit)`` rows of these members' interceptors in flight at tracks of
        picture ``post``, grouped by member in order (:class:`_Table`); None when a member has no frame
        map. Each member's flight state and map are brought up to date, and its rows listed again
        only when its interceptors in flight (or the tracks those fly at: a hand-over) changed since
        the last call; an interceptor's post is set at its launch. One pass over the members: this
        runs at every scan of every radar the post directs.

        ``stamp``: what the caller knows of the members' interceptors at ``post``'s tracks (None:
        nothing). Given the stamp of the last call, the caller vouches that they (the members, their
        flights, the tracks those fly at, their frame maps) are as they were then: the last table
        is returned without a look at the members."""
        table = self._table
        if stamp is not None and stamp == self.stamp and table is not None and table.post == post:
            return table
        self.stamp = None  # until this listing is done
        if table is not None and table.post != post:  # rows at another picture's tracks
            self._listed = [None] * len(self.units)
            table = self._table = None
        units, held, listed = self.units, self._held, self._listed
        same = table is not None and table.members == members
        for m in members:
            unit = units[m]
            state = unit.state
            flight, rotation, offset_m = held[m]
            if flight is not state.flight or rotation is not unit.rotation or offset_m is not unit.offset_m:
                held[m] = _held_by(unit)
                self.flights[m] = state.flight
                self._copy_map(m, unit)
            if unit.rotation is None or unit.offset_m is None:
                self._table = None  # listings may have changed: the next call builds the table again
                return None
            listing = listed[m]
            if (
                listing is not None
                and listing.flying == state.flying
                and listing.tracks == list(map(_TRACK_OF, listing.metas))
            ):
                continue
            flying = list(state.flying)
            metas = [state.meta[slot] for slot in flying]
            mine = [(slot, meta) for slot, meta in zip(flying, metas, strict=True) if meta.post == post]
            rows = [(slot, meta.track, m) for slot, meta in mine]
            listed[m] = _Listing(
                flying, metas, [meta.track for meta in metas], rows, [meta for _, meta in mine]
            )
            same = same and listing is not None and listing.rows == rows
        self.stamp = stamp
        if same:
            assert self._table is not None
            return self._table
        at: list[tuple[int, int, int]] = []
        row_metas: list[InterceptorMeta] = []
        bounds = [0]
        group_member = []
        for m in members:
            listing = listed[m]
            assert listing is not None
            if listing.rows:
                at += listing.rows
                row_metas += listing.metas_of_rows
                bounds.append(bounds[-1] + len(listing.rows))
                group_member.append(m)
        slot_track = np.array(at, dtype=np.int64).reshape(-1, 3)
        self._table = _Table(
            list(members),
            post,
            slot_track,
            np.array(bounds, dtype=np.int64),
            group_member,
            row_metas,
            [row[0] for row in at],
            [row[1] for row in at],
        )
        return self._table


_TRACK_OF = attrgetter("track")  # an interceptor's track (InterceptorMeta.track)


class _Listing(NamedTuple):
    """A unit's interceptors as :meth:`PostFlights.rows` last listed them."""

    flying: list[int]  # its slots in flight
    metas: list[InterceptorMeta]  # theirs
    tracks: list[int]  # the tracks they flew at
    rows: list[tuple[int, int, int]]  # (slot, track, unit) of those at the picture's tracks
    metas_of_rows: list[InterceptorMeta]


class _Table(NamedTuple):
    """:meth:`PostFlights.rows`: the members' rows stacked, unit by unit."""

    members: list[int]
    post: str
    slot_track: IntArray  # (slot, track, unit) rows
    bounds: IntArray  # unit group g: rows bounds[g]:bounds[g + 1]
    group_member: list[int]  # the unit of each group
    row_metas: list[InterceptorMeta]  # each row's interceptor
    row_slots: list[int]  # each row's slot and track (slot_track's first two columns, as a list)
    row_tracks: list[int]


def _held_by(unit: FireUnit) -> tuple[object, object, object]:
    """What :class:`PostFlights` copies of a unit: its flight state and frame map (by identity)."""
    return unit.state.flight, unit.rotation, unit.offset_m


def _set_fast_accelerations(
    fleet: PostFlights, table: _Table, m: int, ends: list[int], faster: BoolArray
) -> None:
    """:func:`samsim.sim.battery.set_track_acceleration` (``faster``) for the rows found of the groups
    ``faster`` marks, all groups in one call: the pass left their estimates in ``fleet.pos_m`` and
    ``fleet.vel_mps`` (``[:m]``, group by group as ``ends`` cuts them) as it wrote them into the
    flights, and :func:`samsim.c2.intercept.track_acceleration_mps2` takes each row on its own, with
    its own unit's earth centre, so the floats are those of a call per group."""
    units, group_member = fleet.units, table.group_member
    fast_groups = np.flatnonzero(faster).tolist()
    if len(fast_groups) == 1:  # one group: its rows as they are, without a selection
        g = fast_groups[0]
        lo, hi = ends[g], ends[g + 1]  # not empty: a group without a row found is not faster
        unit = units[group_member[g]]
        set_track_acceleration(unit, unit.state.flight, table.slot_track[fleet.found[lo:hi], 0], True)
        return
    counts = np.asarray(ends[1:], dtype=np.int64) - np.asarray(ends[:-1], dtype=np.int64)  # per group
    rows = np.repeat(faster, counts)  # of the m rows found, those of a fast group
    centers = np.array([units[group_member[g]].plan.center_enu_m for g in fast_groups], dtype=np.float64)
    acc = intercept.track_acceleration_mps2(
        fleet.pos_m[:m][rows],
        fleet.vel_mps[:m][rows],
        None,  # not read (see set_track_acceleration)
        np.repeat(centers.reshape(-1, 3), counts[fast_groups], axis=0),
    )
    _write_accelerations(table.slot_track, fleet.found[:m][rows], fleet.flights, acc)


@njit
def _write_accelerations(
    slot_track: IntArray, found: IntArray, flights: List[flyout.FlyoutState], acc_mps2: FloatArray
) -> None:
    """Row ``found[k]`` of ``slot_track`` ``(slot, track, unit)``: its interceptor's track
    acceleration (of unit ``flights[unit]``) is ``acc_mps2[k]``."""
    for k in range(found.size):
        i = found[k]
        flight = flights[slot_track[i, 2]]
        slot = slot_track[i, 0]
        for j in range(3):
            flight.track_acc_mps2[slot, j] = acc_mps2[k, j]


def refresh_units(
    fleet: PostFlights,
    members: list[int],
    post: str,
    track_ids: IntArray,
    mean: FloatArray,
    estimate_s: float,
    label: Mapping[int, int],
    stamp: object = None,
    labels: object = None,
) -> list[tuple[int, int, int]] | None:
    """:func:`samsim.sim.battery.refresh_tracks` for each of these members (in order) of the post's
    fire units, in one compiled pass: the same writes and the same changes of target, as
    ``(slot, old threat, new threat)``. None when the pass does not apply (a picture of one track,
    which the per-unit pass maps with a one-row matrix product, or a unit without a frame map): the
    caller then refreshes unit by unit. ``stamp``: :meth:`PostFlights.rows`' (None: unknown).

    ``labels``: what the caller knows of ``label`` (None: nothing). Given the same labels and stamp
    as the last pass that looked for turns, the caller vouches that no track changed threat since:
    every interceptor that could turn then did, the others could not (their new threat destroyed,
    for good), and no look is needed."""
    if stamp is None:  # whatever changed since the last listing, the next one lists it
        fleet.stamp = None
    listed = stamp is not None and stamp == fleet.stamp  # the listing of the last pass stands
    if track_ids.size == 0:
        return []
    if track_ids.size == 1:
        return None
    table = fleet.rows(members, post, stamp)
    if table is None:
        return None
    slot_track, group_member = table.slot_track, table.group_member
    if slot_track.shape[0] == 0:
        return []
    units = fleet.units
    groups = len(group_member)
    if fleet.found.size < slot_track.shape[0] or fleet.faster.size < groups:
        fleet.found = np.empty(2 * slot_track.shape[0], dtype=np.int64)
        fleet.cut = np.empty(2 * groups + 1, dtype=np.int64)
        fleet.faster = np.empty(2 * groups, dtype=np.bool_)
        fleet.track_rows = np.empty(2 * slot_track.shape[0], dtype=np.int64)
        fleet.pos_m = np.empty((2 * slot_track.shape[0], 3))
        fleet.vel_mps = np.empty((2 * slot_track.shape[0], 3))
    m, any_fast = _refresh_units_rows(
        slot_track,
        table.bounds,
        fleet.flights,
        track_ids,
        mean,
        fleet.rotation,
        fleet.offset_m,
        float(estimate_s),
        BALLISTIC_SPEED_MPS,
        fleet.found,
        fleet.cut,
        fleet.faster,
        fleet.track_rows,
        fleet.pos_m,
        fleet.vel_mps,
    )
    looked = listed and labels is not None and labels == fleet.turns_at
    fleet.turns_at = labels
    if m == 0:
        return []
    found = fleet.found[:m]
    ends = fleet.cut[: groups + 1].tolist()
    # Only the groups with a fast estimate or an interceptor that may turn have anything left to do;
    # a group's accelerations and its turns touch nothing of the other's (nor of other groups').
    if any_fast:  # (the others' accelerations were zeroed in the pass)
        _set_fast_accelerations(fleet, table, m, ends, fleet.faster[:groups])
    if looked:
        return []
    # turn_to_followed turns an interceptor only where its track now follows a threat it is not at
    metas, row_tracks, get = table.row_metas, table.row_tracks, label.get
    found_list = found.tolist()
    may_turn = [0 <= get(row_tracks[i], -1) != metas[i].threat for i in found_list]
    if not any(may_turn):
        return []
    slot_list = [table.row_slots[i] for i in found_list]
    tracks = [row_tracks[i] for i in found_list]
    changes = []
    for g in range(len(group_member)):
        lo, hi = ends[g], ends[g + 1]
        if lo < hi and any(may_turn[lo:hi]):
            changes += turn_to_followed(units[group_member[g]].state, slot_list[lo:hi], tracks[lo:hi], label)
    return changes
