// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transform (through {@code bijectTo} of every continuous constraint, plus the standalone
 * ones): round trips, log-determinants against finite-difference Jacobians, gradients against
 * finite differences, and landing inside the constraint from extreme unconstrained inputs.
 */
class TransformsTest {

  /**
   * A transform, the shape of one unconstrained event, and the coordinates of {@code y} that the
   * log-determinant is taken over (the free coordinates of the codomain).
   */
  record Case(String name, Transform t, int[] eventShape, UnaryOperator<Tensor> free, double scale) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    UnaryOperator<Tensor> all = y -> y;
    for (Constraint k :
        List.of(
            Constraints.real(), Constraints.positive(), Constraints.nonnegative(),
            Constraints.unitInterval(), Constraints.interval(-2.0, 3.0),
            Constraints.greaterThan(1.5), Constraints.lessThan(-0.5))) {
      c.add(new Case(k.toString(), Transforms.bijectTo(k), new int[] {}, all, 2.0));
    }
    c.add(new Case("realVector", Transforms.bijectTo(Constraints.realVector()), new int[] {3}, all, 2.0));
    c.add(new Case("softplus", new SoftplusTransform(), new int[] {}, all, 2.0));
    c.add(new Case("power 2.5", new PowerTransform(2.5), new int[] {}, all, -1.0));
    c.add(
        new Case(
            "affine",
            new AffineTransform(Tensor.scalar(1.0), Tensor.scalar(-3.0)),
            new int[] {},
            all,
            2.0));
    c.add(
        new Case(
            "simplex",
            Transforms.bijectTo(Constraints.simplex()),
            new int[] {3},
            y -> y.slice(-1, 0, y.dim(-1) - 1),
            2.0));
    c.add(
        new Case(
            "lowerCholesky",
            Transforms.bijectTo(Constraints.lowerCholesky()),
            new int[] {6},
            y -> TrilVectors.toVector(y, 0),
            1.0));
    c.add(
        new Case(
            "corrCholesky 3",
            Transforms.bijectTo(Constraints.corrCholesky()),
            new int[] {3},
            y -> TrilVectors.toVector(y, -1),
            1.0));
    c.add(
        new Case(
            "corrCholesky 4",
            Transforms.bijectTo(Constraints.corrCholesky()),
            new int[] {6},
            y -> TrilVectors.toVector(y, -1),
            1.0));
    c.add(
        new Case(
            "positiveDefinite",
            Transforms.bijectTo(Constraints.positiveDefinite()),
            new int[] {6},
            y -> TrilVectors.toVector(y, 0),
            1.0));
    return c.stream();
  }

  /** Unconstrained draws of shape {@code [2] + event}; a negative scale means positive draws. */
  private static Tensor draw(Case c, SplittableRandom rng) {
    Shape s = Shape.of(2).concat(Shape.of(c.eventShape()));
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = c.scale() < 0 ? rng.nextDouble(0.3, 3.0) : rng.nextDouble(-c.scale(), c.scale());
    }
    return Tensor.of(d, s);
  }

  /**
   * Round trip: the transforms here are well conditioned on the drawn range (|x| <= 2), so x is
   * recovered to a few hundred ulp of its scale: 1e-12.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inverseUndoesForward(Case c) {
    SplittableRandom rng = new SplittableRandom(c.name().hashCode());
    Tensor x = draw(c, rng);
    Tensor y = c.t().forward(x);
    assertEquals(c.t().forwardShape(x.shape()), y.shape());
    assertEquals(x.shape(), c.t().inverseShape(y.shape()));
    assertTrue(c.t().inverse(y).allClose(x, 1e-12, 1e-12), c.name() + ": " + c.t().inverse(y) + " vs " + x);
    assertTrue(c.t().codomain().check(y).all(), c.name() + " lands in its codomain");
  }

  /**
   * The log-determinant equals log |det J| of a central-difference Jacobian of x -> free(y),
   * with step 1e-6: truncation and rounding errors are about 1e-10 relative per entry, so the
   * log-determinant of these small, well-conditioned Jacobians agrees to 1e-7.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void logDetMatchesFiniteDifferenceJacobian(Case c) {
    SplittableRandom rng = new SplittableRandom(c.name().hashCode() + 1);
    Tensor x = draw(c, rng);
    Tensor ladj = c.t().logAbsDetJacobian(x, c.t().forward(x));
    assertEquals(x.shape().sub(0, x.rank() - c.eventShape().length), ladj.shape(), c.name());
    int events = x.dim(0);
    int perEvent = x.size() / events;
    double[] flat = x.toArray();
    for (int e = 0; e < events; e++) {
      if (c.eventShape().length == 0) {
        // elementwise: one derivative per element of the event row
        continue;
      }
      double[] x0 = java.util.Arrays.copyOfRange(flat, e * perEvent, (e + 1) * perEvent);
      double[][] jac = jacobian(c, x0);
      assertEquals(logAbsDet(jac), ladj.get(e), 1e-7, c.name() + " event " + e);
    }
    if (c.eventShape().length == 0) {
      for (int i = 0; i < flat.length; i++) {
        double h = 1e-6;
        double up = c.t().forward(Tensor.scalar(flat[i] + h)).item();
        double down = c.t().forward(Tensor.scalar(flat[i] - h)).item();
        assertEquals(Math.log(Math.abs((up - down) / (2 * h))), ladj.get(i), 1e-7, c.name());
      }
    }
  }

  private static double[][] jacobian(Case c, double[] x0) {
    Shape event = Shape.of(c.eventShape());
    double[] y0 = c.free().apply(c.t().forward(Tensor.of(x0, event))).toArray();
    double[][] j = new double[y0.length][x0.length];
    double h = 1e-6;
    for (int k = 0; k < x0.length; k++) {
      double[] up = x0.clone();
      double[] down = x0.clone();
      up[k] += h;
      down[k] -= h;
      double[] yu = c.free().apply(c.t().forward(Tensor.of(up, event))).toArray();
      double[] yd = c.free().apply(c.t().forward(Tensor.of(down, event))).toArray();
      for (int r = 0; r < y0.length; r++) {
        j[r][k] = (yu[r] - yd[r]) / (2 * h);
      }
    }
    return j;
  }

  /** log |det| by Gaussian elimination with partial pivoting. */
  static double logAbsDet(double[][] m) {
    int n = m.length;
    assertEquals(n, m[0].length, "the Jacobian restricted to the free coordinates is square");
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
    }
    double logDet = 0;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      logDet += Math.log(Math.abs(a[col][col]));
      for (int r = col + 1; r < n; r++) {
        double f = a[r][col] / a[col][col];
        for (int k = col; k < n; k++) {
          a[r][k] -= f * a[col][k];
        }
      }
    }
    return logDet;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchFiniteDifferences(Case c) {
    SplittableRandom rng = new SplittableRandom(c.name().hashCode() + 2);
    Tensor x = draw(c, rng);
    Tensor y = c.t().forward(x);
    double[] w = new double[y.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextDouble(-1, 1);
    }
    Tensor weights = Tensor.of(w, y.shape());
    GradCheck.assertGradients(p -> c.t().forward(p.get("x")).mul(weights).sum(), Map.of("x", x));
    GradCheck.assertGradients(
        p -> c.t().logAbsDetJacobian(p.get("x"), c.t().forward(p.get("x"))).sum(),
        Map.of("x", x));
  }

  /**
   * From extreme unconstrained values (+-30, and 0) every bijection still lands inside. The one
   * exception is positiveDefinite, tested at +-10: L L^T with diagonal e^x next to off-diagonal
   * entries of size |x| has condition number about x^2 e^(-2x), which passes 1/eps = 4.5e15 near
   * x = -15, so beyond that the product is positive definite in exact arithmetic but not in
   * float64 (as in every float64 implementation).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void landsInsideFromExtremes(Case c) {
    if (c.scale() < 0) {
      return; // the power transform's domain is positive, not unconstrained
    }
    double extreme = c.name().equals("positiveDefinite") ? 10 : 30;
    Shape s = Shape.of(3).concat(Shape.of(c.eventShape()));
    for (double v : new double[] {-extreme, 0, extreme}) {
      Tensor y = c.t().forward(Tensor.full(v, s));
      assertTrue(c.t().codomain().check(y).all(), c.name() + " at " + v + ": " + y);
    }
    SplittableRandom rng = new SplittableRandom(5);
    double[] mixed = new double[s.numel()];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = rng.nextBoolean() ? extreme : -extreme;
    }
    Tensor y = c.t().forward(Tensor.of(mixed, s));
    assertTrue(c.t().codomain().check(y).all(), c.name() + " at mixed +-30: " + y);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardKeepsGradientsFlowing(Case c) {
    Tensor x = Autodiff.track(draw(c, new SplittableRandom(9)), "x");
    assertTrue(c.t().forward(x).isTracked() || c.t() instanceof IdentityTransform, c.name());
  }

  @org.junit.jupiter.api.Test
  void intervalsStayStrictlyInsideWhereSigmoidRounds() {
    Tensor y = Transforms.bijectTo(Constraints.unitInterval()).forward(Tensor.of(-800, 40, 800));
    assertTrue(y.get(0) > 0 && y.get(1) < 1 && y.get(2) < 1, y.toString());
  }

  @org.junit.jupiter.api.Test
  void knownValues() {
    assertArrayEquals(
        new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
        new StickBreakingTransform().forward(Tensor.zeros(2)).toArray(),
        1e-15);
    assertArrayEquals(
        new double[] {1, 0, 0.5, 1},
        new LowerCholeskyTransform().forward(Tensor.of(0.5, 0.0, 0.0)).toArray(),
        0.0);
    assertArrayEquals(
        new double[] {1, 0, 0, 1},
        new CorrCholeskyTransform().forward(Tensor.of(0.0)).toArray(),
        0.0);
    assertArrayEquals(
        new double[] {0.0},
        Transforms.bijectTo(Constraints.interval(-1, 1)).forward(Tensor.of(0.0)).toArray(),
        0.0);
  }

  @org.junit.jupiter.api.Test
  void discreteConstraintsHaveNoBijection() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Transforms.bijectTo(Constraints.nonnegativeInteger()));
    assertEquals(
        "bijectTo: nonnegativeInteger is discrete, and discrete values have no unconstrained "
            + "parametrization; enumerate the site or use a continuous relaxation",
        e.getMessage());
  }
}
