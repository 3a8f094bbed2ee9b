// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The exact posteriors of {@code inference-reference.txt} (from {@code
 * tools/reference/inference_reference.py}; the command that regenerates it is in its header),
 * checked for internal consistency with plain double arithmetic and no Ember inference: the
 * posteriors are recomputed from the file's data and parameters by their closed forms, the
 * state-space posterior mean solves {@code L m = b}, the covariance inverts {@code L}, the
 * evidence and ELBO identities hold, and the mean-field sds are below the exact ones. This also
 * exercises the format through {@link ReferenceFile} for the inference tests that use it.
 *
 * <p>Tolerance: 1e-12 relative to {@code max(|expected|, 1)}. Every quantity is a short sum or a
 * solve of a well-conditioned 6 x 6 tridiagonal system (condition number below 10) in doubles,
 * accurate to a few ulp of the magnitudes involved (at most about 20 for the log-densities).
 */
class InferenceReferenceFileTest {

  private static final double TOL = 1e-12;
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final ReferenceFile REF =
      ReferenceFile.load("/reference/inference-reference.txt");

  private static void close(double expected, double actual, String what) {
    double err = Math.abs(actual - expected);
    assertTrue(err <= TOL * Math.max(Math.abs(expected), 1.0),
        () -> what + ": expected " + expected + ", got " + actual + " (error " + err + ")");
  }

  private static double normalLogPdf(double x, double m, double s) {
    double u = (x - m) / s;
    return -0.5 * u * u - Math.log(s) - 0.5 * LOG_2PI;
  }

  @Test
  void normalNormal() {
    double m0 = REF.scalar("nn.m0");
    double s0 = REF.scalar("nn.s0");
    double s = REF.scalar("nn.s");
    double[] y = REF.vector("nn.y");
    assertEquals(REF.integer("nn.N"), y.length);
    double sum = 0;
    for (double v : y) {
      sum += v;
    }
    double prec = 1 / (s0 * s0) + y.length / (s * s);
    double mean = (m0 / (s0 * s0) + sum / (s * s)) / prec;
    double sd = 1 / Math.sqrt(prec);
    close(REF.scalar("nn.postMean"), mean, "nn.postMean");
    close(REF.scalar("nn.postSd"), sd, "nn.postSd");

    // log p(y) = log p(y | mu) + log p(mu) - log p(mu | y), at any mu: try two
    for (double mu : new double[] {mean, -1.0}) {
      double logLik = 0;
      for (double v : y) {
        logLik += normalLogPdf(v, mu, s);
      }
      double logZ = logLik + normalLogPdf(mu, m0, s0) - normalLogPdf(mu, mean, sd);
      close(REF.scalar("nn.logEvidence"), logZ, "nn.logEvidence at mu = " + mu);
    }

    double loc = REF.scalar("nn.q.loc");
    double scale = REF.scalar("nn.q.scale");
    double ell = 0;
    for (double v : y) {
      ell += -0.5 * LOG_2PI - Math.log(s) - ((v - loc) * (v - loc) + scale * scale) / (2 * s * s);
    }
    double klPrior = kl(loc, scale, m0, s0);
    double klPost = kl(loc, scale, mean, sd);
    double beta = REF.scalar("nn.beta");
    close(REF.scalar("nn.q.expectedLogLik"), ell, "nn.q.expectedLogLik");
    close(REF.scalar("nn.q.klPrior"), klPrior, "nn.q.klPrior");
    close(REF.scalar("nn.q.klPosterior"), klPost, "nn.q.klPosterior");
    close(REF.scalar("nn.q.elbo"), ell - klPrior, "nn.q.elbo");
    close(REF.scalar("nn.q.elboBeta"), ell - beta * klPrior, "nn.q.elboBeta");
    // ELBO = log p(y) - KL(q || posterior) <= log p(y)
    close(REF.scalar("nn.q.elbo"), REF.scalar("nn.logEvidence") - klPost, "nn ELBO identity");
    assertTrue(REF.scalar("nn.q.elbo") < REF.scalar("nn.logEvidence"));
  }

  /** KL(Normal(m1, s1) || Normal(m2, s2)). */
  private static double kl(double m1, double s1, double m2, double s2) {
    return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5;
  }

