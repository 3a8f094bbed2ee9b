#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Exact posteriors, evidences and ELBOs of conjugate models, for Ember's inference tests.

Regenerate (from the repository root; python3 with numpy and mpmath, a second or two):
    python3 tools/reference/inference_reference.py > core/src/test/resources/reference/inference-reference.txt

Models (every input is an exact double: parameters and data are converted with mp.mpf(float), so
the values are exact for the doubles a Java test parses from the file):
  nn   Normal-Normal: mu ~ Normal(m0, s0), y_i ~ Normal(mu, s), i < N. Closed-form posterior and
       evidence, and for a fixed guide q = Normal(loc, scale): E_q[log p(y|mu)], KL(q || prior),
       the ELBO and the beta-scaled (annealed) ELBO E_q[log p(y|mu)] - beta KL(q || prior).
  bb   Beta-Bernoulli: p ~ Beta(a0, b0), x_i ~ Bernoulli(p); posterior Beta(a0 + sum x,
       b0 + N - sum x).
  ssm  Linear-Gaussian state space: z_0 ~ Normal(0, s_init), z_t ~ Normal(phi z_{t-1}, sigma)
       for t >= 1, y_t ~ Normal(z_t, tau). log p(z | y) = -z' L z / 2 + b' z + const with the
       tridiagonal precision L and linear term b = y / tau^2; the posterior is Normal(L^-1 b,
       L^-1). The mean-field Gaussian optimum of the ELBO (KL(q || p)) has means L^-1 b and
       variances 1 / L_tt, and its ELBO is log p(y) - (sum_t log L_tt - log det L) / 2; the
       full-rank optimum is the posterior itself, with ELBO log p(y).
  ssm3 The same model for B = 3 independent series (a [B, T] y): the precision, covariance and
       sds are those of ssm; means and evidences are per series.
The data are drawn once with numpy's legacy RandomState (whose streams NumPy keeps fixed), rounded
to 4 decimals and written out; tests read the data from the file, never from a generator.
Everything is computed with mpmath at 40 digits and cross-checked here by a second route (the
evidence as a multivariate normal marginal, the ELBOs as E_q[log p] + H[q] term by term).

