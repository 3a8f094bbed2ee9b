// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every continuous family with its parameters made from views of two tracked leaves (a row, a
 * column, a strided slice, a transpose, a broadcast): its log-density at values of a larger shape
 * the parameters broadcast against, and its reparameterized draws. The gradients with respect to
 * the leaves agree with the same parameters copied out of the views first, and with central
 * finite differences. A family whose backward rule hands its gradient in the broadcast shape is
 * where a view's gradient must be summed before it is placed in the tensor it views.
 */
class ViewParameterGradientTest {
  private static final int TRIALS = 40;

  /** A family from a real parameter and a positive one, and how to draw a value in its support. */
  private record Family(String name, BiFunction<Tensor, Tensor, Distribution> build,
      Function<Double, Double> value) {}

  private static final List<Family> FAMILIES = List.of(
      new Family("Normal", Normal::of, u -> 2 * u - 1),
      new Family("LogNormal", (a, s) -> LogNormal.of(a, s), u -> 0.2 + 2 * u),
      new Family("StudentT", (a, s) -> StudentT.of(s.add(2.0), a, s), u -> 3 * u - 1.5),
      new Family("Laplace", Laplace::of, u -> 2 * u - 1),
      new Family("Logistic", Logistic::of, u -> 2 * u - 1),
      new Family("Cauchy", Cauchy::of, u -> 2 * u - 1),
      new Family("Gamma", (a, s) -> Gamma.of(s.add(0.5), a.exp()), u -> 0.2 + 2 * u),
      new Family("InverseGamma", (a, s) -> InverseGamma.of(s.add(1.0), a.exp()), u -> 0.2 + 2 * u),
      new Family("Beta", (a, s) -> Beta.of(s.add(0.5), a.exp()), u -> 0.1 + 0.8 * u),
      new Family("HalfNormal", (a, s) -> HalfNormal.of(s), u -> 0.1 + 2 * u),
      new Family("HalfCauchy", (a, s) -> HalfCauchy.of(s), u -> 0.1 + 2 * u),
      new Family("Exponential", (a, s) -> Exponential.of(s), u -> 0.1 + 2 * u),
      new Family("Weibull", (a, s) -> Weibull.of(s, a.exp()), u -> 0.2 + 2 * u));

  @Test
  void parametersThatAreViewsGetTheGradientsOfTheirCopies() {
    for (Family f : FAMILIES) {
      for (int trial = 0; trial < TRIALS; trial++) {
        Random rnd = new Random(trial * 7919L + f.name().hashCode());
        check(f, rnd, f.name() + ", trial " + trial);
      }
    }
  }

