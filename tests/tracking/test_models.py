"""Motion models against their closed forms (Bar-Shalom, Li & Kirubarajan 2001, sections 6.2-6.3)."""

import numpy as np
import pytest

from samsim.tracking import kalman, models


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_ncv_matrices_match_per_axis_blocks(ndim: int) -> None:
    dt, q = 0.7, 4.0
    f = models.ncv_transition(dt, ndim)
    qm = models.ncv_process_noise(dt, q, ndim)
    # per axis a, positions index a and velocity index ndim + a form the textbook 2x2 blocks
    for a in range(ndim):
        idx = np.ix_([a, ndim + a], [a, ndim + a])
        np.testing.assert_allclose(f[idx], [[1.0, dt], [0.0, 1.0]])
        np.testing.assert_allclose(qm[idx], q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]]))
    # axes are independent: nothing couples axis 0 to the others
    if ndim > 1:
        assert qm[0, 1] == 0.0 and qm[0, ndim + 1] == 0.0 and f[0, ndim + 1] == 0.0


def test_dwna_noise_is_gamma_gamma_transposed() -> None:
    dt, sigma_a = 2.0, 3.0
    gamma = np.array([[dt**2 / 2], [dt]])
    qm = models.dwna_process_noise(dt, sigma_a, 1)
    np.testing.assert_allclose(qm, sigma_a**2 * gamma @ gamma.T)


def test_cwna_is_the_integral_of_the_continuous_noise() -> None:
    # Q = int_0^dt F(s) G q G^T F(s)^T ds with G = [0, 1]^T (van Loan), by quadrature
    dt, q = 1.3, 2.5
    s = np.linspace(0.0, dt, 20001)
    integrand = np.stack([[s * s, s], [s, np.ones_like(s)]]) * q
    numeric = np.trapezoid(integrand, s, axis=-1)
    np.testing.assert_allclose(models.ncv_process_noise(dt, q, 1), numeric, rtol=1e-7)


def test_alpha_beta_closed_form_at_unit_tracking_index() -> None:
    lam = models.tracking_index(sigma_a_mps2=10.0, dt_s=1.0, sigma_m=10.0)
    assert lam == 1.0
    alpha, beta = models.alpha_beta_gains(lam)
    assert alpha == pytest.approx(0.75, abs=1e-15)
    assert beta == pytest.approx(0.5, abs=1e-15)
    # Kalata's relation lambda^2 = beta^2 / (1 - alpha)
    assert lam**2 == pytest.approx(beta**2 / (1.0 - alpha))


@pytest.mark.parametrize("ndim", [2, 3])
def test_structured_ncv_prediction_equals_dense(ndim: int) -> None:
    rng = np.random.default_rng(4)
    d = 2 * ndim
    x = rng.normal(size=(7, d))
    a = rng.normal(size=(7, d, d))
    p = a @ a.transpose(0, 2, 1) + np.eye(d)
    dt, q = 1.7, 3.0
    x1, p1 = kalman.predict_ncv(x, p, dt, q)
    x2, p2 = kalman.predict(x, p, models.ncv_transition(dt, ndim), models.ncv_process_noise(dt, q, ndim))
    f = models.ncv_transition(dt, ndim)
    np.testing.assert_allclose(x1, x @ f.T, rtol=1e-13)
    np.testing.assert_allclose(x1, x2, rtol=1e-13)
    np.testing.assert_allclose(p1, p2, rtol=1e-12, atol=1e-12)
