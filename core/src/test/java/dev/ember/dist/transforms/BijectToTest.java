// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.dist.constraints.Interval;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bijectTo}: which transform each constraint gets, that its outputs land in the
 * constraint from any unconstrained input (extremes included), strictness where it is
 * guaranteed, feasible points, and the errors for discrete and unknown constraints.
 */
class BijectToTest {

  /** A continuous constraint and the shape of one unconstrained event. */
  record Target(Constraint c, Shape xEvent) {
    @Override
    public String toString() {
      return c + " " + xEvent;
    }
  }

  static Stream<Target> targets() {
    return Stream.of(
        new Target(Constraints.real(), Shape.of()),
        new Target(Constraints.realVector(), Shape.of(3)),
        new Target(Constraints.positive(), Shape.of()),
        new Target(Constraints.softplusPositive(), Shape.of()),
        new Target(Constraints.nonnegative(), Shape.of()),
        new Target(Constraints.greaterThan(-1.5), Shape.of()),
        new Target(Constraints.greaterThanEq(2), Shape.of()),
        new Target(Constraints.lessThan(0.5), Shape.of()),
        new Target(Constraints.lessThanEq(-3), Shape.of()),
        new Target(Constraints.unitInterval(), Shape.of()),
        new Target(Constraints.interval(0, 1), Shape.of()),
        new Target(Constraints.interval(-2, 3), Shape.of()),
        new Target(Constraints.independent(Constraints.interval(0, 2), 1), Shape.of(4)),
        new Target(Constraints.simplex(), Shape.of(1)),
        new Target(Constraints.simplex(), Shape.of(5)),
        new Target(Constraints.lowerCholesky(), Shape.of(6)),
        new Target(Constraints.scaledUnitLowerCholesky(), Shape.of(6)),
        new Target(Constraints.softplusLowerCholesky(), Shape.of(6)),
        new Target(Constraints.corrCholesky(), Shape.of(1)),
        new Target(Constraints.corrCholesky(), Shape.of(6)),
        new Target(Constraints.corrCholesky(), Shape.of(10)),
        new Target(Constraints.positiveDefinite(), Shape.of(6)));
  }

  @Test
  void eachConstraintGetsNumPyrosTransform() {
    assertEquals(0, assertInstanceOf(IdentityTransform.class, bijectTo(Constraints.real())).domainEventDim());
    assertEquals(1, assertInstanceOf(IdentityTransform.class, bijectTo(Constraints.realVector())).domainEventDim());
    assertInstanceOf(ExpTransform.class, bijectTo(Constraints.positive()));
    assertInstanceOf(ExpTransform.class, bijectTo(Constraints.nonnegative()));
    assertInstanceOf(SoftplusTransform.class, bijectTo(Constraints.softplusPositive()));
    assertInstanceOf(SigmoidTransform.class, bijectTo(Constraints.unitInterval()));
    assertInstanceOf(SigmoidTransform.class, bijectTo(Constraints.interval(0, 1)));
    assertInstanceOf(StickBreakingTransform.class, bijectTo(Constraints.simplex()));
    assertInstanceOf(LowerCholeskyTransform.class, bijectTo(Constraints.lowerCholesky()));
    assertInstanceOf(
        ScaledUnitLowerCholeskyTransform.class, bijectTo(Constraints.scaledUnitLowerCholesky()));
    assertInstanceOf(
        SoftplusLowerCholeskyTransform.class, bijectTo(Constraints.softplusLowerCholesky()));
    assertInstanceOf(CorrCholeskyTransform.class, bijectTo(Constraints.corrCholesky()));
    for (Constraint c :
        List.of(Constraints.greaterThan(1), Constraints.greaterThanEq(1), Constraints.lessThan(1),
            Constraints.lessThanEq(1), Constraints.interval(-1, 2))) {
      ComposeTransform t = assertInstanceOf(ComposeTransform.class, bijectTo(c));
      assertEquals(2, t.parts().size(), c.toString());
      Class<? extends Transform> first =
          c instanceof Interval ? SigmoidTransform.class : ExpTransform.class;
      assertEquals(first, t.parts().get(0).getClass(), c.toString());
      assertInstanceOf(AffineTransform.class, t.parts().get(1), c.toString());
      assertEquals(c, t.codomain(), c.toString());
    }
    ComposeTransform pd = assertInstanceOf(ComposeTransform.class, bijectTo(Constraints.positiveDefinite()));
    assertInstanceOf(LowerCholeskyTransform.class, pd.parts().get(0));
    assertInstanceOf(CholeskyOuterTransform.class, pd.parts().get(1));
    assertEquals(1, pd.domainEventDim());
    assertEquals(2, pd.codomainEventDim());
    Transform ind = bijectTo(Constraints.independent(Constraints.positive(), 2));
    assertInstanceOf(IndependentTransform.class, ind);
    assertEquals(2, ind.domainEventDim());
    assertEquals(Constraints.independent(Constraints.positive(), 2), ind.codomain());
    assertEquals(3, assertInstanceOf(IdentityTransform.class,
        bijectTo(Constraints.independent(Constraints.real(), 3))).domainEventDim());
  }

