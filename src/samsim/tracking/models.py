"""Linear motion models for tracking: nearly-constant velocity in any number of spatial axes.

The state of one target is ``[p_1 .. p_ndim, v_1 .. v_ndim]`` (positions first, then velocities, in m
and m/s), so that a position-only measurement is the first ``ndim`` components. Each axis is an
independent double integrator driven by white acceleration noise; the two usual discretisations of
that noise are given (Bar-Shalom, Li & Kirubarajan 2001, section 6.2):

- continuous white-noise acceleration (CWNA) of power spectral density ``q`` (m^2/s^3): the exact
  van Loan discretisation, used by the trackers here and by Stone Soup's ``ConstantVelocity``;
- discrete white-noise acceleration (DWNA, piecewise-constant acceleration of standard deviation
  ``sigma_a`` m/s^2 over each interval): the model under which Kalata's tracking index gives the
  closed-form alpha-beta gains.

A manoeuvre model in an IMM is the same NCV model with a larger ``q`` (Bar-Shalom et al. 2001,
section 11.7.3: a "white-noise acceleration" mode of high intensity for the manoeuvre).

References
----------
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001, sections 6.2-6.3 and 11.6-11.7.
P. R. Kalata, "The tracking index: a generalized parameter for alpha-beta and alpha-beta-gamma
target trackers", IEEE Trans. AES 20(2), 1984.
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import FloatArray


def ncv_transition(dt_s: float, ndim: int) -> FloatArray:
    """State transition matrix F of the NCV model, shape (2*ndim, 2*ndim).

    ``F = [[I, dt I], [0, I]]`` (Bar-Shalom et al. 2001, eq. 6.2.2-12, axes stacked).
    """
    f = np.eye(2 * ndim)
    f[:ndim, ndim:] = dt_s * np.eye(ndim)
    return f


def ncv_process_noise(dt_s: float, q_m2ps3: float, ndim: int) -> FloatArray:
    """Process noise covariance Q of the CWNA model, shape (2*ndim, 2*ndim).

    ``Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]]`` (Bar-Shalom et al. 2001, eq. 6.2.2-14), with
    ``q`` the power spectral density of the acceleration noise in m^2/s^3.
    """
    eye = np.eye(ndim)
    return q_m2ps3 * np.block([[dt_s**3 / 3.0 * eye, dt_s**2 / 2.0 * eye], [dt_s**2 / 2.0 * eye, dt_s * eye]])


def dwna_process_noise(dt_s: float, sigma_a_mps2: float, ndim: int) -> FloatArray:
    """Process noise covariance Q of the DWNA (piecewise-constant acceleration) model.

    ``Q = sigma_a^2 [[dt^4/4 I, dt^3/2 I], [dt^3/2 I, dt^2 I]]`` (Bar-Shalom et al. 2001,
    eq. 6.3.2-4), the acceleration being constant over each interval with standard deviation
    ``sigma_a`` (m/s^2).
    """
    eye = np.eye(ndim)
    return sigma_a_mps2**2 * np.block(
        [[dt_s**4 / 4.0 * eye, dt_s**3 / 2.0 * eye], [dt_s**3 / 2.0 * eye, dt_s**2 * eye]]
    )


def tracking_index(sigma_a_mps2: float, dt_s: float, sigma_m: float) -> float:
    """Kalata's tracking index ``lambda = sigma_a dt^2 / sigma`` of the DWNA model (Kalata 1984)."""
    return sigma_a_mps2 * dt_s**2 / sigma_m


def alpha_beta_gains(lam: float) -> tuple[float, float]:
    """Steady-state alpha-beta gains of the Kalman filter on the DWNA model, from the tracking index.

    ``alpha = -(lam^2 + 8 lam - (lam + 4) sqrt(lam^2 + 8 lam)) / 8`` and
    ``beta = (lam^2 + 4 lam - lam sqrt(lam^2 + 8 lam)) / 4`` (Kalata 1984; Bar-Shalom et al. 2001,
    eqs. 6.5.3-9 and 6.5.3-10). The Kalman gain is ``[alpha, beta / dt]`` per axis.
    """
    root = math.sqrt(lam * lam + 8.0 * lam)
    alpha = -(lam * lam + 8.0 * lam - (lam + 4.0) * root) / 8.0
    beta = (lam * lam + 4.0 * lam - lam * root) / 4.0
    return alpha, beta