  @Test
  void betaBernoulli() {
    double[] x = REF.vector("bb.x");
    assertEquals(REF.integer("bb.N"), x.length);
    int ones = 0;
    for (double v : x) {
      assertTrue(v == 0.0 || v == 1.0, "bb.x holds 0/1 values");
      ones += (int) v;
    }
    assertEquals(REF.integer("bb.sum"), ones);
    double a = REF.scalar("bb.a0") + ones;
    double b = REF.scalar("bb.b0") + x.length - ones;
    assertEquals(a, REF.scalar("bb.postA"), 0.0);
    assertEquals(b, REF.scalar("bb.postB"), 0.0);
    close(REF.scalar("bb.postMean"), a / (a + b), "bb.postMean");
    close(REF.scalar("bb.postSd"), Math.sqrt(a * b / ((a + b) * (a + b) * (a + b + 1))),
        "bb.postSd");
    // Beta(1, 1) prior: log p(x) = log B(a, b) = log((a-1)! (b-1)! / (a+b-1)!) for integers
    assertEquals(1.0, REF.scalar("bb.a0"));
    assertEquals(1.0, REF.scalar("bb.b0"));
    double logBeta = logFactorial((int) a - 1) + logFactorial((int) b - 1)
        - logFactorial((int) (a + b) - 1);
    close(REF.scalar("bb.logEvidence"), logBeta, "bb.logEvidence");
  }

  private static double logFactorial(int n) {
    double s = 0;
    for (int k = 2; k <= n; k++) {
      s += Math.log(k);
    }
    return s;
  }

  /** The model's parameters. */
  private record Ssm(double phi, double sigma, double tau, double init, int steps) {
    static Ssm fromFile() {
      return new Ssm(REF.scalar("ssm.phi"), REF.scalar("ssm.sigma"), REF.scalar("ssm.tau"),
          REF.scalar("ssm.initScale"), (int) REF.integer("ssm.T"));
    }

    /** The posterior precision L, dense [T, T] (tridiagonal). */
    double[][] precision() {
      double[][] l = new double[steps][steps];
      for (int t = 0; t < steps; t++) {
        l[t][t] = 1 / (tau * tau) + (t == 0 ? 1 / (init * init) : 1 / (sigma * sigma));
        if (t + 1 < steps) {
          l[t][t] += phi * phi / (sigma * sigma);
          l[t][t + 1] = -phi / (sigma * sigma);
          l[t + 1][t] = -phi / (sigma * sigma);
        }
      }
      return l;
    }

    /** log p(y, z). */
    double logJoint(double[] y, double[] z) {
      double s = normalLogPdf(z[0], 0, init);
      for (int t = 1; t < steps; t++) {
        s += normalLogPdf(z[t], phi * z[t - 1], sigma);
      }
      for (int t = 0; t < steps; t++) {
        s += normalLogPdf(y[t], z[t], tau);
      }
      return s;
    }

    /** E_q[log p(y, z)] for q = Normal(m, cov). */
    double expectedLogJoint(double[] y, double[] m, double[][] cov) {
      double s = normalLogPdf(0, 0, init) - (m[0] * m[0] + cov[0][0]) / (2 * init * init);
      for (int t = 1; t < steps; t++) {
        double d = m[t] - phi * m[t - 1];
        double sq = d * d + cov[t][t] - 2 * phi * cov[t][t - 1] + phi * phi * cov[t - 1][t - 1];
        s += normalLogPdf(0, 0, sigma) - sq / (2 * sigma * sigma);
      }
      for (int t = 0; t < steps; t++) {
        double d = y[t] - m[t];
        s += normalLogPdf(0, 0, tau) - (d * d + cov[t][t]) / (2 * tau * tau);
      }
      return s;
    }
  }

