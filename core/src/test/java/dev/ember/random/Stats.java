// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongToDoubleFunction;
import org.apache.commons.numbers.gamma.RegularizedGamma;

/**
 * Statistical assertions with tolerances derived from the sample size.
 *
 * <ul>
 *   <li>Moments: the sample mean of {@code n} draws has standard error {@code sqrt(var / n)}; the
 *       unbiased sample variance has standard error {@code sqrt((mu4 - var^2) / n)} to first order
 *       in {@code 1/n}, where {@code mu4} is the fourth central moment. Both must lie within 5
 *       standard errors of the truth (two-sided false-alarm probability 5.7e-7 each, by the
 *       central limit theorem).
 *   <li>Kolmogorov–Smirnov: {@code D_n = sup |F_n - F|} must stay below {@code 1.95 / sqrt(n)},
 *       the asymptotic critical value {@code sqrt(-ln(alpha / 2) / 2) / sqrt(n)} at {@code alpha
 *       = 0.001} (Kolmogorov's limit law; the finite-n correction is below 1% for n >= 1000).
 *   <li>Chi-square: integers are grouped into consecutive cells of expected count >= 20 (so the
 *       chi-square approximation holds), the two tails included; the statistic on {@code cells -
 *       1} degrees of freedom must have a p-value {@code Q(df / 2, x / 2)} above 0.001.
 * </ul>
 *
 * <p>Keys are fixed, so every test is deterministic: a failure is a finding to explain, not a
 * flake to re-run.
 */
final class Stats {
  private Stats() {}

  static final double KS_COEFFICIENT_ALPHA_0_001 = 1.95;
  static final double CHI_SQUARE_ALPHA = 0.001;
  static final double STANDARD_ERRORS = 5;

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  /** Mean and variance within 5 standard errors of {@code mean} and {@code var}. */
  static void assertMoments(double[] x, double mean, double var, double mu4, String what) {
    int n = x.length;
    double seMean = Math.sqrt(var / n);
    double seVar = Math.sqrt((mu4 - var * var) / n);
    assertEquals(mean, mean(x), STANDARD_ERRORS * seMean, what + ": sample mean");
    assertEquals(var, variance(x), STANDARD_ERRORS * seVar, what + ": sample variance");
  }

  /** The Kolmogorov–Smirnov statistic of {@code x} against the continuous CDF {@code cdf}. */
  static double ksStatistic(double[] x, DoubleUnaryOperator cdf) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.applyAsDouble(s[i]);
      d = Math.max(d, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
    }
    return d;
  }

  static void assertKs(double[] x, DoubleUnaryOperator cdf, String what) {
    double d = ksStatistic(x, cdf);
    double critical = KS_COEFFICIENT_ALPHA_0_001 / Math.sqrt(x.length);
    assertTrue(d < critical, what + ": Kolmogorov-Smirnov D = " + d + " >= " + critical);
  }

  /**
   * Chi-square goodness of fit of integer samples against the CDF {@code cdf(k) = P(X <= k)},
   * walking {@code k} from {@code from} (the first cell also holds everything below) to at most
   * {@code to} (the last cell holds everything above).
   */
  static void assertChiSquare(double[] x, LongToDoubleFunction cdf, long from, long to, String what) {
    int n = x.length;
    List<Long> upper = new ArrayList<>(); // inclusive upper end of each cell but the last
    List<Double> probs = new ArrayList<>();
    double below = 0; // P(X <= end of the previous cell)
    for (long k = from; k <= to; k++) {
      double c = cdf.applyAsDouble(k);
      if ((c - below) * n >= 20 && (1 - c) * n >= 20) {
        upper.add(k);
        probs.add(c - below);
        below = c;
      }
    }
    probs.add(1 - below);
    int cells = probs.size();
    long[] ends = upper.stream().mapToLong(Long::longValue).toArray();
    double[] counts = new double[cells];
    for (double v : x) {
      assertEquals(Math.rint(v), v, 0.0, what + ": not an integer: " + v);
      int cell = Arrays.binarySearch(ends, (long) v);
      counts[cell >= 0 ? cell : -cell - 1]++;
    }
    double stat = 0;
    for (int c = 0; c < cells; c++) {
      double e = probs.get(c) * n;
      stat += (counts[c] - e) * (counts[c] - e) / e;
    }
    int df = cells - 1;
    assertTrue(df >= 1, what + ": too few cells for a chi-square test");
    double p = RegularizedGamma.Q.value(df / 2.0, stat / 2.0);
    assertTrue(p > CHI_SQUARE_ALPHA,
        what + ": chi-square " + stat + " on " + df + " df, p = " + p);
  }

  /** The CDF of a distribution on {@code 0 .. K-1} with the given probabilities. */
  static LongToDoubleFunction cdfOf(double[] pmf) {
    double[] cum = new double[pmf.length];
    double s = 0;
    for (int k = 0; k < pmf.length; k++) {
      s += pmf[k];
      cum[k] = s;
    }
    return k -> k < 0 ? 0 : k >= pmf.length ? 1 : cum[(int) k];
  }

  /** Sample correlation coefficient. */
  static double correlation(double[] x, double[] y) {
    double mx = mean(x);
    double my = mean(y);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
