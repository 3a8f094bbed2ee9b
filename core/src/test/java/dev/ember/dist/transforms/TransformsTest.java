// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.dist.transforms.TransformCases.Case;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transform of {@link TransformCases} against independent truths: round trips both ways,
 * log-determinants against finite-difference Jacobians of the forward and of the inverse map,
 * and reverse-mode gradients of {@code forward}, {@code inverse} and {@code logAbsDetJacobian}
 * against finite differences.
 */
class TransformsTest {

  static Stream<Case> cases() {
    return TransformCases.all().stream();
  }

  private static SplittableRandom rng(Case c, int purpose) {
    return new SplittableRandom(31L * c.name().hashCode() + purpose);
  }

  /**
   * Round trip {@code x -> y -> x} on a batch {@code [2, 3]} of draws from {@code [-2, 2]},
   * tolerance 1e-12, absolute and relative. The error is the rounding of {@code y} (a few ulp)
   * amplified by the inverse's condition number. For the scalar and vector maps that is below 10
   * ({@code logit} at {@code sigmoid(2)}: {@code 1 / (1 - y) = 8.4}), so a few 1e-15; {@code
   * atanh} of partial correlations up to {@code tanh(2) = 0.96} amplifies by {@code 1 / (1 - r^2)
   * < 14} per level of the stick (1e-14 measured for 4 x 4); the
   * positive-definite inverse is a Cholesky factorization of {@code L L^T}, backward stable, so
   * that {@code L} comes back to about {@code n cond(L) eps}; with diagonal entries in {@code
   * [e^-2, e^2]} and off-diagonal ones below 2 in size, {@code cond(L)} stays below a few hundred,
   * so about 1e-13 (3e-14 measured), and 1e-12 leaves a factor of 10 over that estimate.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inverseUndoesForward(Case c) {
    Tensor x = c.drawX(rng(c, 0), Shape.of(2, 3));
    Tensor y = c.t().forward(x);
    assertEquals(Shape.of(2, 3).concat(c.yEvent()), y.shape(), c.name());
    Tensor back = c.t().inverse(y);
    assertTrue(back.allClose(x, 1e-12, 1e-12), c.name() + ": " + back + " vs " + x);
  }

  /**
   * Round trip {@code y -> x -> y} from independent points of the codomain (normalized
   * exponentials, Cholesky factors computed in the test, ...), tolerance 1e-14, absolute and
   * relative: the inverse's rounding {@code δx} is mapped back through the forward map, whose
   * Jacobian undoes the inverse's condition number ({@code J J^-1 = I}), so the result is off by
   * the rounding of the two evaluations, a few ulp of {@code y} (2.3e-16 measured): 1e-14 is
   * about 50 ulp.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardUndoesInverse(Case c) {
    Tensor y = c.drawY(rng(c, 1), Shape.of(2, 3));
    Tensor x = c.t().inverse(y);
    assertEquals(Shape.of(2, 3).concat(c.xEvent()), x.shape(), c.name());
    Tensor again = c.t().forward(x);
    assertTrue(again.allClose(y, 1e-14, 1e-14), c.name() + ": " + again + " vs " + y);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shapesAndEventDims(Case c) {
    Shape batch = Shape.of(2, 3);
    Tensor x = c.drawX(rng(c, 2), batch);
    Tensor y = c.t().forward(x);
    assertEquals(y.shape(), c.t().forwardShape(x.shape()), c.name() + " forwardShape");
    assertEquals(x.shape(), c.t().inverseShape(y.shape()), c.name() + " inverseShape");
    assertEquals(batch, c.t().logAbsDetJacobian(x, y).shape(), c.name() + " log-det shape");
    assertEquals(c.xEvent().rank(), c.t().domainEventDim(), c.name() + " domainEventDim");
    assertEquals(c.yEvent().rank(), c.t().codomainEventDim(), c.name() + " codomainEventDim");
    assertEquals(c.t().domainEventDim(), c.t().domain().eventDim(), c.name() + " domain");
    assertEquals(c.t().codomainEventDim(), c.t().codomain().eventDim(), c.name() + " codomain");
    assertTrue(c.t().codomain().check(y).all(), c.name() + " lands in its codomain: " + y);
    assertTrue(c.target().check(y).all(), c.name() + " lands in " + c.target() + ": " + y);
  }

  /**
   * {@code logAbsDetJacobian(x)} equals {@code log |det|} of the central-difference Jacobian of
   * {@code x -> free(forward(x))} for each event, to the tolerance {@link Jacobians} derives
   * from the differences and the Jacobian's conditioning.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void logDetMatchesFiniteDifferenceJacobian(Case c) {
    Tensor x = c.drawX(rng(c, 3), Shape.of(4));
    double[] ladj = c.t().logAbsDetJacobian(x, c.t().forward(x)).toArray();
    double[] flat = x.toArray();
    int per = c.xEvent().numel();
    for (int e = 0; e < ladj.length; e++) {
      double[] x0 = Arrays.copyOfRange(flat, e * per, (e + 1) * per);
      Jacobians.LogDet fd =
          Jacobians.logAbsDet(
              v -> c.layout().free(c.t().forward(Tensor.of(v, c.xEvent())).toArray(), c.yEvent()),
              x0);
      assertEquals(fd.value(), ladj[e], fd.tolerance(), c.name() + " event " + e);
    }
  }

  /**
   * The inverse's Jacobian, taken from the free coordinates of {@code y} (the rest of {@code y}
   * is determined by them), has log-determinant {@code -logAbsDetJacobian(x, y)}: a second truth,
   * through the inverse code, as NumPyro's {@code test_biject_to} checks.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inverseLogDetIsTheNegative(Case c) {
    Tensor y = c.drawY(rng(c, 4), Shape.of(4));
    Tensor x = c.t().inverse(y);
    double[] ladj = c.t().logAbsDetJacobian(x, y).toArray();
    double[] flat = y.toArray();
    int per = c.yEvent().numel();
    for (int e = 0; e < ladj.length; e++) {
      double[] free = c.layout().free(Arrays.copyOfRange(flat, e * per, (e + 1) * per), c.yEvent());
      Jacobians.LogDet fd =
          Jacobians.logAbsDet(
              v -> c.t().inverse(c.layout().embed(Tensor.of(v), c.yEvent())).toArray(), free);
      assertEquals(-fd.value(), ladj[e], fd.tolerance(), c.name() + " event " + e);
    }
  }

  /** Gradients of a random projection of {@code forward}, and of the log-determinant. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardAndLogDetGradientsMatchFiniteDifferences(Case c) {
    SplittableRandom rng = rng(c, 5);
    Tensor x = c.drawX(rng, Shape.of(2));
    Tensor w = weights(rng, c.t().forwardShape(x.shape()));
    GradCheck.assertGradients(p -> c.t().forward(p.get("x")).mul(w).sum(), Map.of("x", x));
    GradCheck.assertGradients(
        p -> c.t().logAbsDetJacobian(p.get("x"), c.t().forward(p.get("x"))).sum(),
        Map.of("x", x));
  }

  /**
   * Gradients of a random projection of {@code inverse}, taken through the free coordinates of
   * independent codomain points (moving {@code y} inside its codomain, where the inverse is
   * defined; e.g. a symmetric perturbation of a positive-definite matrix).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inverseGradientsMatchFiniteDifferences(Case c) {
    SplittableRandom rng = rng(c, 6);
    Tensor y = c.drawY(rng, Shape.of(2));
    double[] flat = y.toArray();
    int per = c.yEvent().numel();
    double[] v0 = new double[0];
    for (int e = 0; e < 2; e++) {
      double[] free = c.layout().free(Arrays.copyOfRange(flat, e * per, (e + 1) * per), c.yEvent());
      v0 = concat(v0, free);
    }
    Tensor v = Tensor.of(v0, 2, v0.length / 2);
    Tensor w = weights(rng, Shape.of(2).concat(c.xEvent()));
    GradCheck.assertGradients(
        p -> c.t().inverse(c.layout().embed(p.get("v"), c.yEvent())).mul(w).sum(),
        Map.of("v", v));
  }

  /** Unconstrained parameters of SVI get gradients through {@code forward}. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardIsRecordedOnTheTape(Case c) {
    Tensor x = c.drawX(rng(c, 7), Shape.of(2));
    Tensor g =
        Autodiff.grad(p -> c.t().forward(p).sum().add(c.t().logAbsDetJacobian(p, c.t().forward(p)).sum()), x);
    assertEquals(x.shape(), g.shape(), c.name());
    assertTrue(g.isFinite().all(), c.name() + ": " + g);
  }

  private static Tensor weights(SplittableRandom rng, Shape shape) {
    double[] w = new double[shape.numel()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextDouble(-1, 1);
    }
    return Tensor.of(w, shape);
  }

  private static double[] concat(double[] a, double[] b) {
    double[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
