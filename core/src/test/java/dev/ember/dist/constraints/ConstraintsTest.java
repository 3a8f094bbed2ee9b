// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Truth tables: inside, on the boundary, outside and NaN, for every constraint. */
class ConstraintsTest {
  private static final double NAN = Double.NaN;

  private static void assertCheck(Constraint c, Tensor values, double... expected) {
    Tensor ok = c.check(values);
    assertTrue(ok.isBool());
    assertArrayEquals(expected, ok.toArray(), 0.0, c.toString());
  }

  @Test
  void scalarConstraints() {
    Tensor v = Tensor.of(-1, 0, 0.5, 1, 2, NAN);
    assertCheck(Constraints.real(), v, 1, 1, 1, 1, 1, 0);
    assertCheck(Constraints.positive(), v, 0, 0, 1, 1, 1, 0);
    assertCheck(Constraints.nonnegative(), v, 0, 1, 1, 1, 1, 0);
    assertCheck(Constraints.unitInterval(), v, 0, 1, 1, 1, 0, 0);
    assertCheck(Constraints.interval(0, 2), v, 0, 1, 1, 1, 1, 0);
    assertCheck(Constraints.greaterThan(0.5), v, 0, 0, 0, 1, 1, 0);
    assertCheck(Constraints.lessThan(0.5), v, 1, 1, 0, 0, 0, 0);
    assertCheck(Constraints.booleanValues(), v, 0, 1, 0, 1, 0, 0);
    assertCheck(Constraints.nonnegativeInteger(), v, 0, 1, 0, 1, 1, 0);
    assertCheck(Constraints.positiveInteger(), v, 0, 0, 0, 1, 1, 0);
    assertCheck(Constraints.integerInterval(-1, 1), v, 1, 1, 0, 1, 0, 0);
  }

  @Test
  void eventConstraintsCheckWholeEvents() {
    Tensor simplexes = Tensor.of(new double[][] {{0.2, 0.8}, {0.5, 0.6}, {-0.1, 1.1}, {1, 0}});
    assertCheck(Constraints.simplex(), simplexes, 1, 0, 0, 1);
    assertCheck(Constraints.realVector(), Tensor.of(new double[][] {{1, 2}, {NAN, 0}}), 1, 0);
    Tensor lower = Tensor.of(new double[][] {{2, 0}, {1, 3}});
    Tensor upper = Tensor.of(new double[][] {{2, 1}, {0, 3}});
    Tensor negDiag = Tensor.of(new double[][] {{-2, 0}, {1, 3}});
    assertCheck(Constraints.lowerCholesky(), Tensor.stack(0, lower, upper, negDiag), 1, 0, 0);
    double c = Math.sqrt(0.5);
    Tensor corr = Tensor.of(new double[][] {{1, 0}, {c, c}});
    assertCheck(Constraints.corrCholesky(), Tensor.stack(0, corr, lower), 1, 0);
    Tensor pd = Tensor.of(new double[][] {{2, 1}, {1, 2}});
    Tensor indefinite = Tensor.of(new double[][] {{1, 2}, {2, 1}});
    Tensor asymmetric = Tensor.of(new double[][] {{2, 1}, {0, 2}});
    assertCheck(Constraints.positiveDefinite(), Tensor.stack(0, pd, indefinite, asymmetric), 1, 0, 0);
  }

  @Test
  void feasiblePointsAreInside() {
    Tensor proto = Tensor.zeros(2, 3);
    for (Constraint c :
        new Constraint[] {
          Constraints.real(), Constraints.positive(), Constraints.nonnegative(),
          Constraints.unitInterval(), Constraints.interval(-3, -1), Constraints.greaterThan(5),
          Constraints.lessThan(-5), Constraints.simplex(), Constraints.booleanValues(),
          Constraints.positiveInteger()
        }) {
      assertTrue(c.check(c.feasibleLike(proto)).all(), c.toString());
    }
    Tensor square = Tensor.zeros(4, 3, 3);
    for (Constraint c :
        new Constraint[] {
          Constraints.lowerCholesky(), Constraints.corrCholesky(), Constraints.positiveDefinite()
        }) {
      Tensor f = c.feasibleLike(square);
      assertEquals(Shape.of(4, 3, 3), f.shape());
      assertTrue(c.check(f).all(), c.toString());
    }
  }

  @Test
  void flags() {
    assertTrue(Constraints.positiveInteger().isDiscrete());
    assertFalse(Constraints.positive().isDiscrete());
    assertEquals(1, Constraints.simplex().eventDim());
    assertEquals(2, Constraints.positiveDefinite().eventDim());
    assertEquals("interval(0.0, 2.0)", Constraints.interval(0, 2).toString());
    assertEquals("greaterThan(1.5)", Constraints.greaterThan(1.5).toString());
  }

  @Test
  void invalidArgumentsAreNamed() {
    assertEquals(
        "interval: need lower < upper, got lower = 2.0, upper = 1.0",
        assertThrows(IllegalArgumentException.class, () -> Constraints.interval(2, 1))
            .getMessage());
    assertEquals(
        "greaterThan: lower must be finite, got NaN",
        assertThrows(IllegalArgumentException.class, () -> Constraints.greaterThan(NAN))
            .getMessage());
    assertEquals(
        "integerInterval: need lower <= upper, got lower = 3, upper = 1",
        assertThrows(IllegalArgumentException.class, () -> Constraints.integerInterval(3, 1))
            .getMessage());
  }
}
