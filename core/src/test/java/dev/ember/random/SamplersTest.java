// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.apache.commons.numbers.gamma.RegularizedGamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Moments and goodness of fit of every sampler at fixed keys.
 *
 * <p>Tolerances: a sample mean is within 5 standard errors sqrt(var / n) of the true mean, and a
 * sample variance within 5 standard errors sqrt((mu4 - var^2) / n) of the true variance (two-sided
 * probability of a false alarm 6e-7 each). The Kolmogorov–Smirnov statistic stays below
 * 1.95 / sqrt(n), its asymptotic critical value at alpha = 0.001. Chi-square tests require a
 * p-value above 1e-4 (computed as Q(df / 2, x / 2)).
 */
class SamplersTest {
  private static final int N = 40_000;

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  private static void assertMoments(double[] x, double mean, double var, double mu4) {
    int n = x.length;
    double seMean = Math.sqrt(var / n);
    double seVar = Math.sqrt((mu4 - var * var) / n);
    assertEquals(mean, mean(x), 5 * seMean, "sample mean");
    assertEquals(var, variance(x), 5 * seVar, "sample variance");
  }

  private static void assertKs(double[] x, DoubleUnaryOperator cdf) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.applyAsDouble(s[i]);
      d = Math.max(d, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
    }
    assertTrue(d < 1.95 / Math.sqrt(n), "Kolmogorov-Smirnov D = " + d);
  }

  /** Chi-square goodness of fit of integer samples against probabilities of 0..K-1. */
  private static void assertChiSquare(double[] x, double[] probs) {
    double[] counts = new double[probs.length];
    for (double v : x) {
      counts[(int) v]++;
    }
    double stat = 0;
    int df = -1;
    for (int k = 0; k < probs.length; k++) {
      double expected = probs[k] * x.length;
      if (expected < 5) {
        continue; // such cells are tested by their absence below
      }
      stat += (counts[k] - expected) * (counts[k] - expected) / expected;
      df++;
    }
    double p = RegularizedGamma.Q.value(df / 2.0, stat / 2.0);
    assertTrue(p > 1e-4, "chi-square " + stat + " on " + df + " df, p = " + p);
  }

  private static double normalCdf(double z) {
    return 0.5 * Erfc.value(-z / Math.sqrt(2));
  }

  @Test
  void uniform() {
    double[] u = Samplers.uniform(RngKey.of(1), Shape.of(N)).toArray();
    for (double v : u) {
      assertTrue(v > 0 && v < 1);
    }
    assertMoments(u, 0.5, 1.0 / 12, 1.0 / 80);
    assertKs(u, v -> v);
    double[] w = Samplers.uniform(RngKey.of(2), Shape.of(N), -2, 3).toArray();
    assertKs(w, v -> (v + 2) / 5);
  }

  @Test
  void normal() {
    double[] z = Samplers.normal(RngKey.of(3), Shape.of(N)).toArray();
    assertMoments(z, 0, 1, 3);
    assertKs(z, SamplersTest::normalCdf);
  }

  @Test
  void normalQuantileIsAccurateInBothTails() {
    // Phi^-1(1e-300) = -37.047096..., and the quantile is odd: no cancellation in 1 - u
    assertEquals(-37.04710, Samplers.normalQuantile(1e-300), 1e-4);
    assertEquals(-Samplers.normalQuantile(1e-10), Samplers.normalQuantile(1 - 1e-10), 1e-5);
    assertEquals(0.0, Samplers.normalQuantile(0.5), 0.0);
  }

  @Test
  void exponential() {
    double[] x = Samplers.exponential(RngKey.of(4), Shape.of(N)).toArray();
    assertMoments(x, 1, 1, 9);
    assertKs(x, v -> -Math.expm1(-v));
  }

  /** Gamma(a, 1): mean a, variance a, fourth central moment 3a^2 + 6a. */
  @ParameterizedTest
  @ValueSource(doubles = {0.3, 1.0, 4.5})
  void gamma(double a) {
    double[] x = Samplers.gamma(RngKey.of(5), Tensor.scalar(a), Shape.of(N)).toArray();
    assertMoments(x, a, a, 3 * a * a + 6 * a);
    assertKs(x, v -> RegularizedGamma.P.value(a, v));
  }

  @Test
  void gammaBroadcastsItsParameter() {
    Tensor g = Samplers.gamma(RngKey.of(6), Tensor.of(0.5, 50.0), Shape.of(N / 2, 2));
    double[] small = g.select(1, 0).toArray();
    double[] large = g.select(1, 1).toArray();
    assertMoments(small, 0.5, 0.5, 3 * 0.25 + 3);
    assertMoments(large, 50, 50, 3 * 2500 + 300);
  }

  /** Beta(a, b): mean a/(a+b); KS against the regularized incomplete beta function. */
  @Test
  void beta() {
    double a = 2.5;
    double b = 0.7;
    double[] x = Samplers.beta(RngKey.of(7), Tensor.scalar(a), Tensor.scalar(b), Shape.of(N))
        .toArray();
    double s = a + b;
    double var = a * b / (s * s * (s + 1));
    assertEquals(a / s, mean(x), 5 * Math.sqrt(var / N));
    assertKs(x, v -> RegularizedBeta.value(v, a, b));
  }

  @Test
  void bernoulli() {
    double[] x = Samplers.bernoulli(RngKey.of(8), Tensor.scalar(0.3), Shape.of(N)).toArray();
    assertChiSquare(x, new double[] {0.7, 0.3});
  }

  @Test
  void categorical() {
    double[] logits = {Math.log(0.1), Math.log(0.2), Double.NEGATIVE_INFINITY, Math.log(0.7)};
    double[] x = Samplers.categorical(RngKey.of(9), Tensor.of(logits), Shape.of(N)).toArray();
    assertTrue(Arrays.stream(x).noneMatch(v -> v == 2), "a category with -inf logit was drawn");
    assertChiSquare(x, new double[] {0.1, 0.2, 0.0, 0.7});
  }

  @Test
  void categoricalUsesEachRowsLogits() {
    Tensor logits = Tensor.of(new double[][] {{0, -1e9}, {-1e9, 0}}); // row 0 -> 0, row 1 -> 1
    Tensor x = Samplers.categorical(RngKey.of(10), logits, Shape.of(50, 2));
    assertArrayEquals(new double[] {0, 1}, x.slice(0, 0, 1).reshape(2).toArray(), 0);
    assertEquals(50.0, x.sum().item(), 0.0);
  }

  /** Poisson by inversion (rate 3.5) and by PTRS (rate 40): chi-square on the pmf. */
  @ParameterizedTest
  @ValueSource(doubles = {3.5, 40.0})
  void poisson(double rate) {
    double[] x = Samplers.poisson(RngKey.of(11), Tensor.scalar(rate), Shape.of(N)).toArray();
    int kmax = (int) (rate + 12 * Math.sqrt(rate) + 10);
    double[] pmf = new double[kmax + 1];
    for (int k = 0; k <= kmax; k++) {
      pmf[k] = Math.exp(-rate + k * Math.log(rate) - LogGamma.value(k + 1.0));
    }
    for (double v : x) {
      assertTrue(v >= 0 && v <= kmax && v == Math.rint(v), "impossible Poisson draw " + v);
    }
    assertChiSquare(x, pmf);
    assertMoments(x, rate, rate, rate * (1 + 3 * rate));
  }

  @Test
  void randintIsUniform() {
    double[] x = Samplers.randint(RngKey.of(12), Shape.of(N), -3, 4).toArray();
    double[] p = new double[7];
    Arrays.fill(p, 1.0 / 7);
    double[] shifted = Arrays.stream(x).map(v -> v + 3).toArray();
    assertChiSquare(shifted, p);
  }

  @Test
  void permutationIsAPermutationAndUniform() {
    double[] perm = Samplers.permutation(RngKey.of(13), 100).toArray();
    double[] sorted = perm.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 100; i++) {
      assertEquals(i, sorted[i]);
    }
    // all 6 orders of 3 items are equally likely
    double[] orders = new double[6];
    RngKey root = RngKey.of(14);
    int reps = 12_000;
    for (int r = 0; r < reps; r++) {
      double[] p = Samplers.permutation(root.foldIn(r), 3).toArray();
      orders[(int) (p[0] * 2 + (p[1] > p[2] ? 1 : 0))]++;
    }
    double[] probs = new double[6];
    Arrays.fill(probs, 1.0 / 6);
    double[] codes = new double[reps];
    int at = 0;
    for (int c = 0; c < 6; c++) {
      for (int k = 0; k < orders[c]; k++) {
        codes[at++] = c;
      }
    }
    assertChiSquare(codes, probs);
  }

  @Test
  void elementsDependOnlyOnKeyAndPosition() {
    double[] small = Samplers.normal(RngKey.of(15), Shape.of(10)).toArray();
    double[] large = Samplers.normal(RngKey.of(15), Shape.of(2, 50)).toArray();
    assertArrayEquals(small, Arrays.copyOf(large, 10), 0.0);
  }

  @Test
  void invalidParametersAreNamed() {
    RngKey k = RngKey.of(0);
    Shape s = Shape.of(2);
    assertEquals(
        "gamma: concentration must be finite and > 0, but element 1 is -1.0",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.gamma(k, Tensor.of(1.0, -1.0), s)).getMessage());
    assertEquals(
        "poisson: rate must be finite and >= 0, but element 0 is NaN",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.poisson(k, Tensor.scalar(Double.NaN), s)).getMessage());
    assertEquals(
        "bernoulli: probs must be in [0, 1], but element 0 is 1.5",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.bernoulli(k, Tensor.scalar(1.5), s)).getMessage());
    assertEquals(
        "uniform: need finite lo < hi, got lo = 1.0, hi = 1.0",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.uniform(k, s, 1, 1)).getMessage());
    assertEquals(
        "randint: need lo < hi, got lo = 3, hi = 3",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.randint(k, s, 3, 3)).getMessage());
    assertEquals(
        "gamma: parameter concentration of shape [3] does not broadcast to the requested shape [2]",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.gamma(k, Tensor.of(1, 2, 3), s)).getMessage());
    assertEquals(
        "categorical: all logits of element 0 are -inf (no category has mass)",
        assertThrows(IllegalArgumentException.class,
            () -> Samplers.categorical(k, Tensor.of(Double.NEGATIVE_INFINITY), s)).getMessage());
  }
}
