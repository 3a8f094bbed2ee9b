// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static dev.ember.random.Stats.assertChiSquare;
import static dev.ember.random.Stats.assertKs;
import static dev.ember.random.Stats.assertMoments;
import static dev.ember.random.Stats.cdfOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.apache.commons.numbers.gamma.RegularizedGamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.function.Executable;

/**
 * Every sampler against its distribution at fixed keys: mean and variance against the analytic
 * values, a Kolmogorov–Smirnov test against the CDF (continuous samplers) or a chi-square test
 * against the pmf (discrete ones), with the CDFs from Commons Numbers. Tolerances are derived in
 * {@link Stats}; the fourth central moments used for the variance's standard error are written
 * next to each test.
 */
class SamplersTest {
  private static final int N = 40_000;

  private static double normalCdf(double z) {
    return 0.5 * Erfc.value(-z / Math.sqrt(2));
  }

  // ------------------------------------------------------------------ continuous

  /** U(0, 1): mean 1/2, variance 1/12, mu4 = 1/80. */
  @Test
  void uniform() {
    double[] u = Samplers.uniform(RngKey.of(1), Shape.of(N)).toArray();
    for (double v : u) {
      assertTrue(v > 0 && v < 1, "uniform outside (0, 1): " + v);
      assertEquals(0.0, v * 0x1.0p53 - Math.rint(v * 0x1.0p53), 0.0, "not on the 2^-53 grid");
    }
    assertMoments(u, 0.5, 1.0 / 12, 1.0 / 80, "uniform");
    assertKs(u, v -> v, "uniform");
  }

  /** U(lo, hi) with width w: mean (lo + hi) / 2, variance w^2 / 12, mu4 = w^4 / 80. */
  @Test
  void uniformOnAnInterval() {
    double[] w = Samplers.uniform(RngKey.of(2), Shape.of(N), -2, 3).toArray();
    for (double v : w) {
      assertTrue(v >= -2 && v < 3);
    }
    assertMoments(w, 0.5, 25.0 / 12, 625.0 / 80, "uniform(-2, 3)");
    assertKs(w, v -> (v + 2) / 5, "uniform(-2, 3)");
  }

  /** The upper bound is excluded even where lo + (hi - lo) u rounds up to it. */
  @Test
  void uniformNeverReachesItsUpperBound() {
    double lo = 1.0;
    double hi = Math.nextUp(1.0); // one ulp wide: every value rounds to lo or hi
    for (double v : Samplers.uniform(RngKey.of(3), Shape.of(1000), lo, hi).toArray()) {
      assertEquals(lo, v, 0.0);
    }
    double big = 1e16; // ulp 2: lo + 3u rounds to lo, lo + 2 or hi
    for (double v : Samplers.uniform(RngKey.of(4), Shape.of(1000), big, big + 4).toArray()) {
      assertTrue(v >= big && v < big + 4, "value " + v);
    }
  }

  /** N(0, 1): mean 0, variance 1, mu4 = 3. The Ziggurat's own tests are in NormalZigguratTest. */
  @Test
  void normal() {
    double[] z = Samplers.normal(RngKey.of(3), Shape.of(N)).toArray();
    assertMoments(z, 0, 1, 3, "normal");
    assertKs(z, SamplersTest::normalCdf, "normal");
  }

  /** Exp(1): mean 1, variance 1, mu4 = 9. */
  @Test
  void exponential() {
    double[] x = Samplers.exponential(RngKey.of(4), Shape.of(N)).toArray();
    for (double v : x) {
      assertTrue(v > 0 && v <= 53 * Math.log(2), "exponential out of range: " + v);
    }
    assertMoments(x, 1, 1, 9, "exponential");
    assertKs(x, v -> -Math.expm1(-v), "exponential");
  }

  /**
   * Gamma(a, 1): mean a, variance a, mu4 = 3a^2 + 6a (excess kurtosis 6/a). KS against the
   * regularized lower incomplete gamma function P(a, x). a = 0.3 and 0.01 exercise the boost,
   * a = 1 its boundary, a = 4.5 the plain Marsaglia–Tsang.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.3, 1.0, 4.5})
  void gamma(double a) {
    double[] x = Samplers.gamma(RngKey.of(5), Tensor.scalar(a), Shape.of(N)).toArray();
    for (double v : x) {
      assertTrue(v >= 0 && Double.isFinite(v), "gamma draw " + v);
    }
    assertMoments(x, a, a, 3 * a * a + 6 * a, "gamma(" + a + ")");
    assertKs(x, v -> RegularizedGamma.P.value(a, v), "gamma(" + a + ")");
  }

  /** Each column of the output gets its own concentration (broadcast [2] against [N/2, 2]). */
  @Test
  void gammaBroadcastsItsParameter() {
    Tensor g = Samplers.gamma(RngKey.of(6), Tensor.of(0.5, 50.0), Shape.of(N / 2, 2));
    assertMoments(g.select(1, 0).toArray(), 0.5, 0.5, 3 * 0.25 + 3, "gamma(0.5) column");
    assertMoments(g.select(1, 1).toArray(), 50, 50, 3 * 2500 + 300, "gamma(50) column");
  }