  private static void check(Family f, Random rnd, String where) {
    // leaves A [4, 6] (real) and U [6, 4] (its exp positive); values [3, 4, 6]
    Map<String, Tensor> at = Map.of("a", uniform(rnd, Shape.of(4, 6), -1, 1),
        "u", uniform(rnd, Shape.of(6, 4), -1, 1));
    double[] v = new double[3 * 4 * 6];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.value().apply(rnd.nextDouble());
    }
    Tensor value = Tensor.of(v, Shape.of(3, 4, 6));
    int real = rnd.nextInt(VIEWS);
    int positive = rnd.nextInt(VIEWS);
    Function<Map<String, Tensor>, Tensor> viaViews =
        q -> logDensity(f, q, value, real, positive, false);
    ValueAndGrad views = Autodiff.valueAndGrad(viaViews, at);
    ValueAndGrad copies = Autodiff.valueAndGrad(
        q -> logDensity(f, q, value, real, positive, true), at);
    String what = where + " (views " + real + ", " + positive + ")";
    assertSame(copies, views, what);
    GradCheck.Report r = GradCheck.check(viaViews, at);
    assertTrue(r.passed(), what + ": " + r);
  }

  /**
   * Reparameterized draws of every family that has them, from parameters that are views: the
   * gradient of a weighted sum of the draws (for one key) agrees with the parameters copied out
   * of the views first, and with finite differences at that key where the draw is an explicit
   * function of the parameters (see {@link #IMPLICIT}).
   */
  @Test
  void drawsFromParametersThatAreViewsDifferentiateAsFromTheirCopies() {
    int tried = 0;
    for (Family f : FAMILIES) {
      for (int trial = 0; trial < TRIALS / 4; trial++) {
        Random rnd = new Random(trial * 104729L + f.name().hashCode());
        Map<String, Tensor> at = Map.of("a", uniform(rnd, Shape.of(4, 6), -1, 1),
            "u", uniform(rnd, Shape.of(6, 4), -1, 1));
        int real = rnd.nextInt(VIEWS);
        int positive = rnd.nextInt(VIEWS);
        if (!f.build().apply(at.get("a"), at.get("u").transpose().exp()).hasRsample()) {
          continue; // no reparameterized draws
        }
        tried++;
        long seed = rnd.nextLong();
        String what = f.name() + ", trial " + trial + " (views " + real + ", " + positive + ")";
        Function<Map<String, Tensor>, Tensor> viaViews =
            q -> draws(f, q, real, positive, false, seed);
        ValueAndGrad views = Autodiff.valueAndGrad(viaViews, at);
        ValueAndGrad copies = Autodiff.valueAndGrad(
            q -> draws(f, q, real, positive, true, seed), at);
        assertSame(copies, views, what);
        if (!IMPLICIT.contains(f.name())) {
          GradCheck.Report r = GradCheck.check(viaViews, at);
          assertTrue(r.passed(), what + ": " + r);
        }
      }
    }
    assertTrue(tried >= 10 * (TRIALS / 4), "families with reparameterized draws: " + tried);
  }

  /**
   * Families whose draws are differentiated implicitly (through the CDF at the draw, with the
   * draw's quantile held), not through the sampler's own transformation of its random inputs,
   * which a rejection step makes a different function: finite differences at a fixed key measure
   * the latter, so these are checked against copies only (their implicit gradients have their
   * own tests).
   */
  private static final List<String> IMPLICIT = List.of("StudentT", "Gamma", "InverseGamma",
      "Beta");

  /** A weighted sum of two draws per batch element, with the key {@code seed}. */
  private static Tensor draws(Family f, Map<String, Tensor> q, int real, int positive,
      boolean copy, long seed) {
    Distribution d = distribution(f, q, real, positive, copy);
    if (!d.hasRsample()) {
      return Tensor.scalar(0.0);
    }
    Tensor x = d.rsample(dev.ember.random.RngKey.of(seed), Shape.of(2));
    double[] w = new double[x.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.sin(1.3 * i + 0.2);
    }
    return x.mul(Tensor.of(w, x.shape())).sum();
  }

  /**
   * The value and gradients with views equal those with copies up to the order of sums: of at
   * most 72 terms here, so about 1e-13 relative; 1e-12 and 1e-11 leave room for cancellation.
   */
  private static void assertSame(ValueAndGrad copies, ValueAndGrad views, String what) {
    double scale = Math.max(1.0, Math.abs(copies.value().item()));
    assertEquals(copies.value().item(), views.value().item(), 1e-12 * scale, what);
    for (String name : copies.grad().keySet()) {
      double[] want = copies.grad().get(name).toArray();
      double[] got = views.grad().get(name).toArray();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-11 * Math.max(1.0, Math.abs(want[i])),
            what + ": d/d" + name + "[" + i + "]");
      }
    }
  }

  private static final int VIEWS = 6;

  /** The summed log-density at {@code value} [3, 4, 6] ({@link #distribution}). */
  private static Tensor logDensity(Family f, Map<String, Tensor> q, Tensor value, int real,
      int positive, boolean copy) {
    return distribution(f, q, real, positive, copy).logProb(value).sum();
  }

  /**
   * Family {@code f} with parameters from view {@code real} of A [4, 6] and view {@code positive}
   * of exp(U) [6, 4] (each broadcasting against [3, 4, 6]), or, with {@code copy}, the same
   * values copied out of the views.
   */
  private static Distribution distribution(Family f, Map<String, Tensor> q, int real,
      int positive, boolean copy) {
    Tensor a = view(q.get("a"), real, false);
    Tensor s = view(q.get("u").transpose(), positive, true).exp();
    if (copy) {
      a = a.copy();
      s = s.copy();
    }
    return f.build().apply(a, s);
  }

  /** View {@code k} of a [4, 6] tensor (a transposed one when {@code transposed}). */
  private static Tensor view(Tensor t, int k, boolean transposed) {
    return switch (k) {
      case 0 -> t; // [4, 6] (strided when transposed)
      case 1 -> t.select(0, 2); // a row [6]
      case 2 -> t.slice(1, 1, 6, 2).slice(1, 1, 2); // a column of a strided slice [4, 1]
      case 3 -> t.slice(1, 0, 6, 1).flip(1); // reversed columns [4, 6]
      case 4 -> t.select(1, 5).unsqueeze(1); // a column [4, 1]
      default -> transposed ? t.slice(0, 1, 2) : t.slice(0, 0, 1).broadcastTo(3, 4, 6); // [1, 6]
    };
  }

  private static Tensor uniform(Random rnd, Shape s, double lo, double hi) {
    double[] v = new double[s.numel()];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * rnd.nextDouble();
    }
    return Tensor.of(v, s);
  }
}