  /** Solves the tridiagonal system l x = r (Thomas algorithm); also returns log det l. */
  private static double[] solveTridiagonal(double[][] l, double[] r, double[] logDet) {
    int n = r.length;
    double[] c = new double[n];
    double[] d = new double[n];
    double det = 0;
    double pivot = l[0][0];
    det += Math.log(pivot);
    c[0] = n > 1 ? l[0][1] / pivot : 0;
    d[0] = r[0] / pivot;
    for (int i = 1; i < n; i++) {
      pivot = l[i][i] - l[i][i - 1] * c[i - 1];
      det += Math.log(pivot);
      c[i] = i + 1 < n ? l[i][i + 1] / pivot : 0;
      d[i] = (r[i] - l[i][i - 1] * d[i - 1]) / pivot;
    }
    double[] x = new double[n];
    x[n - 1] = d[n - 1];
    for (int i = n - 2; i >= 0; i--) {
      x[i] = d[i] - c[i] * x[i + 1];
    }
    logDet[0] = det;
    return x;
  }

  @Test
  void stateSpacePosterior() {
    Ssm m = Ssm.fromFile();
    int n = m.steps();
    double[] y = REF.vector("ssm.y");
    assertEquals(n, y.length);
    assertEquals(n, REF.vector("ssm.zTrue").length);
    double[][] l = m.precision();
    double[][] lFile = REF.matrix("ssm.precision");
    double[] b = REF.vector("ssm.linear");
    for (int i = 0; i < n; i++) {
      close(y[i] / (m.tau() * m.tau()), b[i], "ssm.linear " + i);
      for (int j = 0; j < n; j++) {
        close(lFile[i][j], l[i][j], "ssm.precision " + i + " " + j);
      }
    }
    double[] mean = REF.vector("ssm.postMean");
    double[][] cov = REF.matrix("ssm.postCov");
    // L m = b and L cov = I, with L rebuilt here from the parameters
    for (int i = 0; i < n; i++) {
      double lm = 0;
      for (int k = 0; k < n; k++) {
        lm += l[i][k] * mean[k];
      }
      close(b[i], lm, "(L postMean)_" + i);
      for (int j = 0; j < n; j++) {
        double lc = 0;
        for (int k = 0; k < n; k++) {
          lc += l[i][k] * cov[k][j];
        }
        close(i == j ? 1.0 : 0.0, lc, "(L postCov)_" + i + j);
        assertEquals(cov[i][j], cov[j][i], TOL, "postCov symmetric");
      }
    }
    double[] logDet = new double[1];
    double[] solved = solveTridiagonal(l, b, logDet);
    for (int t = 0; t < n; t++) {
      close(mean[t], solved[t], "ssm.postMean " + t);
    }
    close(REF.scalar("ssm.logDetPrecision"), logDet[0], "ssm.logDetPrecision");
    double[][] chol = REF.matrix("ssm.postCholesky");
    double[] sd = REF.vector("ssm.postSd");
    double[] mfSd = REF.vector("ssm.mfSd");
    assertArrayEquals(mean, REF.vector("ssm.mfMean"), 0.0);
    for (int i = 0; i < n; i++) {
      close(Math.sqrt(cov[i][i]), sd[i], "ssm.postSd " + i);
      close(1 / Math.sqrt(l[i][i]), mfSd[i], "ssm.mfSd " + i);
      // the mean-field optimum under-disperses: 1 / L_tt <= (L^-1)_tt
      assertTrue(mfSd[i] <= sd[i], "mfSd <= postSd at " + i);
      for (int j = 0; j < n; j++) {
        if (j > i) {
          assertEquals(0.0, chol[i][j], 0.0, "postCholesky is lower triangular");
        }
        double llt = 0;
        for (int k = 0; k < n; k++) {
          llt += chol[i][k] * chol[j][k];
        }
        close(cov[i][j], llt, "(postCholesky postCholesky')_" + i + j);
      }
    }
  }

