"""Compiled kernels behind :mod:`samsim.models.terrain` (plain arrays in, plain arrays out).

Conventions shared by every kernel
----------------------------------
- ``heights`` is the DEM, shape (ny, nx), float64 metres MSL; NaN marks no data.
- Positions are continuous pixel coordinates ``(col, row)``: cell ``[i, j]`` covers
  ``j <= col < j + 1`` and ``i <= row < i + 1`` and its value sits at its centre ``(j + 0.5, i + 0.5)``.
- For masking, terrain that is unknown (NaN, or outside the DEM) counts as sea level (0 m MSL), so the
  earth's bulge still masks beyond the DEM's edge.
- Earth curvature and refraction lower terrain by ``s**2 * inv_2ka`` at distance ``s`` from the observer,
  with ``inv_2ka = 1 / (2 k Re)`` (the effective-earth-radius model: Skolnik, *Introduction to Radar
  Systems*, 3rd ed., 2001, sec. 8.2).
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import BoolArray, FloatArray
from samsim.jit import njit


@njit
def bilinear(heights: FloatArray, col: float, row: float) -> float:
    """Bilinear interpolation of cell-centre values at pixel position (col, row); NaN outside the raster.

    Between the outermost cell centres and the raster edge the value is extrapolated flat (the
    nearest edge cell's value along that axis), so the whole raster extent has a height.
    """
    ny, nx = heights.shape
    if not (col >= 0.0 and col <= nx and row >= 0.0 and row <= ny):
        return math.nan
    x = min(max(col - 0.5, 0.0), nx - 1.0)
    y = min(max(row - 0.5, 0.0), ny - 1.0)
    j0 = min(int(x), max(nx - 2, 0))
    i0 = min(int(y), max(ny - 2, 0))
    j1 = min(j0 + 1, nx - 1)
    i1 = min(i0 + 1, ny - 1)
    fx = x - j0
    fy = y - i0
    top = heights[i0, j0] * (1.0 - fx) + heights[i0, j1] * fx
    bottom = heights[i1, j0] * (1.0 - fx) + heights[i1, j1] * fx
    return float(top * (1.0 - fy) + bottom * fy)


@njit
def bilinear_many(heights: FloatArray, cols: FloatArray, rows: FloatArray) -> FloatArray:
    """:func:`bilinear` over flat arrays of positions."""
    out = np.empty(cols.size)
    for n in range(cols.size):
        out[n] = bilinear(heights, cols[n], rows[n])
    return out


@njit
def _masking_height(heights: FloatArray, col: float, row: float) -> float:
    z = bilinear(heights, col, row)
    return 0.0 if math.isnan(z) else z


@njit
def block_max(heights: FloatArray, block: int) -> FloatArray:
    """Maximum masking height (NaN as 0 m) over each ``block x block`` tile of cells."""
    ny, nx = heights.shape
    nby = (ny + block - 1) // block
    nbx = (nx + block - 1) // block
    out = np.full((nby, nbx), -np.inf)
    for i in range(ny):
        bi = i // block
        for j in range(nx):
            z = heights[i, j]
            if math.isnan(z):
                z = 0.0
            bj = j // block
            if z > out[bi, bj]:
                out[bi, bj] = z
    return out


@njit
def _polyline_position(node_col: FloatArray, node_row: FloatArray, t: int, u: float) -> tuple[float, float]:
    """Position at node parameter ``u`` (node ``j`` at ``u = j``) on polyline ``t``."""
    nn = node_col.shape[1]
    j = min(int(u), nn - 2)
    f = u - j
    col = node_col[t, j] + f * (node_col[t, j + 1] - node_col[t, j])
    row = node_row[t, j] + f * (node_row[t, j + 1] - node_row[t, j])
    return col, row


@njit
def _tile_bound(
    tiles: FloatArray, block: int, col_lo: float, col_hi: float, row_lo: float, row_hi: float
) -> float:
    """Upper bound of the masking height bilinear sampling can return inside a pixel-space box."""
    nby, nbx = tiles.shape
    # Bilinear at col uses cells floor(col - 0.5) and the next one; clamping keeps indices on the raster.
    c0 = max(int(math.floor(col_lo - 0.5)), 0) // block
    c1 = min(max(int(math.floor(col_hi - 0.5)) + 1, 0) // block, nbx - 1)
    r0 = max(int(math.floor(row_lo - 0.5)), 0) // block
    r1 = min(max(int(math.floor(row_hi - 0.5)) + 1, 0) // block, nby - 1)
    bound = 0.0  # sea level stands in for everything outside the DEM
    for bi in range(min(r0, nby - 1), r1 + 1):
        for bj in range(min(c0, nbx - 1), c1 + 1):
            if tiles[bi, bj] > bound:
                bound = tiles[bi, bj]
    return bound


@njit
def _segment_bound(
    tiles: FloatArray,
    block: int,
    node_col: FloatArray,
    node_row: FloatArray,
    t: int,
    u_a: float,
    u_b: float,
) -> float:
    """Tile bound over the polyline piece between node parameters ``u_a < u_b``."""
    ca, ra = _polyline_position(node_col, node_row, t, u_a)
    cb, rb = _polyline_position(node_col, node_row, t, u_b)
    col_lo = min(ca, cb)
    col_hi = max(ca, cb)
    row_lo = min(ra, rb)
    row_hi = max(ra, rb)
    # A node strictly inside the piece is a corner of the polyline: include it in the box.
    nn = node_col.shape[1]
    j = int(u_b)
    while j > u_a and j >= 0:
        if j < nn:
            col_lo = min(col_lo, node_col[t, j])
            col_hi = max(col_hi, node_col[t, j])
            row_lo = min(row_lo, node_row[t, j])
            row_hi = max(row_hi, node_row[t, j])
        j -= 1
    return _tile_bound(tiles, block, col_lo, col_hi, row_lo, row_hi)


COARSE_STEPS = 64  # samples per coarse segment, checked against COARSE_BLOCK tiles
FINE_STEPS = 8  # samples per fine segment, checked against FINE_BLOCK tiles
COARSE_BLOCK = 64  # tile side (cells) for coarse segments: a segment of <= 32 cells spans <= 2 tiles
FINE_BLOCK = 8  # tile side (cells) for fine segments: a segment of <= 4 cells spans <= 2 tiles


@njit
def _min_quadratic_samples(c0: float, c1: float, c2: float, step: float, i_a: int, i_b: int) -> float:
    """Minimum of ``c0 + c1 s + c2 s**2`` (c2 >= 0) over the samples ``s = i step``, ``i_a <= i <= i_b``."""
    lo = math.inf
    candidates = (i_a, i_b, i_a, i_a)
    if c2 > 0.0:
        i_v = int(math.floor(-c1 / (2.0 * c2) / step))
        candidates = (i_a, i_b, min(max(i_v, i_a), i_b), min(max(i_v + 1, i_a), i_b))
    for i in candidates:
        s = i * step
        lo = min(lo, c0 + c1 * s + c2 * s * s)
    return lo


@njit
def _raster_hull(node_col: FloatArray, node_row: FloatArray, t: int, nx: int, ny: int) -> tuple[float, float]:
    """Node-parameter interval ``[u_in, u_out]`` of polyline ``t`` inside the raster (u_in > u_out: none).

    Liang-Barsky clipping of each polyline piece against ``[0, nx] x [0, ny]``; the interval spans every
    clipped piece, so everything outside it is off the raster.
    """
    u_in = math.inf
    u_out = -math.inf
    for j in range(node_col.shape[1] - 1):
        c = node_col[t, j]
        r = node_row[t, j]
        dc = node_col[t, j + 1] - c
        dr = node_row[t, j + 1] - r
        f0 = 0.0
        f1 = 1.0
        for p, q in ((-dc, c), (dc, nx - c), (-dr, r), (dr, ny - r)):
            if p == 0.0:
                if q < 0.0:
                    f0 = 2.0  # parallel to this edge and outside it
            else:
                f = q / p
                if p < 0.0:
                    f0 = max(f0, f)
                else:
                    f1 = min(f1, f)
        if f0 <= f1:
            u_in = min(u_in, j + f0)
            u_out = max(u_out, j + f1)
    return u_in, u_out


@njit
def los_clear(
    heights: FloatArray,
    tiles_fine: FloatArray,
    tiles_coarse: FloatArray,
    node_col: FloatArray,
    node_row: FloatArray,
    distance_m: FloatArray,
    observer_alt_m: float,
    target_alt_m: FloatArray,
    inv_2ka: float,
    max_step_m: float,
) -> BoolArray:
    """Line of sight from one observer to each target over the DEM.

    Target ``t`` lies ``distance_m[t]`` along the polyline ``node_*[t]`` (nodes equally spaced in
    distance, the first at the observer, the last at the target). The ray is sampled every
    ``distance / n`` with ``n = ceil(distance / max_step_m)``, excluding both ends; the target is masked
    when a sample's lowered terrain rises strictly above the straight sight line. Off the raster the
    terrain is sea level and the test is analytic; on it, tiles of maximum height let the march skip
    stretches where the sight line clears every cell underneath.
    """
    ny, nx = heights.shape
    n_targets, n_nodes = node_col.shape
    out = np.empty(n_targets, dtype=np.bool_)
    for t in range(n_targets):
        d = distance_m[t]
        n = int(math.ceil(d / max_step_m))
        if n < 2:
            out[t] = True
            continue
        step = d / n
        u_per_step = (n_nodes - 1) / n
        # Sight line plus curvature drop: a sample at distance s masks when terrain(s) > limit(s).
        c1 = (target_alt_m[t] - d * d * inv_2ka - observer_alt_m) / d
        u_in, u_out = _raster_hull(node_col, node_row, t, nx, ny)
        if u_in <= u_out:
            k_in = max(int(math.floor(u_in / u_per_step)), 1)
            k_out = min(int(math.ceil(u_out / u_per_step)), n - 1)
        else:
            k_in, k_out = n, n - 1
        clear = True
        # Off the raster: sea level masks when it is above the sight line at any sample there.
        if (
            k_in > 1
            and _min_quadratic_samples(observer_alt_m, c1, inv_2ka, step, 1, min(k_in - 1, n - 1)) < 0.0
        ):
            clear = False
        if clear and k_out < n - 1:
            if _min_quadratic_samples(observer_alt_m, c1, inv_2ka, step, max(k_out + 1, 1), n - 1) < 0.0:
                clear = False
        i = k_in
        stop = k_out + 1
        while i < stop and clear:
            i_end_c = min(i + COARSE_STEPS, stop)
            bound = _segment_bound(
                tiles_coarse, COARSE_BLOCK, node_col, node_row, t, i * u_per_step, (i_end_c - 1) * u_per_step
            )
            if bound <= _min_quadratic_samples(observer_alt_m, c1, inv_2ka, step, i, i_end_c - 1):
                i = i_end_c
                continue
            while i < i_end_c and clear:
                i_end_f = min(i + FINE_STEPS, i_end_c)
                bound = _segment_bound(
                    tiles_fine, FINE_BLOCK, node_col, node_row, t, i * u_per_step, (i_end_f - 1) * u_per_step
                )
                if bound > _min_quadratic_samples(observer_alt_m, c1, inv_2ka, step, i, i_end_f - 1):
                    for k in range(i, i_end_f):
                        s = k * step
                        col, row = _polyline_position(node_col, node_row, t, k * u_per_step)
                        if _masking_height(heights, col, row) > observer_alt_m + s * (c1 + s * inv_2ka):
                            clear = False
                            break
                i = i_end_f
        out[t] = clear
    return out


@njit
def ray_sweep(
    heights: FloatArray,
    node_col: FloatArray,
    node_row: FloatArray,
    node_spacing_m: float,
    ranges_m: FloatArray,
    observer_alt_m: float,
    target_height_m: float,
    agl: bool,
    inv_2ka: float,
    step_m: float,
) -> BoolArray:
    """Visibility of a target at each (azimuth ray, range) from one observer; ranges sorted ascending.

    Along ray ``a`` (polyline ``node_*[a]`` with nodes every ``node_spacing_m``), samples every
    ``step_m`` keep the running maximum of the elevation slope ``(z(s) - s**2 inv_2ka - z_obs) / s``;
    a target at range ``r`` is visible when its own slope is at least the maximum over the samples
    closer than ``r`` (the sight line then clears every sample). The target's height is
    ``target_height_m`` above the terrain under it when ``agl``, else above MSL.
    """
    n_rays = node_col.shape[0]
    n_ranges = ranges_m.size
    out = np.empty((n_rays, n_ranges), dtype=np.bool_)
    for a in range(n_rays):
        max_slope = -np.inf
        k = 1
        for j in range(n_ranges):
            r = ranges_m[j]
            while k * step_m < r:
                s = k * step_m
                col, row = _polyline_position(node_col, node_row, a, s / node_spacing_m)
                z = _masking_height(heights, col, row) - s * s * inv_2ka
                slope = (z - observer_alt_m) / s
                if slope > max_slope:
                    max_slope = slope
                k += 1
            if r <= 0.0:
                out[a, j] = True
                continue
            z_t = target_height_m
            if agl:
                col, row = _polyline_position(node_col, node_row, a, r / node_spacing_m)
                z_t += _masking_height(heights, col, row)
            out[a, j] = (z_t - r * r * inv_2ka - observer_alt_m) / r >= max_slope
    return out


@njit
def _line_height(n: int, z_prev: float, z_obs: float) -> float:
    """Sight-line height ``n`` cells out along a grid axis or diagonal, through the value ``n - 1`` out."""
    if n == 1:
        return z_prev
    return z_prev + (z_prev - z_obs) / (n - 1)


VIEWSHED_BLOCK = 64  # columns per transposed block: whole cache lines of each row per copy


@njit
def _ray_chain(
    heights: FloatArray,
    visible: BoolArray,
    obs_row: int,
    obs_col: int,
    di: int,
    dj: int,
    east: tuple[FloatArray, FloatArray],
    north: tuple[FloatArray, FloatArray],
    z_obs: float,
    g0: float,
    target_height_m: float,
    inv_2ka: float,
    max_d2: float,
) -> FloatArray:
    """Sight-line surface along the ray of cells ``(obs_row + di p, obs_col + dj p)`` to the raster's edge.

    A grid axis or a diagonal: each cell's sight line runs through the cell before it (``_line_height``),
    except the first cell on either side of the observer in its row, which is visible whenever in range.
    ``east = (per column, per row)`` metric terms, whose sum is a cell's east offset; ``north`` the
    same. Writes the cells' visibility; returns the surface by ``p`` (index 0: the observer's ground).
    """
    ny, nx = heights.shape
    n = nx + ny
    if di != 0:
        n = min(n, obs_row if di < 0 else ny - 1 - obs_row)
    if dj != 0:
        n = min(n, obs_col if dj < 0 else nx - 1 - obs_col)
    surface = np.empty(n + 1)
    surface[0] = g0
    for p in range(1, n + 1):
        i = obs_row + di * p
        j = obs_col + dj * p
        z = heights[i, j]
        if math.isnan(z):
            z = 0.0
        e = east[0][j] + east[1][i]
        no = north[0][j] + north[1][i]
        d2 = e * e + no * no
        z = z - d2 * inv_2ka
        if p == 1 and di == 0:
            surface[p] = z
            visible[i, j] = d2 <= max_d2
        else:
            zl = _line_height(p, surface[p - 1], z_obs)
            visible[i, j] = d2 <= max_d2 and z + target_height_m >= zl
            surface[p] = max(z, zl)
    return surface


@njit
def _ring(
    heights_line: FloatArray,
    visible_line: BoolArray,
    east_line: FloatArray,
    north_line: FloatArray,
    east_ring: float,
    north_ring: float,
    prev: FloatArray,
    cur: FloatArray,
    axis: int,
    lo: int,
    hi: int,
    p: int,
    z_obs: float,
    target_height_m: float,
    inv_2ka: float,
    max_d2: float,
) -> None:
    """One ring ``p`` of two octants: the cells ``lo <= t <= hi``, ``t != axis``, of one row or column.

    A cell ``q = |t - axis|`` off the axis (``1 <= q < p``) takes its sight-line height from the previous
    ring's surface ``prev`` at ``t`` and at its neighbour towards the axis (Wang, Robinson & White
    2000, "edge" variant): ``((s_diag - z_obs) q + (s_t - z_obs) (p - q)) / (p - 1) + z_obs``; writes its
    visibility and its surface into ``cur[t]``. No cell depends on another of the same ring, so each
    loop runs without a carried dependency. ``east_line[t] + east_ring`` is the cell's east offset.
    """
    # The two halves: before the axis the neighbour towards it is t + 1, after it t - 1.
    for toward, start, stop in ((1, lo, axis), (-1, axis + 1, hi + 1)):
        for t in range(start, stop):
            q = (axis - t) * toward
            z = heights_line[t]
            if math.isnan(z):
                z = 0.0
            e = east_line[t] + east_ring
            no = north_line[t] + north_ring
            d2 = e * e + no * no
            z = z - d2 * inv_2ka
            zl = ((prev[t + toward] - z_obs) * q + (prev[t] - z_obs) * (p - q)) / (p - 1) + z_obs
            visible_line[t] = (d2 <= max_d2) & (z + target_height_m >= zl)
            cur[t] = max(z, zl)


@njit
def _ring_ends(
    cur: FloatArray, axis: int, p: int, axis_s: FloatArray, diag_lo: FloatArray, diag_hi: FloatArray
) -> None:
    """Put ring ``p``'s precomputed surface on the axis and on the two diagonals (where on the raster)."""
    cur[axis] = axis_s[p]
    if p < diag_lo.size:
        cur[axis - p] = diag_lo[p]
    if p < diag_hi.size:
        cur[axis + p] = diag_hi[p]


