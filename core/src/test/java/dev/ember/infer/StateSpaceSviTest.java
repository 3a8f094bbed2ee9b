// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.ReferenceFile;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.guides.AutoMultivariateNormal;
import dev.ember.infer.guides.AutoNormal;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.LearningRate;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SVI on the linear-Gaussian state-space model of the reference file (keys {@code ssm.*} and
 * {@code ssm3.*}, from {@code python3 tools/reference/inference_reference.py}): {@code z_0 ~ N(0,
 * 1)}, {@code z_t ~ N(phi z_{t-1}, sigma)}, {@code y_t ~ N(z_t, tau)} observed, written as one
 * {@code scan} over y with the observation inside the body; the three-series version opens
 * {@code plate("series", 3)} inside the body. Autoguides see one site {@code z} of shape {@code
 * [T]} ({@code [T, 3]}: the time axis first), and must reach the mean-field optimum (AutoNormal)
 * or the exact posterior (AutoMultivariateNormal, the model being Gaussian).
 *
 * <p><b>Convergence.</b> The rate decays exponentially from 0.05 to 5e-4 over the run, so the
 * distance Adam can travel (about the rate per step per coordinate) is {@code sum of rates =
 * 0.05 (1 - 0.01) / ln(100) * steps = 0.0107 * steps}, 21 for 2000 steps. The initial distance
 * per unconstrained coordinate is at most 2.7 (locations drawn in (-2, 2), targets within 0.7 of
 * 0; log scales start at log 0.1 = -2.3, targets near log 0.25 = -1.4; Cholesky off-diagonals
 * start at 0, targets below 0.06), an eighth of it.
 *
 * <p><b>Tolerances: the noise floor, per unconstrained coordinate.</b> {@link SviTest}'s bound
 * (Adam moves a coordinate by about the rate per step and wanders over 1 / (1 - b1) = 10 steps,
 * so 10 * 5e-4 = 5e-3, times 4) holds while the gradient's mean dominates its noise. At this
 * optimum the noise dominates, and Adam's step is then {@code lr * g / rms(g)}: a random walk of
 * variance {@code lr^2} per step (the first-moment average keeps the noise's spectrum at zero
 * frequency), pulled back by {@code lr * h / sigma} per unit of error, where {@code h} is the
 * loss's curvature in that coordinate and {@code sigma} the standard deviation of its gradient
 * estimate (single-particle {@code sigma1 / sqrt(particles)}). The error's variance follows
 * {@code V <- V (1 - 2 lr_k h / sigma) + lr_k^2} over the schedule ({@link #finalSd}); near the
 * end it is about {@code lr sigma / (2 h)}, a bit more as the rate decays faster than the error
 * relaxes. We allow 4 of its final standard deviations. With {@code P} the posterior precision
 * ({@code ssm.precision}), {@code s_t} the mean-field sds, {@code L} the posterior's Cholesky
 * factor, and {@code eps ~ N(0, I)} the reparameterization noise, {@code sigma1^2} and {@code h}
 * at the optimum are (derivations in the methods):
 *
 * <ul>
 *   <li>AutoNormal with TraceElbo, loc: {@code sum_j P_tj^2 s_j^2} and {@code P_tt} (4 sds:
 *       0.025); log scale: {@code 2 + sum_{j != t} (P_tj s_t s_j)^2} and 2 (0.051);
 *   <li>AutoNormal with TraceMeanFieldElbo (KL of step t given the drawn z_{t-1}): loc {@code
 *       s_t^2 (P_tt - 1/sd_t^2)^2 + P_{t,t-1}^2 s_{t-1}^2}, log scale {@code 2 s_t^4 (P_tt -
 *       1/sd_t^2)^2 + s_t^2 (m_t - c_t m_{t-1})^2 / sd_t^4}, with {@code c_t, sd_t} the prior's
 *       coefficient and sd of step t;
 *   <li>AutoMultivariateNormal: loc {@code P_tt} and {@code P_tt}; strictly lower {@code L_ij}:
 *       {@code P_ii} and {@code P_ii}; log {@code L_ii}: both {@code 1 + L_ii^2 P_ii}.
 * </ul>
 *
 * <p>These predict root-mean-square errors of 0.006 (locations) and 0.013 (log scales) for
 * AutoNormal with TraceElbo. Fits of all five kinds below over 8 other seeds each agree: the
 * errors divided by the predicted sd average to about 0 and have a root mean square of 0.92 to
 * 1.09 (largest 3.0, over 144 coordinates): no bias, only the noise floor. A
 * coordinate's tolerance {@code du} then maps through the constraining transform, at the fitted
 * value: locations and strictly lower Cholesky entries (identity) by {@code du}; {@code exp}
 * sites (scales, the Cholesky diagonal, see {@link
 * dev.ember.dist.transforms.LowerCholeskyTransform}) by {@code (e^du - 1)} relative; the
 * covariance {@code C = L L^T} by {@code |dC_ij| <= sum_k (|L_ik| e_jk + e_ik |L_jk| + e_ik
 * e_jk)} with {@code e} those bounds on {@code L} (exact, not first order); a standard deviation
 * {@code sqrt(C_ii)} by {@code |dC_ii| / sd}; a correlation {@code C_ij / (sd_i sd_j)} by {@code
 * (|dC_ij| + |rho| |d(sd_i sd_j)|) / (sd_i sd_j)} to first order.
 *
 * <p><b>ELBO.</b> For Gaussian {@code q = N(m, S)} against the Gaussian posterior {@code N(mu,
 * P^-1)}, {@code ELBO(q) = log p(y) - KL(q || post)} with {@code KL = (tr(P S) - D + (m - mu)^T P
 * (m - mu) - log det S - log det P) / 2}. The Monte-Carlo estimate at the fitted params (many
 * independent single-particle estimates) must match that closed form within 4 standard errors.
 * The closed form itself exceeds the reference optimum's KL ({@code ssm.mfGap}, or 0 for the full
 * rank guide) by the second-order excess {@code dm^T P dm / 2 + tr(dL^T P dL) / 2 + sum_i (x_i -
 * log(1 + x_i))}, {@code x_i = dL_ii / L_ii} (the linear term vanishes at the optimum), bounded
 * with the per-coordinate tolerances above by {@code dm^T |P| dm / 2 + sum_k e_k^T |P| e_k / 2 +
 * sum_i (e^{du_ii} - 1 - du_ii)}.
 *
 * <p>Runtime: each fit is 2000 steps of 4 particles over T = 6 scanned steps, under a second.
 */
@SuppressWarnings("try") // plates are entered for their effect
class StateSpaceSviTest {
  static final ReferenceFile REF = ReferenceFile.load("/reference/inference-reference.txt");
  static final double PHI = REF.scalar("ssm.phi");
  static final double SIGMA = REF.scalar("ssm.sigma");
  static final double TAU = REF.scalar("ssm.tau");
  static final double INIT_SCALE = REF.scalar("ssm.initScale");
  static final int T = (int) REF.integer("ssm.T");
  static final int B = (int) REF.integer("ssm3.B");
  static final double[][] PREC = REF.matrix("ssm.precision");
  static final double[] MF_SD = REF.vector("ssm.mfSd");

  static final int STEPS = 2000;
  static final int PARTICLES = 4;
  /** Allowed standard deviations of the noise floor. */
  static final double SDS = 4.0;

  /**
   * Per-step prior coefficient and sd: step 0 is z_0's prior (coefficient 0, sd initScale), later
   * steps the AR(1) transition; scanned as inputs next to y.
   */
  static final Tensor COEF = perStep(0.0, PHI);
  static final Tensor SD = perStep(INIT_SCALE, SIGMA);

  static Tensor perStep(double first, double rest) {
    double[] v = new double[T];
    java.util.Arrays.fill(v, rest);
    v[0] = first;
    return Tensor.of(v);
  }

  /** One series: {@code y} is {@code [T]}, the state a scalar. */
  static final Model<Tensor> SSM = y -> scan((Tensor prev, List<Tensor> x) -> {
    Tensor z = sample("z", Normal.of(prev.mul(x.get(1)), x.get(2)));
    sample("y", Normal.of(z, Tensor.scalar(TAU)), x.get(0));
    return ScanStep.of(z, z);
  }, Tensor.scalar(0.0), List.of(y, COEF, SD));

  /** B independent series: {@code y} is {@code [T, B]}, the state {@code [B]} in a plate. */
  static final Model<Tensor> SSM3 = y -> scan((Tensor prev, List<Tensor> x) -> {
    try (Plate p = plate("series", B)) {
      Tensor z = sample("z", Normal.of(prev.mul(x.get(1)), x.get(2)));
      sample("y", Normal.of(z, Tensor.scalar(TAU)), x.get(0));
      return ScanStep.of(z, z);
    }
  }, Tensor.zeros(B), List.of(y, COEF, SD));

  static final Tensor Y = Tensor.of(REF.vector("ssm.y"));

  /** {@code ssm3.y} is one row per series; the model scans over time, so {@code [T, B]}. */
  static final Tensor Y3 = Tensor.of(REF.matrix("ssm3.y")).transpose();

  static LearningRate decaying() {
    return LearningRate.exponentialDecay(0.05, 0.01, STEPS, false);
  }

  static Map<String, Tensor> fit(Model<Tensor> model, Model<Tensor> guide, Elbo elbo, Tensor y,
      long seed) {
    return Svi.of(model, guide, Adam.of(decaying()), elbo).progress(false)
        .run(RngKey.of(seed), STEPS, y).params();
  }

  /**
   * The final standard deviation of a coordinate's error under the schedule, from the gradient
   * noise {@code sigma1} of one particle and the curvature {@code h} (class comment).
   */
  static double finalSd(double sigma1, double h) {
    LearningRate lr = decaying();
    double sigma = sigma1 / Math.sqrt(PARTICLES);
    double v = 0;
    for (int k = 0; k < STEPS; k++) {
      double a = lr.at(k);
      v = v * Math.max(0, 1 - 2 * a * h / sigma) + a * a;
    }
    return Math.sqrt(v);
  }

  static double tolerance(double sigma1Squared, double h) {
    return SDS * finalSd(Math.sqrt(sigma1Squared), h);
  }

  // ---------------------------------------------------------------- mean-field (AutoNormal)

  @Test
  void autoNormalReachesTheMeanFieldOptimum() {
    double[] mean = REF.vector("ssm.mfMean");
    Map<String, Tensor> p = fit(SSM, AutoNormal.of(SSM), new TraceElbo(PARTICLES), Y, 0);
    double[][] tol = meanFieldTolerances(mean, false);
    assertMeanField(p, mean, MF_SD, tol, Shape.of(T));
    double[][] tolLogScale = new double[T][T]; // a diagonal scale_tril
    for (int t = 0; t < T; t++) {
      tolLogScale[t][t] = tol[1][t];
    }
    assertElbo(AutoNormal.of(SSM), p, tol[0], tolLogScale, REF.scalar("ssm.mfElbo"));
  }

  @Test
  void meanFieldElboWithAnalyticKlReachesTheSameOptimum() {
    double[] mean = REF.vector("ssm.mfMean");
    Map<String, Tensor> p = fit(SSM, AutoNormal.of(SSM), new TraceMeanFieldElbo(PARTICLES), Y, 1);
    assertMeanField(p, mean, MF_SD, meanFieldTolerances(mean, true), Shape.of(T));
  }

  @Test
  void autoNormalOverAPlateInsideTheScanBodyReachesEachSeriesOptimum() {
    double[][] mean = REF.matrix("ssm3.postMean"); // [B, T]: mean-field means = posterior means
    for (boolean analyticKl : new boolean[] {false, true}) {
      // the site is [T, B], time first: entry (t, b) at t * B + b
      double[] wantLoc = new double[T * B];
      double[] wantSd = new double[T * B];
      double[][] tol = new double[2][T * B];
      for (int b = 0; b < B; b++) {
        double[][] tb = meanFieldTolerances(mean[b], analyticKl);
        for (int t = 0; t < T; t++) {
          wantLoc[t * B + b] = mean[b][t];
          wantSd[t * B + b] = MF_SD[t]; // the same for every series
          tol[0][t * B + b] = tb[0][t];
          tol[1][t * B + b] = tb[1][t];
        }
      }
      Elbo elbo = analyticKl ? new TraceMeanFieldElbo(PARTICLES) : new TraceElbo(PARTICLES);
      Map<String, Tensor> p = fit(SSM3, AutoNormal.of(SSM3), elbo, Y3, analyticKl ? 3 : 2);
      assertMeanField(p, wantLoc, wantSd, tol, Shape.of(T, B));
    }
  }

  /**
   * Per-step tolerances {@code [loc, log scale]} of the mean-field fit of one series with means
   * {@code m}. Near the optimum {@code m = mu}, {@code s_t^2 = 1 / P_tt}, with {@code z = m + s
   * eps} and {@code -log p(y, z) = (z - mu)^T P (z - mu) / 2 + const}:
   *
   * <ul>
   *   <li>TraceElbo: {@code log q(z)} does not depend on {@code m} and is {@code -u_t - eps_t^2 /
   *       2} in {@code u_t = log s_t}, so {@code g_m = (P s eps)_t} and {@code g_u = s_t eps_t (P
   *       s eps)_t - 1 = eps_t^2 - 1 + eps_t sum_{j != t} P_tj s_t s_j eps_j};
   *   <li>TraceMeanFieldElbo: step t contributes {@code KL(N(m_t, s_t) || N(c_t z_{t-1}, sd_t))}
   *       and {@code -log N(y_t; z_t, tau)}; the noise of {@code g_m} comes from {@code z_{t-1}}
   *       in the KL of step t and from {@code z_t} in step t + 1's KL and the likelihood (their
   *       precision {@code P_tt - 1/sd_t^2}); {@code g_u = s_t^2 / sd_t^2 - 1 + s_t eps_t (A_t +
   *       s_t eps_t (P_tt - 1/sd_t^2))} with {@code A_t = -(m_t - c_t m_{t-1}) / sd_t^2} (the
   *       stationarity of {@code m_t}).
   * </ul>
   *
   * The curvatures are {@code P_tt} in {@code m_t} and {@code 2 P_tt s_t^2 = 2} in {@code u_t}.
   */
  static double[][] meanFieldTolerances(double[] m, boolean analyticKl) {
    double[] s = MF_SD;
    double[] coef = COEF.toArray();
    double[] sd = SD.toArray();
    double[][] tol = new double[2][T];
    for (int t = 0; t < T; t++) {
      double varLoc;
      double varLogScale;
      if (analyticKl) {
        double later = PREC[t][t] - 1 / (sd[t] * sd[t]); // precision from step t + 1 and y_t
        double before = t == 0 ? 0 : PREC[t][t - 1] * s[t - 1];
        varLoc = s[t] * s[t] * later * later + before * before;
        double a = t == 0 ? m[0] / (sd[0] * sd[0])
            : (m[t] - coef[t] * m[t - 1]) / (sd[t] * sd[t]);
        varLogScale = 2 * Math.pow(s[t] * s[t] * later, 2) + s[t] * s[t] * a * a;
      } else {
        varLoc = 0;
        varLogScale = 2;
        for (int j = 0; j < T; j++) {
          varLoc += PREC[t][j] * PREC[t][j] * s[j] * s[j];
          if (j != t) {
            varLogScale += Math.pow(PREC[t][j] * s[t] * s[j], 2);
          }
        }
      }
      tol[0][t] = tolerance(varLoc, PREC[t][t]);
      tol[1][t] = tolerance(varLogScale, 2.0);
    }
    return tol;
  }

  static void assertMeanField(Map<String, Tensor> p, double[] wantLoc, double[] wantSd,
      double[][] tol, Shape shape) {
    Tensor loc = p.get("auto_z_loc");
    Tensor scale = p.get("auto_z_scale");
    assertEquals(shape, loc.shape());
    assertEquals(shape, scale.shape());
    double[] l = loc.toArray();
    double[] s = scale.toArray();
    for (int i = 0; i < l.length; i++) {
      assertEquals(wantLoc[i], l[i], tol[0][i], "loc " + i);
      assertEquals(wantSd[i], s[i], Math.expm1(tol[1][i]) * s[i], "scale " + i);
    }
  }

  // ------------------------------------------------------- full rank (AutoMultivariateNormal)

  @Test
  void autoMultivariateNormalReachesTheExactPosterior() {
    AutoMultivariateNormal<Tensor> guide = AutoMultivariateNormal.of(SSM);
    Map<String, Tensor> p = fit(SSM, guide, new TraceElbo(PARTICLES), Y, 4);
    double[] mean = REF.vector("ssm.postMean");
    double[][] cov = REF.matrix("ssm.postCov");
    double[] sdRef = REF.vector("ssm.postSd");
    double[] loc = p.get("auto_loc").toArray();
    double[][] tolL = fullRankTolerances();
    double[] tolLoc = new double[T];
    assertEquals(T, loc.length);
    for (int t = 0; t < T; t++) {
      tolLoc[t] = tolerance(PREC[t][t], PREC[t][t]);
      assertEquals(mean[t], loc[t], tolLoc[t], "loc " + t);
    }
    double[][] l = p.get("auto_scale_tril").toArray2d();
    double[][] c = guide.covariance(p).toArray2d();
    double[][] dc = covarianceBound(l, choleskyBound(l, tolL));
    for (int i = 0; i < T; i++) {
      for (int j = 0; j < T; j++) {
        assertEquals(cov[i][j], c[i][j], dc[i][j], "cov " + i + "," + j);
      }
    }
    double[] sd = new double[T];
    double[] dsd = new double[T];
    for (int i = 0; i < T; i++) {
      sd[i] = Math.sqrt(c[i][i]);
      dsd[i] = dc[i][i] / sd[i];
      assertEquals(sdRef[i], sd[i], dsd[i], "sd " + i);
    }
    for (int i = 0; i + 1 < T; i++) { // lag-1 correlations, the largest (about 0.19)
      int j = i + 1;
      double rho = c[i][j] / (sd[i] * sd[j]);
      double rhoRef = cov[i][j] / (sdRef[i] * sdRef[j]);
      double dProd = sd[i] * dsd[j] + dsd[i] * sd[j] + dsd[i] * dsd[j];
      double bound = (dc[i][j] + Math.abs(rho) * dProd) / (sd[i] * sd[j]);
      assertEquals(rhoRef, rho, bound, "correlation " + i + "," + j);
      assertTrue(rho > 0.1, "the guide captures the lag-1 correlation: " + rho);
    }
    assertElbo(guide, p, tolLoc, tolL, REF.scalar("ssm.logEvidence"));
  }

  /**
   * Unconstrained tolerances of the entries of {@code L} (diagonal: of {@code log L_ii}). At the
   * optimum {@code P L = L^-T}; with {@code z = m + L eps}, {@code log q = -sum log L_ii - |eps|^2
   * / 2 + const}, so {@code g_L = (L^-T eps) eps^T - diag(1 / L_ii)}: below the diagonal the
   * variance is {@code sum_k (L^-T)_ik^2 = P_ii}, and the curvature of {@code tr(L^T P L) / 2} is
   * {@code P_ii}; on it, in {@code u = log L_ii}, {@code g = eps_i^2 - 1 + L_ii eps_i sum_{k > i}
   * (L^-T)_ik eps_k} of variance {@code 2 + L_ii^2 (P_ii - 1 / L_ii^2)} and curvature {@code 1 +
   * L_ii^2 P_ii}, the same.
   */
  static double[][] fullRankTolerances() {
    double[][] lRef = REF.matrix("ssm.postCholesky");
    double[][] tol = new double[T][T];
    for (int i = 0; i < T; i++) {
      for (int k = 0; k < i; k++) {
        tol[i][k] = tolerance(PREC[i][i], PREC[i][i]);
      }
      double h = 1 + lRef[i][i] * lRef[i][i] * PREC[i][i];
      tol[i][i] = tolerance(h, h);
    }
    return tol;
  }

  /**
   * {@code e_ik}, the bound on {@code |dL_ik|}: {@code tol_ik} below the diagonal (identity),
   * {@code (e^tol_ii - 1) L_ii} on it (exp).
   */
  static double[][] choleskyBound(double[][] l, double[][] tol) {
    int n = l.length;
    double[][] e = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        e[i][k] = tol[i][k];
      }
      e[i][i] = Math.expm1(tol[i][i]) * l[i][i];
    }
    return e;
  }

  /** The bound on {@code |L L^T - C_ref|} from {@code |dL_ik| <= e_ik} (class comment). */
  static double[][] covarianceBound(double[][] l, double[][] e) {
    int n = l.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += Math.abs(l[i][k]) * e[j][k] + e[i][k] * Math.abs(l[j][k]) + e[i][k] * e[j][k];
        }
        out[i][j] = s;
      }
    }
    return out;
  }

  // --------------------------------------------------------------------------------- ELBO

  /**
   * The Monte-Carlo ELBO at the fitted params against the closed form for the fitted Gaussian
   * (within 4 standard errors), and the closed form against the reference optimum {@code want}
   * (within the excess bound of the class comment, from the unconstrained tolerances {@code
   * tolLoc} and {@code tol}, as in {@link #fullRankTolerances}; a mean-field guide is a diagonal
   * {@code L}).
   */
  static void assertElbo(Model<Tensor> guide, Map<String, Tensor> p, double[] tolLoc,
      double[][] tol, double want) {
    double[] m;
    double[][] l = new double[T][T];
    if (p.containsKey("auto_loc")) {
      m = p.get("auto_loc").toArray();
      l = p.get("auto_scale_tril").toArray2d();
    } else {
      m = p.get("auto_z_loc").toArray();
      double[] s = p.get("auto_z_scale").toArray();
      for (int t = 0; t < T; t++) {
        l[t][t] = s[t];
      }
    }
    double exact = REF.scalar("ssm.logEvidence") - klToPosterior(m, l);
    double[][] e = choleskyBound(l, tol);
    double excess = 0;
    for (int i = 0; i < T; i++) {
      excess += Math.expm1(tol[i][i]) - tol[i][i];
      for (int j = 0; j < T; j++) {
        double cholesky = 0;
        for (int k = 0; k < T; k++) {
          cholesky += e[i][k] * e[j][k];
        }
        excess += 0.5 * Math.abs(PREC[i][j]) * (tolLoc[i] * tolLoc[j] + cholesky);
      }
    }
    int n = 2000;
    Model<Tensor> fitted = Handlers.substitute(guide, p);
    Elbo elbo = new TraceElbo();
    double sum = 0;
    double sumSq = 0;
    for (RngKey k : RngKey.of(99).split(n)) {
      double v = -elbo.estimate(SSM, fitted, Y, k).value();
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / n;
    double se = Math.sqrt(Math.max(0, sumSq - n * mean * mean) / (n - 1) / n);
    assertTrue(Math.abs(mean - exact) <= 4 * se,
        "Monte-Carlo ELBO " + mean + " vs closed form " + exact + " (se " + se + ")");
    assertEquals(want, exact, excess, "ELBO of the fitted guide vs the reference optimum");
    assertTrue(exact <= want + 1e-12, "the optimum's ELBO is the largest");
  }

  /** {@code KL(N(m, L L^T) || N(postMean, P^-1))}. */
  static double klToPosterior(double[] m, double[][] l) {
    double[] mu = REF.vector("ssm.postMean");
    int n = m.length;
    double trace = 0;
    double quad = 0;
    double logDetS = 0;
    for (int i = 0; i < n; i++) {
      logDetS += 2 * Math.log(l[i][i]);
      for (int j = 0; j < n; j++) {
        double sij = 0;
        for (int k = 0; k < n; k++) {
          sij += l[i][k] * l[j][k];
        }
        trace += PREC[i][j] * sij;
        quad += (m[i] - mu[i]) * PREC[i][j] * (m[j] - mu[j]);
      }
    }
    return 0.5 * (trace - n + quad - logDetS - REF.scalar("ssm.logDetPrecision"));
  }
}