  /**
   * Random unconstrained inputs over {@code [-30, 30]}, and the extremes {@code ±30} themselves
   * (all equal, and mixed at random), land in the constraint as its own {@code check} sees it.
   *
   * <p>positiveDefinite is the documented exception, tested over {@code [-5, 5]}: {@code A = L
   * L^T} is positive definite in exact arithmetic for every input, but a float64 Cholesky
   * factorization recovers the last pivot {@code e^(2 x_g)} of a 3 x 3 factor only after
   * cancelling terms of size {@code x^2}, with an error of about {@code eps |x|^3 / e^(x_c)}
   * ({@code x_c} the middle diagonal input); it succeeds while {@code e^(2 x_g + x_c) >> eps
   * |x|^3}. At {@code |x| <= 5} the margin is {@code e^-15 / (125 eps) ≈ 1e7}; at {@code |x| =
   * 10} random draws already fail, and at {@code -30} the product is singular to rounding, in
   * Ember as in every float64 implementation (NumPyro's eigenvalue check included).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void landsInsideFromAnyInputIncludingExtremes(Target target) {
    Constraint c = target.c();
    Transform t = bijectTo(c);
    double extreme = c == Constraints.positiveDefinite() ? 5 : 30;
    SplittableRandom rng = new SplittableRandom(11);
    Shape s = Shape.of(200).concat(target.xEvent());
    double[] random = new double[s.numel()];
    double[] mixed = new double[s.numel()];
    for (int i = 0; i < random.length; i++) {
      random[i] = rng.nextDouble(-extreme, extreme);
      mixed[i] = rng.nextBoolean() ? extreme : -extreme;
    }
    List<Tensor> inputs =
        List.of(
            Tensor.of(random, s), Tensor.of(mixed, s), Tensor.full(extreme, s),
            Tensor.full(-extreme, s), Tensor.zeros(s));
    for (Tensor x : inputs) {
      Tensor y = t.forward(x);
      Tensor ok = c.check(y);
      assertEquals(Shape.of(200), ok.shape(), c.toString());
      assertTrue(ok.all(), c + " from " + x + ": " + y);
      assertTrue(t.logAbsDetJacobian(x, y).isFinite().all(), c + " log-det from " + x);
    }
  }

  /** Where SVI may push parameters, gradients of {@code forward} and the log-det stay finite. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void gradientsAreFiniteAtTheExtremes(Target target) {
    Transform t = bijectTo(target.c());
    double extreme = target.c() == Constraints.positiveDefinite() ? 5 : 30;
    for (double v : new double[] {-extreme, extreme}) {
      Tensor x = Tensor.full(v, Shape.of(2).concat(target.xEvent()));
      Tensor g = Autodiff.grad(p -> {
        Tensor y = t.forward(p);
        return y.sum().add(t.logAbsDetJacobian(p, y).sum());
      }, x);
      assertTrue(g.isFinite().all(), target + " at " + v + ": " + g);
    }
  }

  @Test
  void theUnitIntervalIsReachedStrictlyInsideForEveryInput() {
    Tensor x = Tensor.of(-1e6, -800, -745, -40, -30, -1, 0, 1, 30, 37, 40, 800, 1e6);
    for (Constraint c : List.of(Constraints.unitInterval(), Constraints.interval(0, 1))) {
      double[] y = bijectTo(c).forward(x).toArray();
      for (int i = 0; i < y.length; i++) {
        assertTrue(y[i] > 0 && y[i] < 1, c + " at " + x.get(i) + ": " + y[i]);
      }
    }
  }

  /**
   * {@code interval(-2, 3)} at {@code ±30}: {@code 5 sigmoid(-30) = 4.7e-13} exceeds the spacing
   * of doubles at -2 and 3 (4.4e-16), so both ends stay strictly inside. Where the width times
   * {@code sigmoid(-|x|)} is below that spacing, the affine map rounds onto the bound, which the
   * closed interval contains (NumPyro behaves the same): {@code interval(1e6, 1e6 + 1)} at 40.
   */
  @Test
  void generalIntervalsAreStrictWhereTheWidthResolvesTheSigmoid() {
    double[] y = bijectTo(Constraints.interval(-2, 3)).forward(Tensor.of(-30, 30)).toArray();
    assertTrue(y[0] > -2 && y[1] < 3, java.util.Arrays.toString(y));
    Constraint far = Constraints.interval(1e6, 1e6 + 1);
    Tensor atBound = bijectTo(far).forward(Tensor.of(40));
    assertEquals(1e6 + 1, atBound.item());
    assertTrue(far.check(atBound).all());
  }