@njit
def viewshed_reference_planes(
    heights: FloatArray,
    obs_row: int,
    obs_col: int,
    observer_height_m: float,
    target_height_m: float,
    inv_2ka: float,
    metric: FloatArray,
    max_distance_m: float,
) -> BoolArray:
    """Grid viewshed by reference planes (Wang, Robinson & White 2000), as gdal_viewshed computes it.

    Every cell's terrain is lowered by ``d**2 * inv_2ka`` (d: distance between cell centres) and gets a
    sight-line height interpolated from the two already-processed cells between it and the observer
    (the "edge" variant: the two cells on the edge of the previous ring that the sight line crosses);
    a cell is visible when lowered terrain + ``target_height_m`` reaches that height, and it passes on
    the larger of its terrain and the sight-line height. ``metric`` (2x2) maps a (column, row) offset
    to (east, north) metres. Cells beyond ``max_distance_m`` are False.

    Order of work: the observer's row and column and the four diagonals first (each cell through the
    one before it), then the eight octants between them ring by ring outwards: rows for the octants
    above and below the observer, columns for those left and right. A cell of an octant depends only
    on the previous ring, so each ring is a loop without a carried dependency. Every cell's arithmetic
    is the same expression, in the same order, as in a row-by-row sweep, so the result is identical;
    only two rings of the surface are kept, and terrain is lowered on the fly.

    References
    ----------
    Wang, J., Robinson, G. J., White, K., "Generating viewsheds without using sightlines",
    Photogrammetric Engineering & Remote Sensing 66(1), 2000, pp. 87-90.
    GDAL ``gdal_viewshed`` documentation (GDAL 3.6): curvature term ``cc * d**2 / D``.
    """
    ny, nx = heights.shape
    max_d2 = max_distance_m * max_distance_m
    g0 = heights[obs_row, obs_col]
    if math.isnan(g0):
        g0 = 0.0
    z_obs = g0 + observer_height_m
    visible = np.empty((ny, nx), dtype=np.bool_)
    visible[obs_row, obs_col] = True
    # Metric terms of a (column, row) offset: a cell's east is east_c[j] + east_r[i], as metric @ offset.
    dc = np.arange(nx) - obs_col
    dr = np.arange(ny) - obs_row
    east = (metric[0, 0] * dc, metric[0, 1] * dr)
    north = (metric[1, 0] * dc, metric[1, 1] * dr)
    args = (z_obs, g0, target_height_m, inv_2ka, max_d2)
    left = _ray_chain(heights, visible, obs_row, obs_col, 0, -1, east, north, *args)
    right = _ray_chain(heights, visible, obs_row, obs_col, 0, 1, east, north, *args)
    up = _ray_chain(heights, visible, obs_row, obs_col, -1, 0, east, north, *args)
    down = _ray_chain(heights, visible, obs_row, obs_col, 1, 0, east, north, *args)
    up_left = _ray_chain(heights, visible, obs_row, obs_col, -1, -1, east, north, *args)
    up_right = _ray_chain(heights, visible, obs_row, obs_col, -1, 1, east, north, *args)
    down_left = _ray_chain(heights, visible, obs_row, obs_col, 1, -1, east, north, *args)
    down_right = _ray_chain(heights, visible, obs_row, obs_col, 1, 1, east, north, *args)
    n = max(nx, ny)
    prev = np.empty(n)
    cur = np.empty(n)
    # Above and below: ring k is row obs_row -+ k, contiguous in memory.
    for axis_s, diag_lo, diag_hi, sr in ((up, up_left, up_right, -1), (down, down_left, down_right, 1)):
        for k in range(1, axis_s.size):
            i = obs_row + sr * k
            lo = max(obs_col - k + 1, 0)
            hi = min(obs_col + k - 1, nx - 1)
            _ring(heights[i], visible[i], east[0], north[0], east[1][i], north[1][i], prev, cur,
                  obs_col, lo, hi, k, z_obs, target_height_m, inv_2ka, max_d2)  # fmt: skip
            _ring_ends(cur, obs_col, k, axis_s, diag_lo, diag_hi)
            prev, cur = cur, prev
    # Left and right: ring m is column obs_col -+ m. Columns are strided in memory, so they are taken
    # VIEWSHED_BLOCK at a time through a transposed copy (one cache line of each row per block) and the
    # rings run on contiguous memory.
    block_h = np.empty((VIEWSHED_BLOCK, ny))
    block_v = np.empty((VIEWSHED_BLOCK, ny), dtype=np.bool_)
    for axis_s, diag_lo, diag_hi, sc in ((left, up_left, down_left, -1), (right, up_right, down_right, 1)):
        n_rings = axis_s.size - 1
        for m0 in range(1, n_rings + 1, VIEWSHED_BLOCK):
            nb = min(VIEWSHED_BLOCK, n_rings + 1 - m0)
            lo = max(obs_row - (m0 + nb - 2), 0)  # the block's widest ring, m0 + nb - 1
            hi = min(obs_row + (m0 + nb - 2), ny - 1)
            for i in range(lo, hi + 1):
                for b in range(nb):
                    block_h[b, i] = heights[i, obs_col + sc * (m0 + b)]
            for b in range(nb):
                m = m0 + b
                j = obs_col + sc * m
                _ring(block_h[b], block_v[b], east[1], north[1], east[0][j], north[0][j], prev, cur, obs_row,
                      max(obs_row - m + 1, 0), min(obs_row + m - 1, ny - 1), m,
                      z_obs, target_height_m, inv_2ka, max_d2)  # fmt: skip
                _ring_ends(cur, obs_row, m, axis_s, diag_lo, diag_hi)
                prev, cur = cur, prev
            for i in range(lo, hi + 1):
                # Row i is in ring m when 0 < |i - obs_row| < m.
                q = abs(i - obs_row)
                if q > 0:
                    for b in range(max(q + 1 - m0, 0), nb):
                        visible[i, obs_col + sc * (m0 + b)] = block_v[b, i]
    return visible