  @Test
  void stateSpaceEvidenceAndElbos() {
    Ssm m = Ssm.fromFile();
    int n = m.steps();
    double[] y = REF.vector("ssm.y");
    double[] mean = REF.vector("ssm.postMean");
    double[][] cov = REF.matrix("ssm.postCov");
    double[][] l = m.precision();
    double logDet = REF.scalar("ssm.logDetPrecision");
    double logZ = REF.scalar("ssm.logEvidence");
    // log p(y) = log p(y, m) - log p(m | y) = log p(y, m) + (T/2) log 2 pi - (1/2) log det L
    close(logZ, m.logJoint(y, mean) + 0.5 * n * LOG_2PI - 0.5 * logDet, "ssm.logEvidence");
    double sumLogDiag = 0;
    double[][] diag = new double[n][n];
    double entropyMf = 0;
    for (int t = 0; t < n; t++) {
      sumLogDiag += Math.log(l[t][t]);
      diag[t][t] = 1 / l[t][t];
      entropyMf += 0.5 * (LOG_2PI + 1 - Math.log(l[t][t]));
    }
    double gap = 0.5 * (sumLogDiag - logDet);
    close(REF.scalar("ssm.mfGap"), gap, "ssm.mfGap");
    close(REF.scalar("ssm.mfElbo"), logZ - gap, "ssm.mfElbo = logEvidence - mfGap");
    close(REF.scalar("ssm.mfElbo"), m.expectedLogJoint(y, mean, diag) + entropyMf,
        "ssm.mfElbo = E_q[log p] + H[q]");
    assertTrue(REF.scalar("ssm.mfElbo") < logZ);
    double entropyFull = 0.5 * (n * (LOG_2PI + 1) - logDet);
    close(REF.scalar("ssm.fullRankElbo"), m.expectedLogJoint(y, mean, cov) + entropyFull,
        "ssm.fullRankElbo = E_q[log p] + H[q]");
    close(logZ, REF.scalar("ssm.fullRankElbo"), "ssm.fullRankElbo = logEvidence");
  }

  @Test
  void stateSpaceSeveralSeries() {
    Ssm m = Ssm.fromFile();
    int n = m.steps();
    double[][] y = REF.matrix("ssm3.y");
    double[][] mean = REF.matrix("ssm3.postMean");
    double[] logZ = REF.vector("ssm3.logEvidence");
    double[] mfElbo = REF.vector("ssm3.mfElbo");
    int series = (int) REF.integer("ssm3.B");
    assertEquals(series, y.length);
    assertEquals(n, y[0].length);
    assertEquals(series, mean.length);
    double[][] l = m.precision();
    double gap = REF.scalar("ssm.mfGap");
    double totalZ = 0;
    double totalMf = 0;
    for (int s = 0; s < series; s++) {
      double[] b = new double[n];
      for (int t = 0; t < n; t++) {
        b[t] = y[s][t] / (m.tau() * m.tau());
      }
      double[] logDet = new double[1];
      double[] solved = solveTridiagonal(l, b, logDet);
      for (int t = 0; t < n; t++) {
        close(mean[s][t], solved[t], "ssm3.postMean " + s + " " + t);
      }
      close(logZ[s], m.logJoint(y[s], mean[s]) + 0.5 * n * LOG_2PI - 0.5 * logDet[0],
          "ssm3.logEvidence " + s);
      close(mfElbo[s], logZ[s] - gap, "ssm3.mfElbo " + s);
      totalZ += logZ[s];
      totalMf += mfElbo[s];
    }
    close(REF.scalar("ssm3.logEvidenceTotal"), totalZ, "ssm3.logEvidenceTotal");
    close(REF.scalar("ssm3.mfElboTotal"), totalMf, "ssm3.mfElboTotal");
  }

  @Test
  void parserShapesAndErrors() {
    assertEquals(0, REF.rank("ssm.logEvidence"));
    assertEquals(1, REF.rank("ssm.y"));
    assertEquals(2, REF.rank("ssm.postCov"));
    assertEquals(6, REF.matrix("ssm.postCov")[5].length);
    assertTrue(REF.has("nn.q.elboBeta"));
    assertTrue(REF.keys().contains("bb.postSd"));
    assertThrows(IllegalArgumentException.class, () -> REF.scalar("no.such.key"));
    assertThrows(IllegalArgumentException.class, () -> REF.vector("ssm.postCov"));
    assertThrows(IllegalArgumentException.class, () -> REF.scalar("ssm.y"));
    assertThrows(IllegalArgumentException.class, () -> REF.integer("ssm.phi"));
    assertThrows(IllegalArgumentException.class, () -> ReferenceFile.load("/reference/none.txt"));
  }
}
