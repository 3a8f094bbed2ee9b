// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import org.apache.commons.numbers.gamma.InverseErfc;
import org.apache.commons.numbers.gamma.LogGamma;

/**
 * Samplers: pure functions of an {@link RngKey} and an output shape.
 *
 * <p>Element {@code i} (row-major) of a direct sampler (uniform, normal, exponential, bernoulli,
 * categorical) is a function of the key and {@code i} only: its 64 bits are {@code
 * key.bits(i)}. Rejection samplers (gamma, poisson, randint) draw element {@code i} from its own
 * stream {@code key.foldIn(i)}, so no element depends on how many tries another one needed. The
 * results are therefore identical on any thread and however the work is divided. Parameters are
 * tensors broadcast against the requested shape.
 *
 * <pre>{@code
 * RngKey key = RngKey.of(0);
 * RngKey[] k = key.split(3);
 * Tensor z = Samplers.normal(k[0], Shape.of(1000));                        // N(0, 1)
 * Tensor g = Samplers.gamma(k[1], Tensor.of(0.5, 2.0), Shape.of(1000, 2)); // Gamma(a, 1) per column
 * Tensor c = Samplers.categorical(k[2], Tensor.of(0.0, 1.0, 2.0), Shape.of(10)); // 0, 1 or 2
 * }</pre>
 *
 * <p>References: Marsaglia and Tsang, "A simple method for generating gamma variables", ACM TOMS
 * 26(3), 2000 (with the {@code U^(1/a)} boost for {@code a < 1}); Hörmann, "The transformed
 * rejection method for generating Poisson random variables", Insurance: Mathematics and Economics
 * 12, 1993 (PTRS); Lemire, "Fast random integer generation in an interval" (2019), for the
 * rejection threshold of bounded integers.
 */
public final class Samplers {
  private Samplers() {}

  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
  private static final double SQRT2 = Math.sqrt(2.0);

  /** Rate from which Poisson sampling switches from inversion to PTRS. */
  static final double POISSON_PTRS_RATE = 10.0;

  /**
   * A uniform double in the open interval (0, 1) from the top 53 bits: the midpoints of a grid of
   * step 2^-53, so neither 0 nor 1 can occur and {@code log(u)} is always finite.
   */
  static double openUniform(long bits) {
    return ((bits >>> 11) + 0.5) * TWO_POW_MINUS_53;
  }

  /** The standard normal quantile, accurate in both tails (no cancellation in 1 - u). */
  static double normalQuantile(double u) {
    return u < 0.5 ? -SQRT2 * InverseErfc.value(2.0 * u) : SQRT2 * InverseErfc.value(2.0 * (1.0 - u));
  }

  /** Per-element stream for rejection samplers. */
  private static final class Stream {
    private final RngKey key;
    private long counter;

    Stream(RngKey key, long element) {
      this.key = key.foldIn(element);
    }

    long bits() {
      return key.bits(counter++);
    }

    double uniform() {
      return openUniform(bits());
    }

    double normal() {
      return normalQuantile(uniform());
    }
  }

  private static double[] param(Tensor p, Shape shape, String sampler, String name) {
    if (!p.shape().broadcastsTo(shape)) {
      throw new IllegalArgumentException(
          sampler + ": parameter " + name + " of shape " + p.shape()
              + " does not broadcast to the requested shape " + shape);
    }
    return p.broadcastTo(shape).toArray();
  }

  // ------------------------------------------------------------------ direct samplers

  /** Uniform on (0, 1). */
  public static Tensor uniform(RngKey key, Shape shape) {
    double[] r = new double[shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = openUniform(key.bits(i));
    }
    return Tensor.adopt(r, shape);
  }