  /**
   * The gamma sampler settles most elements from blocks of their first draws and replays the
   * others' streams; either way each element equals the sequential definition on its stream.
   */
  @Test
  void gammaBlocksEqualTheDefinition() {
    RngKey key = RngKey.of(22);
    double[] conc = {0.3, 1.0, 4.5, 0.999, 1e-3, 1e3};
    Tensor g = Samplers.gamma(key, Tensor.of(conc), Shape.of(2000, conc.length));
    double[] x = g.toArray();
    for (int i = 0; i < x.length; i++) {
      double a = conc[i % conc.length];
      assertEquals(Samplers.gammaDraw(new ElementStream(key, i, 0), a, false), x[i], 0.0,
          "element " + i + ", a = " + a);
    }
    double[] scalar = Samplers.gamma(key, Tensor.scalar(0.3), Shape.of(3000)).toArray();
    for (int i = 0; i < scalar.length; i++) {
      assertEquals(Samplers.gammaDraw(new ElementStream(key, i, 0), 0.3, false), scalar[i], 0.0);
    }
  }

  /**
   * Beta(a, b), s = a + b: mean a / s, variance ab / (s^2 (s + 1)), mu4 = var^2 (3 + k) with the
   * excess kurtosis k = 6 ((a - b)^2 (s + 1) - ab (s + 2)) / (ab (s + 2)(s + 3)). KS against the
   * regularized incomplete beta function.
   */
  @ParameterizedTest
  @CsvSource({"2.5, 0.7", "0.05, 2", "30, 4"})
  void beta(double a, double b) {
    double[] x = Samplers.beta(RngKey.of(7), Tensor.scalar(a), Tensor.scalar(b), Shape.of(N))
        .toArray();
    for (double v : x) {
      assertTrue(v >= 0 && v <= 1, "beta outside [0, 1]: " + v);
    }
    double s = a + b;
    double var = a * b / (s * s * (s + 1));
    double kurt = 6 * ((a - b) * (a - b) * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3));
    assertMoments(x, a / s, var, var * var * (3 + kurt), "beta(" + a + ", " + b + ")");
    assertKs(x, v -> RegularizedBeta.value(v, a, b), "beta(" + a + ", " + b + ")");
  }

  /**
   * Beta(0.001, 0.001): each gamma draw underflows to 0 about half the time (P(G < 1e-308) =
   * 1e-308^0.001 / Gamma(1.001) = 0.49), so X / (X + Y) on the draws themselves would be NaN for a
   * quarter of the elements. From the logarithms every value is a number in [0, 1]; their
   * frequencies in cells below 1/2 match I_x(a, b) (chi-square), and the mean is 1/2 within 5
   * standard errors (variance ab / (s^2 (s + 1)), about 1/4). KS is not applicable here: 1/4 of
   * the mass lies within 2^-53 of 1, where doubles cannot hold it.
   */
  @Test
  void betaWithTinyConcentrations() {
    double a = 0.001;
    double[] x = Samplers.beta(RngKey.of(7), Tensor.scalar(a), Tensor.scalar(a), Shape.of(N))
        .toArray();
    for (double v : x) {
      assertTrue(v >= 0 && v <= 1, "beta draw " + v);
    }
    double var = a * a / (4 * a * a * (2 * a + 1));
    assertEquals(0.5, Stats.mean(x), 5 * Math.sqrt(var / N), "mean");
    double[] edges = {1e-300, 1e-100, 1e-10, 0.5};
    double[] cell = new double[N];
    for (int i = 0; i < N; i++) {
      int c = 0;
      while (c < edges.length && x[i] >= edges[c]) {
        c++;
      }
      cell[i] = c;
    }
    assertChiSquare(cell,
        k -> k < 0 ? 0 : k >= edges.length ? 1 : RegularizedBeta.value(edges[(int) k], a, a),
        0, edges.length, "beta(0.001, 0.001) cells");
  }

  // ------------------------------------------------------------------ discrete

  /** Bernoulli(p): mean p, variance pq, mu4 = pq (1 - 3pq); chi-square on {0, 1}. */
  @Test
  void bernoulli() {
    double p = 0.3;
    double q = 1 - p;
    double[] x = Samplers.bernoulli(RngKey.of(8), Tensor.scalar(p), Shape.of(N)).toArray();
    assertMoments(x, p, p * q, p * q * (1 - 3 * p * q), "bernoulli");
    assertChiSquare(x, cdfOf(new double[] {q, p}), 0, 1, "bernoulli");
    assertEquals(0.0, Samplers.bernoulli(RngKey.of(8), Tensor.scalar(0), Shape.of(N)).sum().item());
    assertEquals(N, Samplers.bernoulli(RngKey.of(8), Tensor.scalar(1), Shape.of(N)).sum().item());
  }

  /** Categorical: moments from the pmf, chi-square, and a -inf logit is never drawn. */
  @Test
  void categorical() {
    double[] pmf = {0.1, 0.2, 0.0, 0.05, 0.65};
    double[] logits = new double[pmf.length];
    for (int k = 0; k < pmf.length; k++) {
      logits[k] = Math.log(pmf[k]) + 3.0; // unnormalized on purpose; log(0) = -inf
    }
    double[] x = Samplers.categorical(RngKey.of(9), Tensor.of(logits), Shape.of(N)).toArray();
    assertTrue(Arrays.stream(x).noneMatch(v -> v == 2), "a category with -inf logit was drawn");
    double mean = 0;
    for (int k = 0; k < pmf.length; k++) {
      mean += k * pmf[k];
    }
    double var = 0;
    double mu4 = 0;
    for (int k = 0; k < pmf.length; k++) {
      var += Math.pow(k - mean, 2) * pmf[k];
      mu4 += Math.pow(k - mean, 4) * pmf[k];
    }
    assertMoments(x, mean, var, mu4, "categorical");
    assertChiSquare(x, cdfOf(pmf), 0, pmf.length - 1, "categorical");
  }

  /** Logits [2, K] broadcast against the output [50, 2]: column j uses row j of the logits. */
  @Test
  void categoricalUsesEachRowsLogits() {
    Tensor logits = Tensor.of(new double[][] {{0, Double.NEGATIVE_INFINITY, -1e300}, {-50, -50, 0}});
    Tensor x = Samplers.categorical(RngKey.of(10), logits, Shape.of(50, 2));
    assertArrayEquals(new double[50], x.select(1, 0).toArray(), 0.0, "row 0 is always 0");
    // row 1: P(2) = 1 / (1 + 2 e^-50), so 50 draws are all 2 unless a 1e-20 event happens
    double[] twos = new double[50];
    Arrays.fill(twos, 2);
    assertArrayEquals(twos, x.select(1, 1).toArray(), 0.0);
    // a single category, and a scalar output
    assertEquals(0.0, Samplers.categorical(RngKey.of(1), Tensor.of(7.0), Shape.of()).item());
  }

  /**
   * Poisson(rate): mean and variance rate, mu4 = rate (1 + 3 rate); chi-square against the CDF
   * P(X <= k) = Q(k + 1, rate). 3.5 and 9.99 use inversion, 10, 40 and 1e5 use PTRS.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.01, 3.5, 9.99, 10.0, 40.0, 1e5})
  void poisson(double rate) {
    double[] x = Samplers.poisson(RngKey.of(11), Tensor.scalar(rate), Shape.of(N)).toArray();
    long from = (long) Math.max(0, Math.floor(rate - 8 * Math.sqrt(rate)));
    long to = (long) Math.ceil(rate + 8 * Math.sqrt(rate) + 10);
    for (double v : x) {
      assertTrue(v >= 0 && v == Math.rint(v), "impossible Poisson draw " + v);
    }
    assertMoments(x, rate, rate, rate * (1 + 3 * rate), "poisson(" + rate + ")");
    if (rate * N >= 40) {
      assertChiSquare(x, k -> k < 0 ? 0 : RegularizedGamma.Q.value(k + 1.0, rate), from, to,
          "poisson(" + rate + ")");
    }
  }

  @Test
  void poissonOfRateZeroIsZero() {
    Tensor x = Samplers.poisson(RngKey.of(12), Tensor.of(0.0, 2.0), Shape.of(100, 2));
    assertArrayEquals(new double[100], x.select(1, 0).toArray(), 0.0);
  }

  /**
   * Binomial(n, p): mean np, variance npq, mu4 = npq (1 + 3 (n - 2) pq); chi-square against the
   * CDF P(X <= k) = I_{1-p}(n - k, k + 1). The cases cover inversion (np < 10), BTRS, and both
   * mirrored through n - k (p > 1/2).
   */
  @ParameterizedTest
  @CsvSource({"20, 0.3", "50, 0.9", "1000, 0.4", "1000, 0.97", "10000000, 0.001", "3, 0.5"})
  void binomial(double n, double p) {
    double[] x = Samplers.binomial(RngKey.of(13), Tensor.scalar(n), Tensor.scalar(p), Shape.of(N))
        .toArray();
    double q = 1 - p;
    for (double v : x) {
      assertTrue(v >= 0 && v <= n, "impossible binomial draw " + v);
    }
    assertMoments(x, n * p, n * p * q, n * p * q * (1 + 3 * (n - 2) * p * q),
        "binomial(" + n + ", " + p + ")");
    double sd = Math.sqrt(n * p * q);
    assertChiSquare(x,
        k -> k < 0 ? 0 : k >= n ? 1 : RegularizedBeta.value(q, n - k, k + 1.0),
        (long) Math.max(0, n * p - 8 * sd), (long) Math.min(n, n * p + 8 * sd + 10),
        "binomial(" + n + ", " + p + ")");
  }

  @Test
  void binomialEdges() {
    RngKey k = RngKey.of(14);
    Shape s = Shape.of(3, 50);
    Tensor counts = Tensor.of(new double[] {0, 7, 7}, 3, 1);
    Tensor probs = Tensor.of(new double[] {0.5, 0, 1}, 3, 1);
    Tensor x = Samplers.binomial(k, counts, probs, s);
    assertArrayEquals(new double[50], x.select(0, 0).toArray(), 0.0, "n = 0");
    assertArrayEquals(new double[50], x.select(0, 1).toArray(), 0.0, "p = 0");
    double[] sevens = new double[50];
    Arrays.fill(sevens, 7);
    assertArrayEquals(sevens, x.select(0, 2).toArray(), 0.0, "p = 1");
  }

  /**
   * Integers uniform on [lo, hi) with m = hi - lo values: mean (lo + hi - 1) / 2, variance (m^2 -
   * 1) / 12, mu4 = (m^2 - 1)(3m^2 - 7) / 240; chi-square on the m values.
   */
  @ParameterizedTest
  @CsvSource({"-3, 4", "0, 1", "10, 1000"})
  void randint(long lo, long hi) {
    double[] x = Samplers.randint(RngKey.of(15), Shape.of(N), lo, hi).toArray();
    double m = hi - lo;
    for (double v : x) {
      assertTrue(v >= lo && v < hi && v == Math.rint(v), "randint draw " + v);
    }
    assertMoments(x, (lo + hi - 1) / 2.0, (m * m - 1) / 12, (m * m - 1) * (3 * m * m - 7) / 240,
        "randint(" + lo + ", " + hi + ")");
    if (m > 1) {
      assertChiSquare(x, k -> k < lo ? 0 : k >= hi ? 1 : (k - lo + 1) / m, lo, hi - 1,
          "randint(" + lo + ", " + hi + ")");
    }
  }

  /**
   * A range of 3 * 2^51 is the case where the modulo of a 53-bit draw would be badly biased: with
   * a 64-bit draw and Lemire's rejection, the values' quarter ranges have probability 1/4 each
   * (chi-square on 3 df through the CDF of the uniform on [0, m)).
   */
  @Test
  void randintOverAHugeRangeIsUniform() {
    long m = 3L << 51;
    double[] x = Samplers.randint(RngKey.of(16), Shape.of(N), -(1L << 53), -(1L << 53) + m)
        .toArray();
    double[] quarter = new double[N];
    for (int i = 0; i < N; i++) {
      quarter[i] = Math.floor((x[i] + 0x1.0p53) / (m / 4.0));
    }
    assertChiSquare(quarter, cdfOf(new double[] {0.25, 0.25, 0.25, 0.25}), 0, 3, "randint huge");
  }

  @Test
  void permutationIsAPermutationAndUniform() {
    double[] perm = Samplers.permutation(RngKey.of(17), 1000).toArray();
    double[] sorted = perm.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, sorted[i]);
    }
    assertEquals(Shape.of(0), Samplers.permutation(RngKey.of(17), 0).shape());
    assertArrayEquals(new double[] {0}, Samplers.permutation(RngKey.of(17), 1).toArray(), 0.0);
    // all 24 orders of 4 items are equally likely: chi-square of the order's rank
    RngKey root = RngKey.of(18);
    int reps = 12_000;
    double[] codes = new double[reps];
    for (int r = 0; r < reps; r++) {
      codes[r] = lehmerCode(Samplers.permutation(root.foldIn(r), 4).toArray());
    }
    double[] probs = new double[24];
    Arrays.fill(probs, 1.0 / 24);
    assertChiSquare(codes, cdfOf(probs), 0, 23, "orders of 4");
  }

  /** The rank 0 .. n!-1 of a permutation in lexicographic order. */
  private static int lehmerCode(double[] p) {
    int code = 0;
    for (int i = 0; i < p.length; i++) {
      int smaller = 0;
      for (int j = i + 1; j < p.length; j++) {
        if (p[j] < p[i]) {
          smaller++;
        }
      }
      code = code * (p.length - i) + smaller;
    }
    return code;
  }

  // ------------------------------------------------------------------ streams

  /** Every sampler by name, as a function of (key, shape). */
  private static Map<String, BiFunction<RngKey, Shape, Tensor>> samplers() {
    Map<String, BiFunction<RngKey, Shape, Tensor>> m = new LinkedHashMap<>();
    m.put("uniform", Samplers::uniform);
    m.put("uniform(lo, hi)", (k, s) -> Samplers.uniform(k, s, -1, 2));
    m.put("normal", Samplers::normal);
    m.put("exponential", Samplers::exponential);
    m.put("gamma", (k, s) -> Samplers.gamma(k, Tensor.scalar(0.7), s));
    m.put("beta", (k, s) -> Samplers.beta(k, Tensor.scalar(0.7), Tensor.scalar(2), s));
    m.put("bernoulli", (k, s) -> Samplers.bernoulli(k, Tensor.scalar(0.4), s));
    m.put("categorical", (k, s) -> Samplers.categorical(k, Tensor.of(0.0, 1.0, -1.0), s));
    m.put("poisson", (k, s) -> Samplers.poisson(k, Tensor.scalar(4), s));
    m.put("poisson PTRS", (k, s) -> Samplers.poisson(k, Tensor.scalar(400), s));
    m.put("binomial", (k, s) -> Samplers.binomial(k, Tensor.scalar(30), Tensor.scalar(0.2), s));
    m.put("binomial BTRS",
        (k, s) -> Samplers.binomial(k, Tensor.scalar(300), Tensor.scalar(0.6), s));
    m.put("randint", (k, s) -> Samplers.randint(k, s, -5, 1L << 40));
    return m;
  }

  /**
   * Element i depends on (key, i) only: a sample of [300] is the first 300 elements of a sample
   * of [700] (which spans three blocks of draw-0 words) and of [2, 350].
   */
  @Test
  void elementsDependOnlyOnKeyAndPosition() {
    RngKey key = RngKey.of(19);
    for (Map.Entry<String, BiFunction<RngKey, Shape, Tensor>> e : samplers().entrySet()) {
      double[] small = e.getValue().apply(key, Shape.of(300)).toArray();
      double[] large = e.getValue().apply(key, Shape.of(700)).toArray();
      double[] matrix = e.getValue().apply(key, Shape.of(2, 350)).toArray();
      assertArrayEquals(small, Arrays.copyOf(large, 300), 0.0, e.getKey());
      assertArrayEquals(large, Arrays.copyOf(large, 700), 0.0, e.getKey());
      assertArrayEquals(Arrays.copyOf(matrix, 300), small, 0.0, e.getKey());
      assertArrayEquals(small, e.getValue().apply(key, Shape.of(300)).toArray(), 0.0,
          e.getKey() + ": same key, same numbers");
    }
  }

  /** Four threads sampling at once get exactly the numbers of a lone thread. */
  @Test
  void sameNumbersOnConcurrentThreads() throws Exception {
    RngKey key = RngKey.of(20);
    Shape shape = Shape.of(5000);
    Map<String, double[]> alone = new LinkedHashMap<>();
    samplers().forEach((name, f) -> alone.put(name, f.apply(key, shape).toArray()));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Map<String, double[]>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Callable<Map<String, double[]>> task = () -> {
          start.await();
          Map<String, double[]> mine = new LinkedHashMap<>();
          samplers().forEach((name, f) -> mine.put(name, f.apply(key, shape).toArray()));
          return mine;
        };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Map<String, double[]>> f : results) {
        Map<String, double[]> got = f.get();
        for (String name : alone.keySet()) {
          assertArrayEquals(alone.get(name), got.get(name), 0.0, name);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyAndScalarShapes() {
    RngKey key = RngKey.of(21);
    for (Map.Entry<String, BiFunction<RngKey, Shape, Tensor>> e : samplers().entrySet()) {
      assertEquals(Shape.of(0, 3), e.getValue().apply(key, Shape.of(0, 3)).shape(), e.getKey());
      Tensor scalar = e.getValue().apply(key, Shape.of());
      assertEquals(Shape.of(), scalar.shape(), e.getKey());
      assertEquals(e.getValue().apply(key, Shape.of(1)).toArray()[0], scalar.item(), 0.0,
          e.getKey());
    }
  }

  // ------------------------------------------------------------------ errors

  @Test
  void invalidParametersAreNamed() {
    RngKey k = RngKey.of(0);
    Shape s = Shape.of(2);
    assertMessage("gamma: concentration must be finite and > 0, but element 1 is -1.0",
        () -> Samplers.gamma(k, Tensor.of(1.0, -1.0), s));
    assertMessage("gamma: concentration must be finite and > 0, but element 0 is 0.0",
        () -> Samplers.gamma(k, Tensor.scalar(0), s));
    assertMessage("gamma: parameter concentration of shape [3] does not broadcast to the"
        + " requested shape [2]", () -> Samplers.gamma(k, Tensor.of(1, 2, 3), s));
    assertMessage("beta: b must be finite and > 0, but element 0 is Infinity",
        () -> Samplers.beta(k, Tensor.scalar(1), Tensor.scalar(Double.POSITIVE_INFINITY), s));
    assertMessage("poisson: rate must be finite and >= 0, but element 0 is NaN",
        () -> Samplers.poisson(k, Tensor.scalar(Double.NaN), s));
    assertMessage("poisson: rate must be finite and >= 0, but element 1 is -2.0",
        () -> Samplers.poisson(k, Tensor.of(1, -2), s));
    assertMessage("bernoulli: probs must be in [0, 1], but element 0 is 1.5",
        () -> Samplers.bernoulli(k, Tensor.scalar(1.5), s));
    assertMessage("binomial: totalCount must be an integer in [0, 2^53], but element 0 is 2.5",
        () -> Samplers.binomial(k, Tensor.scalar(2.5), Tensor.scalar(0.5), s));
    assertMessage("binomial: probs must be in [0, 1], but element 0 is -0.1",
        () -> Samplers.binomial(k, Tensor.scalar(2), Tensor.scalar(-0.1), s));
    assertMessage("uniform: need finite lo < hi (with hi - lo finite), but got lo = 1.0, hi = 1.0",
        () -> Samplers.uniform(k, s, 1, 1));
    assertMessage("uniform: need finite lo < hi (with hi - lo finite), but got lo = -1.0E308,"
        + " hi = 1.0E308", () -> Samplers.uniform(k, s, -1e308, 1e308));
    assertMessage("randint: need lo < hi, but got lo = 3, hi = 3",
        () -> Samplers.randint(k, s, 3, 3));
    assertMessage("randint: [lo, hi) must lie within [-2^53, 2^53] so that every value is exact"
        + " as a double, but got lo = 0, hi = 9007199254740993",
        () -> Samplers.randint(k, s, 0, (1L << 53) + 1));
    assertMessage("categorical: all logits of row 0 are -inf (no category has mass)",
        () -> Samplers.categorical(k, Tensor.of(Double.NEGATIVE_INFINITY), s));
    assertMessage("categorical: logits must be finite or -inf, but row 0 category 1 is NaN",
        () -> Samplers.categorical(k, Tensor.of(0, Double.NaN), s));
    assertMessage("categorical: parameter logits with batch shape [3] (logits [3, 2]) does not"
        + " broadcast to the requested shape [2]",
        () -> Samplers.categorical(k, Tensor.of(new double[6], 3, 2), s));
    assertMessage("categorical: logits must have shape [..., K] with K >= 1, but got []",
        () -> Samplers.categorical(k, Tensor.scalar(0), s));
    assertMessage("permutation: n must be >= 0, but got -1", () -> Samplers.permutation(k, -1));
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