  /** The feasible point of every constraint maps to a finite unconstrained point (mostly 0). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void feasiblePointsHaveFiniteAndMostlyZeroPreimages(Target target) {
    Constraint c = target.c();
    Transform t = bijectTo(c);
    Shape yShape = t.forwardShape(Shape.of(2).concat(target.xEvent()));
    Tensor x = t.inverse(c.feasibleLike(Tensor.zeros(yShape)));
    assertEquals(Shape.of(2).concat(target.xEvent()), x.shape(), c.toString());
    assertTrue(x.isFinite().all(), c + ": " + x);
    if (c != Constraints.scaledUnitLowerCholesky()) {
      assertTrue(x.allClose(Tensor.zeros(x.shape()), 0, 1e-15), c + ": " + x);
    }
  }

  @Test
  void knownValues() {
    assertArrayEquals(
        new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
        bijectTo(Constraints.simplex()).forward(Tensor.zeros(2)).toArray(), 1e-15);
    assertArrayEquals(
        new double[] {1, 0, 0.5, 1},
        bijectTo(Constraints.lowerCholesky()).forward(Tensor.of(0.5, 0.0, 0.0)).toArray(), 0.0);
    double l2 = Math.log(2);
    assertArrayEquals(
        new double[] {l2, 0, 0.5, l2},
        bijectTo(Constraints.softplusLowerCholesky()).forward(Tensor.of(0.5, 0.0, 0.0)).toArray(),
        1e-15);
    assertArrayEquals(
        new double[] {l2, 0, 0.5 * l2, l2},
        bijectTo(Constraints.scaledUnitLowerCholesky()).forward(Tensor.of(0.5, 0.0, 0.0)).toArray(),
        1e-15);
    double r = Math.tanh(0.7);
    assertArrayEquals(
        new double[] {1, 0, r, Math.sqrt(1 - r * r)},
        bijectTo(Constraints.corrCholesky()).forward(Tensor.of(0.7)).toArray(), 1e-15);
    // n = 2: the free coordinate is y_10 = tanh(x), so log|det J| = log(1 - tanh(x)^2)
    assertEquals(
        Math.log(1 - r * r),
        new CorrCholeskyTransform()
            .logAbsDetJacobian(Tensor.of(0.7), Tensor.eye(2)).item(), 1e-15);
    assertArrayEquals(
        Tensor.eye(3).toArray(),
        bijectTo(Constraints.corrCholesky()).forward(Tensor.zeros(3)).toArray(), 0.0);
    assertArrayEquals(
        Tensor.eye(3).toArray(),
        bijectTo(Constraints.positiveDefinite()).forward(Tensor.zeros(6)).toArray(), 0.0);
    assertEquals(0.0, bijectTo(Constraints.interval(-1, 1)).forward(Tensor.of(0.0)).item(), 0.0);
    assertEquals(5.0, bijectTo(Constraints.lessThan(6)).forward(Tensor.of(0.0)).item(), 0.0);
    assertEquals(
        0.0, bijectTo(Constraints.softplusPositive()).inverse(Tensor.of(l2)).item(), 1e-16);
  }

  @Test
  void discreteConstraintsHaveNoBijection() {
    for (Constraint c :
        List.of(
            Constraints.booleanValues(), Constraints.nonnegativeInteger(),
            Constraints.positiveInteger(), Constraints.integerInterval(0, 3),
            Constraints.independent(Constraints.booleanValues(), 1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bijectTo(c));
      assertEquals(
          "bijectTo: " + c + " is discrete, and discrete sites cannot be given an unconstrained "
              + "parametrization; enumerate the site or use a continuous relaxation",
          e.getMessage());
    }
  }

  @Test
  void unknownConstraintsAreNamed() {
    Constraint custom =
        new Constraint() {
          private static final long serialVersionUID = 1L;

          @Override
          public Tensor check(Tensor value) {
            return value.gt(0.0).and(value.lt(1.0));
          }

          @Override
          public Tensor feasibleLike(Tensor prototype) {
            return Tensor.full(0.5, prototype.shape());
          }

          @Override
          public String toString() {
            return "openUnitInterval";
          }
        };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bijectTo(custom));
    assertTrue(e.getMessage().startsWith("bijectTo: no bijection is registered for the constraint "
        + "openUnitInterval"), e.getMessage());
    assertFalse(custom.isDiscrete());
  }

  /** Spark ships constraints and transforms in closures: both survive Java serialization. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void serializedConstraintsAndTransformsBehaveTheSame(Target target) throws Exception {
    Constraint c = (Constraint) roundTrip(target.c());
    Transform t = (Transform) roundTrip(bijectTo(target.c()));
    Tensor x = Tensor.full(0.3, Shape.of(2).concat(target.xEvent()));
    Tensor expected = bijectTo(target.c()).forward(x);
    assertTrue(bijectTo(c).forward(x).allClose(expected, 0, 0), target.toString());
    assertTrue(t.forward(x).allClose(expected, 0, 0), target.toString());
  }

  private static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  private static Transform bijectTo(Constraint c) {
    return Transforms.bijectTo(c);
  }
}