  /** Uniform on (lo, hi). */
  public static Tensor uniform(RngKey key, Shape shape, double lo, double hi) {
    if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      throw new IllegalArgumentException(
          "uniform: need finite lo < hi, got lo = " + lo + ", hi = " + hi);
    }
    double[] r = new double[shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = lo + (hi - lo) * openUniform(key.bits(i));
    }
    return Tensor.adopt(r, shape);
  }

  /** Standard normal, by inversion of one uniform per element. */
  public static Tensor normal(RngKey key, Shape shape) {
    double[] r = new double[shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = normalQuantile(openUniform(key.bits(i)));
    }
    return Tensor.adopt(r, shape);
  }

  /** Exponential with rate 1: {@code -log(u)}. */
  public static Tensor exponential(RngKey key, Shape shape) {
    double[] r = new double[shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = -Math.log(openUniform(key.bits(i)));
    }
    return Tensor.adopt(r, shape);
  }

  /** 1.0 with probability {@code probs}, else 0.0. */
  public static Tensor bernoulli(RngKey key, Tensor probs, Shape shape) {
    double[] p = param(probs, shape, "bernoulli", "probs");
    double[] r = new double[p.length];
    for (int i = 0; i < r.length; i++) {
      if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
        throw new IllegalArgumentException(
            "bernoulli: probs must be in [0, 1], but element " + i + " is " + p[i]);
      }
      r[i] = openUniform(key.bits(i)) < p[i] ? 1.0 : 0.0;
    }
    return Tensor.adopt(r, shape);
  }

  /**
   * Category indices {@code 0 .. K-1} drawn with probabilities {@code softmax(logits)} by
   * inversion of one uniform per element.
   *
   * @param logits {@code [..., K]}; unnormalized log-probabilities, {@code -inf} allowed
   * @param shape the output shape; it must end with a shape that {@code logits}' batch shape
   *     {@code [...]} broadcasts to
   */
  public static Tensor categorical(RngKey key, Tensor logits, Shape shape) {
    if (logits.rank() < 1 || logits.dim(-1) < 1) {
      throw new IllegalArgumentException(
          "categorical: logits must be [..., K] with K >= 1, got " + logits.shape());
    }
    int k = logits.dim(-1);
    Shape batch = logits.shape().sub(0, logits.rank() - 1);
    if (!batch.broadcastsTo(shape)) {
      throw new IllegalArgumentException(
          "categorical: logits' batch shape " + batch + " does not broadcast to the requested "
              + "shape " + shape);
    }
    double[] l = logits.broadcastTo(shape.concat(Shape.of(k))).toArray(); // [..., K]
    double[] r = new double[shape.numel()];
    for (int i = 0; i < r.length; i++) {
      int off = i * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        if (Double.isNaN(l[off + j]) || l[off + j] == Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException(
              "categorical: logits must be finite or -inf, but element " + i + " category " + j
                  + " is " + l[off + j]);
        }
        max = Math.max(max, l[off + j]);
      }
      if (max == Double.NEGATIVE_INFINITY) {
        throw new IllegalArgumentException(
            "categorical: all logits of element " + i + " are -inf (no category has mass)");
      }
      double total = 0;
      for (int j = 0; j < k; j++) {
        total += Math.exp(l[off + j] - max);
      }
      double target = openUniform(key.bits(i)) * total;
      int chosen = k - 1;
      double cum = 0;
      for (int j = 0; j < k; j++) {
        double w = Math.exp(l[off + j] - max);
        cum += w;
        if (target < cum && w > 0) {
          chosen = j;
          break;
        }
      }
      while (Math.exp(l[off + chosen] - max) == 0) { // rounding at the top: take the last nonzero
        chosen--;
      }
      r[i] = chosen;
    }
    return Tensor.adopt(r, shape);
  }

  // ------------------------------------------------------------------ rejection samplers

  /** Gamma with the given concentration (shape) and unit rate; Marsaglia–Tsang. */
  public static Tensor gamma(RngKey key, Tensor concentration, Shape shape) {
    double[] a = param(concentration, shape, "gamma", "concentration");
    double[] r = new double[a.length];
    for (int i = 0; i < r.length; i++) {
      if (!(a[i] > 0.0) || Double.isInfinite(a[i])) {
        throw new IllegalArgumentException(
            "gamma: concentration must be finite and > 0, but element " + i + " is " + a[i]);
      }
      r[i] = gamma(new Stream(key, i), a[i]);
    }
    return Tensor.adopt(r, shape);
  }

  private static double gamma(Stream s, double a) {
    // for a < 1 sample Gamma(a + 1) and multiply by U^(1/a) (done in log space: tiny results)
    boolean boost = a < 1.0;
    double d = (boost ? a + 1.0 : a) - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    double sample;
    while (true) {
      double x = s.normal();
      double v = 1.0 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = s.uniform();
      double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
        sample = d * v;
        break;
      }
    }
    return boost ? Math.exp(Math.log(sample) + Math.log(s.uniform()) / a) : sample;
  }

  /** Beta(a, b) as {@code X / (X + Y)} with independent {@code X ~ Gamma(a)}, {@code Y ~ Gamma(b)}. */
  public static Tensor beta(RngKey key, Tensor a, Tensor b, Shape shape) {
    RngKey[] k = key.split(2);
    Tensor x = gamma(k[0], a, shape);
    Tensor y = gamma(k[1], b, shape);
    return x.div(x.add(y));
  }

  /** Poisson counts: inversion for rate below 10, Hörmann's PTRS above. */
  public static Tensor poisson(RngKey key, Tensor rate, Shape shape) {
    double[] lam = param(rate, shape, "poisson", "rate");
    double[] r = new double[lam.length];
    for (int i = 0; i < r.length; i++) {
      if (!(lam[i] >= 0.0) || Double.isInfinite(lam[i])) {
        throw new IllegalArgumentException(
            "poisson: rate must be finite and >= 0, but element " + i + " is " + lam[i]);
      }
      r[i] = lam[i] == 0.0 ? 0.0 : poisson(new Stream(key, i), lam[i]);
    }
    return Tensor.adopt(r, shape);
  }

  private static double poisson(Stream s, double lam) {
    if (lam < POISSON_PTRS_RATE) {
      double u = s.uniform();
      double p = Math.exp(-lam);
      double cdf = p;
      int k = 0;
      while (u > cdf && p > 0) {
        k++;
        p *= lam / k;
        cdf += p;
      }
      return k;
    }
    double slam = Math.sqrt(lam);
    double loglam = Math.log(lam);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double u = s.uniform() - 0.5;
      double v = s.uniform();
      double us = 0.5 - Math.abs(u);
      double k = Math.floor((2 * a / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) {
        return k;
      }
      if (k < 0 || (us < 0.013 && v > us)) {
        continue;
      }
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b)
          <= -lam + k * loglam - LogGamma.value(k + 1)) {
        return k;
      }
    }
  }

  /**
   * Binomial counts of successes in {@code totalCount} trials of probability {@code probs}, by
   * inversion of one uniform per element (the pmf walked from 0 with its ratio recurrence, on the
   * side of the smaller of p and 1 - p): exact, with cost proportional to {@code n min(p, 1-p)}.
   */
  public static Tensor binomial(RngKey key, Tensor totalCount, Tensor probs, Shape shape) {
    double[] n = param(totalCount, shape, "binomial", "totalCount");
    double[] p = param(probs, shape, "binomial", "probs");
    double[] r = new double[n.length];
    for (int i = 0; i < r.length; i++) {
      if (!(n[i] >= 0) || n[i] != Math.rint(n[i]) || Double.isInfinite(n[i])) {
        throw new IllegalArgumentException(
            "binomial: totalCount must be a non-negative integer, but element " + i + " is " + n[i]);
      }
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException(
            "binomial: probs must be in [0, 1], but element " + i + " is " + p[i]);
      }
      boolean flip = p[i] > 0.5;
      double q = flip ? 1 - p[i] : p[i];
      double k = q == 0 ? 0 : binomialInversion(openUniform(key.bits(i)), n[i], q);
      r[i] = flip ? n[i] - k : k;
    }
    return Tensor.adopt(r, shape);
  }

  private static double binomialInversion(double u, double n, double p) {
    // pmf(0) = (1-p)^n in log space; pmf(k+1) = pmf(k) (n-k)/(k+1) p/(1-p)
    double odds = p / (1 - p);
    double pmf = Math.exp(n * Math.log1p(-p));
    double cdf = pmf;
    double k = 0;
    while (u > cdf && k < n) {
      pmf *= (n - k) / (k + 1) * odds;
      k++;
      cdf += pmf;
    }
    return k;
  }

  /** Integers uniform on {@code [lo, hi)}, exactly (rejection of the biased top range). */
  public static Tensor randint(RngKey key, Shape shape, long lo, long hi) {
    if (lo >= hi) {
      throw new IllegalArgumentException("randint: need lo < hi, got lo = " + lo + ", hi = " + hi);
    }
    long range = hi - lo;
    if (range <= 0 || Math.abs((double) lo) > 0x1.0p53 || Math.abs((double) hi) > 0x1.0p53) {
      throw new IllegalArgumentException(
          "randint: [" + lo + ", " + hi + ") must lie within +-2^53 (exact in a double)");
    }
    double[] r = new double[shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = lo + below(new Stream(key, i), range);
    }
    return Tensor.adopt(r, shape);
  }

  /** A uniform integer in {@code [0, bound)}: rejects the {@code 2^64 mod bound} lowest values. */
  private static long below(Stream s, long bound) {
    long threshold = Long.remainderUnsigned(-bound, bound);
    while (true) {
      long x = s.bits();
      if (Long.compareUnsigned(x, threshold) >= 0) {
        return Long.remainderUnsigned(x, bound);
      }
    }
  }

  /** A uniformly random permutation of {@code 0 .. n-1} (Fisher–Yates), shape {@code [n]}. */
  public static Tensor permutation(RngKey key, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("permutation: n must be >= 0, got " + n);
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = (int) below(new Stream(key, i), i + 1L);
      double t = r[i];
      r[i] = r[j];
      r[j] = t;
    }
    return Tensor.of(r);
  }
}