Format (read by the tests' dev.ember.data.ReferenceFile):
    <key> <value>              a scalar
    <key> <i> <value>          entry i of a vector
    <key> <i> <j> <value>      entry (i, j) of a matrix
The header lists every key with its shape and meaning.
"""
import numpy as np
import mpmath as mp

mp.mp.dps = 40
LOG_2PI = mp.log(2 * mp.pi)

LINES = []
DOCS = []


def fmt(x):
    return mp.nstr(mp.mpf(x), 22, min_fixed=-1000, max_fixed=1000)


def exact(x):
    """An input as the test reads it: the double, printed to round-trip."""
    return repr(float(x))


def doc(key, shape, meaning):
    DOCS.append(f"#   {key} {shape}: {meaning}")


def scalar(key, value, meaning, is_input=False):
    doc(key, "[]", meaning)
    LINES.append(f"{key} {exact(value) if is_input else fmt(value)}")


def integer(key, value, meaning):
    doc(key, "[] integer", meaning)
    LINES.append(f"{key} {int(value)}")


def vector(key, values, meaning, is_input=False):
    doc(key, f"[{len(values)}]", meaning)
    for i, v in enumerate(values):
        LINES.append(f"{key} {i} {exact(v) if is_input else fmt(v)}")


def matrix(key, rows, meaning):
    doc(key, f"[{len(rows)}, {len(rows[0])}]", meaning)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            LINES.append(f"{key} {i} {j} {fmt(v)}")


def mpf(x):
    return mp.mpf(float(x))


def close(a, b, what, tol=mp.mpf(10) ** -30):
    assert abs(a - b) <= tol * max(1, abs(a)), (what, a, b)


def normal_logpdf(x, m, s):
    return -((x - m) / s) ** 2 / 2 - mp.log(s) - LOG_2PI / 2


def mvn_logpdf(x, cov):
    n = len(x)
    c = mp.matrix(cov)
    v = mp.matrix(x)
    q = (v.T * mp.inverse(c) * v)[0]
    return -q / 2 - mp.log(mp.det(c)) / 2 - n * LOG_2PI / 2


def normal_normal():
    m0, s0, s, n = mpf(0.5), mpf(2.0), mpf(1.5), 10
    rng = np.random.RandomState(20260311)
    y_raw = [round(float(v), 4) for v in 1.3 + 1.5 * rng.standard_normal(n)]
    y = [mpf(v) for v in y_raw]
    scalar("nn.m0", m0, "prior mean of mu", True)
    scalar("nn.s0", s0, "prior sd of mu", True)
    scalar("nn.s", s, "likelihood sd", True)
    integer("nn.N", n, "number of observations")
    vector("nn.y", y_raw, "observations (RandomState(20260311), mu = 1.3, rounded)", True)
    prec = 1 / s0 ** 2 + n / s ** 2
    post_mean = (m0 / s0 ** 2 + sum(y) / s ** 2) / prec
    post_sd = 1 / mp.sqrt(prec)
    scalar("nn.postMean", post_mean, "exact posterior mean of mu")
    scalar("nn.postSd", post_sd, "exact posterior sd of mu")
    # evidence: log p(y | mu) + log p(mu) - log p(mu | y) at any mu
    log_lik = lambda mu: sum(normal_logpdf(v, mu, s) for v in y)
    log_z = log_lik(post_mean) + normal_logpdf(post_mean, m0, s0) - normal_logpdf(post_mean, post_mean, post_sd)
    cov = [[s0 ** 2 + (s ** 2 if i == j else 0) for j in range(n)] for i in range(n)]
    close(log_z, mvn_logpdf([v - m0 for v in y], cov), "nn evidence")
    scalar("nn.logEvidence", log_z, "log p(y)")
    loc, scale, beta = mpf(0.7), mpf(0.4), mpf(0.3)
    scalar("nn.q.loc", loc, "guide q = Normal(loc, scale): loc", True)
    scalar("nn.q.scale", scale, "guide scale", True)
    ell = sum(-LOG_2PI / 2 - mp.log(s) - ((v - loc) ** 2 + scale ** 2) / (2 * s ** 2) for v in y)
    kl_prior = mp.log(s0 / scale) + (scale ** 2 + (loc - m0) ** 2) / (2 * s0 ** 2) - mp.mpf(1) / 2
    kl_post = (mp.log(post_sd / scale) + (scale ** 2 + (loc - post_mean) ** 2) / (2 * post_sd ** 2)
               - mp.mpf(1) / 2)
    elbo = ell - kl_prior
    close(elbo, log_z - kl_post, "nn elbo")
    # and by quadrature of E_q[log p(y, mu) - log q(mu)]
    quad = mp.quad(lambda mu: mp.exp(normal_logpdf(mu, loc, scale))
                   * (log_lik(mu) + normal_logpdf(mu, m0, s0) - normal_logpdf(mu, loc, scale)),
                   [loc - 20 * scale, loc, loc + 20 * scale])
    close(elbo, quad, "nn elbo quadrature", mp.mpf(10) ** -25)
    scalar("nn.q.expectedLogLik", ell, "E_q[log p(y | mu)]")
    scalar("nn.q.klPrior", kl_prior, "KL(q || prior)")
    scalar("nn.q.klPosterior", kl_post, "KL(q || posterior) = logEvidence - elbo")
    scalar("nn.q.elbo", elbo, "E_q[log p(y, mu) - log q(mu)] = expectedLogLik - klPrior")
    scalar("nn.beta", beta, "annealing factor beta", True)
    scalar("nn.q.elboBeta", ell - beta * kl_prior, "expectedLogLik - beta klPrior")


def beta_bernoulli():
    a0, b0, n = mpf(1.0), mpf(1.0), 20
    rng = np.random.RandomState(20260312)
    x = [int(v) for v in (rng.random_sample(n) < 0.3)]
    k = sum(x)
    scalar("bb.a0", a0, "prior Beta(a0, b0): a0", True)
    scalar("bb.b0", b0, "prior b0", True)
    integer("bb.N", n, "number of observations")
    vector("bb.x", [float(v) for v in x], "0/1 observations (RandomState(20260312), p = 0.3)", True)
    integer("bb.sum", k, "number of ones")
    a, b = a0 + k, b0 + n - k
    scalar("bb.postA", a, "posterior Beta(postA, postB): postA = a0 + sum", True)
    scalar("bb.postB", b, "posterior postB = b0 + N - sum", True)
    scalar("bb.postMean", a / (a + b), "posterior mean of p")
    scalar("bb.postSd", mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))), "posterior sd of p")
    log_z = mp.log(mp.beta(a, b)) - mp.log(mp.beta(a0, b0))
    scalar("bb.logEvidence", log_z, "log p(x) = log B(postA, postB) - log B(a0, b0)")


def ssm_precision(phi, sigma, tau, init, t_len):
    lam = [[mp.mpf(0)] * t_len for _ in range(t_len)]
    for t in range(t_len):
        lam[t][t] += 1 / tau ** 2
        lam[t][t] += (1 / init ** 2) if t == 0 else (1 / sigma ** 2)
        if t + 1 < t_len:
            lam[t][t] += phi ** 2 / sigma ** 2
            lam[t][t + 1] = lam[t + 1][t] = -phi / sigma ** 2
    return lam


def ssm_log_joint_expected(y, m, cov, phi, sigma, tau, init):
    """E_q[log p(y, z)] for q = Normal(m, cov), term by term."""
    t_len = len(y)
    total = normal_logpdf(0, 0, init) - (m[0] ** 2 + cov[0][0]) / (2 * init ** 2)
    for t in range(1, t_len):
        sq = (m[t] - phi * m[t - 1]) ** 2 + cov[t][t] - 2 * phi * cov[t][t - 1] + phi ** 2 * cov[t - 1][t - 1]
        total += normal_logpdf(0, 0, sigma) - sq / (2 * sigma ** 2)
    for t in range(t_len):
        total += normal_logpdf(0, 0, tau) - ((y[t] - m[t]) ** 2 + cov[t][t]) / (2 * tau ** 2)
    return total


def ssm_solve(y, phi, sigma, tau, init):
    t_len = len(y)
    lam = ssm_precision(phi, sigma, tau, init, t_len)
    lam_m = mp.matrix(lam)
    b = [v / tau ** 2 for v in y]
    cov_m = mp.inverse(lam_m)
    mean_m = cov_m * mp.matrix(b)
    mean = [mean_m[t] for t in range(t_len)]
    cov = [[cov_m[i, j] for j in range(t_len)] for i in range(t_len)]
    log_det = mp.log(mp.det(lam_m))
    # evidence: log p(y, m) + (T/2) log 2 pi - (1/2) log det L
    log_joint = normal_logpdf(mean[0], 0, init)
    for t in range(1, t_len):
        log_joint += normal_logpdf(mean[t], phi * mean[t - 1], sigma)
    for t in range(t_len):
        log_joint += normal_logpdf(y[t], mean[t], tau)
    log_z = log_joint + t_len * LOG_2PI / 2 - log_det / 2
    # second route: y ~ Normal(0, P^-1 + tau^2 I), P the prior precision of z
    prior = ssm_precision(phi, sigma, mp.inf, init, t_len)
    prior_cov = mp.inverse(mp.matrix(prior))
    marg = [[prior_cov[i, j] + (tau ** 2 if i == j else 0) for j in range(t_len)] for i in range(t_len)]
    close(log_z, mvn_logpdf(y, marg), "ssm evidence")
    residual = lam_m * mean_m - mp.matrix(b)
    assert max(abs(residual[t]) for t in range(t_len)) < mp.mpf(10) ** -35
    mf_sd = [1 / mp.sqrt(lam[t][t]) for t in range(t_len)]
    gap = (sum(mp.log(lam[t][t]) for t in range(t_len)) - log_det) / 2
    mf_elbo = log_z - gap
    diag = [[mf_sd[i] ** 2 if i == j else mp.mpf(0) for j in range(t_len)] for i in range(t_len)]
    entropy_mf = sum(mp.log(2 * mp.pi * mp.e * v ** 2) / 2 for v in mf_sd)
    close(mf_elbo, ssm_log_joint_expected(y, mean, diag, phi, sigma, tau, init) + entropy_mf, "ssm mf elbo")
    entropy_full = (t_len * mp.log(2 * mp.pi * mp.e) - log_det) / 2
    full_elbo = ssm_log_joint_expected(y, mean, cov, phi, sigma, tau, init) + entropy_full
    close(full_elbo, log_z, "ssm full-rank elbo")
    # the mean-field optimum: perturbing any variance lowers the ELBO
    for t in range(t_len):
        for f in (mp.mpf("0.99"), mp.mpf("1.01")):
            d2 = [row[:] for row in diag]
            d2[t][t] *= f
            h = entropy_mf + mp.log(f) / 2
            assert ssm_log_joint_expected(y, mean, d2, phi, sigma, tau, init) + h < mf_elbo
    return lam, b, mean, cov, log_det, log_z, mf_sd, mf_elbo, full_elbo, gap


def state_space():
    phi, sigma, tau, init, t_len = mpf(0.8), mpf(0.5), mpf(0.3), mpf(1.0), 6
    rng = np.random.RandomState(20260313)
    z = [float(rng.standard_normal())]
    for _ in range(1, t_len):
        z.append(0.8 * z[-1] + 0.5 * float(rng.standard_normal()))
    y_raw = [round(z[t] + 0.3 * float(rng.standard_normal()), 4) for t in range(t_len)]
    z_raw = [round(v, 4) for v in z]
    y = [mpf(v) for v in y_raw]
    scalar("ssm.phi", phi, "transition coefficient", True)
    scalar("ssm.sigma", sigma, "transition sd", True)
    scalar("ssm.tau", tau, "observation sd", True)
    scalar("ssm.initScale", init, "sd of z_0", True)
    integer("ssm.T", t_len, "number of time steps")
    vector("ssm.zTrue", z_raw, "the latent path that generated y (RandomState(20260313), rounded)", True)
    vector("ssm.y", y_raw, "observations (zTrue + tau noise, rounded)", True)
    lam, b, mean, cov, log_det, log_z, mf_sd, mf_elbo, full_elbo, gap = ssm_solve(y, phi, sigma, tau, init)
    matrix("ssm.precision", lam, "posterior precision L (tridiagonal)")
    vector("ssm.linear", b, "linear term b = y / tau^2 (L postMean = b)")
    scalar("ssm.logDetPrecision", log_det, "log det L")
    vector("ssm.postMean", mean, "exact posterior mean L^-1 b")
    matrix("ssm.postCov", cov, "exact posterior covariance L^-1")
    vector("ssm.postSd", [mp.sqrt(cov[t][t]) for t in range(t_len)], "exact posterior sds sqrt(postCov_tt)")
    chol = mp.cholesky(mp.matrix(cov))
    matrix("ssm.postCholesky", [[chol[i, j] for j in range(t_len)] for i in range(t_len)],
           "lower Cholesky factor of postCov (optimal full-rank scale_tril)")
    vector("ssm.mfMean", mean, "mean-field Gaussian optimum: means (= postMean)")
    vector("ssm.mfSd", mf_sd, "mean-field Gaussian optimum: sds 1 / sqrt(L_tt)")
    scalar("ssm.logEvidence", log_z, "log p(y)")
    scalar("ssm.mfElbo", mf_elbo, "ELBO of the mean-field optimum")
    scalar("ssm.mfGap", gap, "logEvidence - mfElbo = (sum log L_tt - log det L) / 2")
    scalar("ssm.fullRankElbo", full_elbo, "ELBO of the full-rank optimum (= logEvidence)")

    n_series = 3
    rng = np.random.RandomState(20260314)
    ys = []
    for _ in range(n_series):
        z = [float(rng.standard_normal())]
        for _ in range(1, t_len):
            z.append(0.8 * z[-1] + 0.5 * float(rng.standard_normal()))
        ys.append([round(z[t] + 0.3 * float(rng.standard_normal()), 4) for t in range(t_len)])
    integer("ssm3.B", n_series, "number of independent series (parameters and T as ssm)")
    doc("ssm3.y", f"[{n_series}, {t_len}]", "observations (RandomState(20260314), rounded), one row per series")
    for i, row in enumerate(ys):
        for t, v in enumerate(row):
            LINES.append(f"ssm3.y {i} {t} {exact(v)}")
    results = [ssm_solve([mpf(v) for v in row], phi, sigma, tau, init) for row in ys]
    matrix("ssm3.postMean", [r[2] for r in results], "exact posterior means, one row per series "
           "(covariance, sds and mfSd are those of ssm)")
    vector("ssm3.logEvidence", [r[5] for r in results], "log p(y_b) per series")
    vector("ssm3.mfElbo", [r[7] for r in results], "mean-field optimum ELBO per series")
    scalar("ssm3.logEvidenceTotal", sum(r[5] for r in results), "log p(y) of all series = fullRankElboTotal")
    scalar("ssm3.mfElboTotal", sum(r[7] for r in results), "mean-field optimum ELBO of all series")
    for r in results:
        close(r[9], gap, "ssm3 gap")


def main():
    normal_normal()
    beta_bernoulli()
    state_space()
    print("# Exact posteriors, evidences and ELBOs for dev.ember.infer tests (mpmath, 40 digits).")
    print("# Regenerate: python3 tools/reference/inference_reference.py"
          " > core/src/test/resources/reference/inference-reference.txt")
    print("# Format: '<key> <value>' scalar | '<key> <i> <value>' vector entry"
          " | '<key> <i> <j> <value>' matrix entry; '#' starts a comment.")
    print("# Inputs (parameters, data) are exact doubles printed to round-trip; results have 22 digits.")
    print("# Keys (shape: meaning):")
    for line in DOCS:
        print(line)
    for line in LINES:
        print(line)


if __name__ == "__main__":
    main()
