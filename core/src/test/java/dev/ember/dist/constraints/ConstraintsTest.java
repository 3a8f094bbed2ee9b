// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Truth tables (inside, on the boundary, outside, infinite, NaN) for every constraint, the shapes
 * of {@code check}, feasible points, flags, equality, serialization, and the messages of invalid
 * arguments. The expected values are NumPyro's semantics, written out by hand.
 */
class ConstraintsTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  private static void assertCheck(Constraint c, Tensor values, double... expected) {
    Tensor ok = c.check(values);
    assertTrue(ok.isBool(), c + " returns a boolean tensor");
    assertArrayEquals(expected, ok.toArray(), 0.0, c.toString());
  }

  /** Columns: -inf, -1, 0, 0.5, 1, 2, +inf, NaN. */
  @Test
  void scalarTruthTables() {
    Tensor v = Tensor.of(-INF, -1, 0, 0.5, 1, 2, INF, NAN);
    assertCheck(Constraints.real(), v, 0, 1, 1, 1, 1, 1, 0, 0);
    assertCheck(Constraints.positive(), v, 0, 0, 0, 1, 1, 1, 1, 0);
    assertCheck(Constraints.softplusPositive(), v, 0, 0, 0, 1, 1, 1, 1, 0);
    assertCheck(Constraints.nonnegative(), v, 0, 0, 1, 1, 1, 1, 1, 0);
    assertCheck(Constraints.greaterThan(0.5), v, 0, 0, 0, 0, 1, 1, 1, 0);
    assertCheck(Constraints.greaterThanEq(0.5), v, 0, 0, 0, 1, 1, 1, 1, 0);
    assertCheck(Constraints.lessThan(0.5), v, 1, 1, 1, 0, 0, 0, 0, 0);
    assertCheck(Constraints.lessThanEq(0.5), v, 1, 1, 1, 1, 0, 0, 0, 0);
    assertCheck(Constraints.unitInterval(), v, 0, 0, 1, 1, 1, 0, 0, 0);
    assertCheck(Constraints.interval(0, 2), v, 0, 0, 1, 1, 1, 1, 0, 0);
    assertCheck(Constraints.interval(-1, 0.5), v, 0, 1, 1, 1, 0, 0, 0, 0);
    assertCheck(Constraints.booleanValues(), v, 0, 0, 1, 0, 1, 0, 0, 0);
    assertCheck(Constraints.nonnegativeInteger(), v, 0, 0, 1, 0, 1, 1, 0, 0);
    assertCheck(Constraints.positiveInteger(), v, 0, 0, 0, 0, 1, 1, 0, 0);
    assertCheck(Constraints.integerInterval(-1, 1), v, 0, 1, 1, 0, 1, 0, 0, 0);
  }

  @Test
  void boundsJustInsideAndOutside() {
    double up = Math.nextUp(1.0);
    double down = Math.nextDown(1.0);
    assertCheck(Constraints.greaterThan(1.0), Tensor.of(down, 1.0, up), 0, 0, 1);
    assertCheck(Constraints.lessThan(1.0), Tensor.of(down, 1.0, up), 1, 0, 0);
    assertCheck(Constraints.interval(-1.0, 1.0), Tensor.of(down, 1.0, up), 1, 1, 0);
    assertCheck(Constraints.positive(), Tensor.of(-0.0, Double.MIN_VALUE), 0, 1);
    assertCheck(Constraints.nonnegative(), Tensor.of(-0.0, -Double.MIN_VALUE), 1, 0);
  }

  @Test
  void checkKeepsTheBatchShape() {
    assertEquals(Shape.of(2, 3), Constraints.positive().check(Tensor.ones(2, 3)).shape());
    assertEquals(Shape.of(), Constraints.positive().check(Tensor.scalar(1)).shape());
    assertEquals(Shape.of(2), Constraints.simplex().check(Tensor.full(0.25, 2, 4)).shape());
    assertEquals(Shape.of(2, 3), Constraints.lowerCholesky().check(Tensor.eye(2).broadcastTo(2, 3, 2, 2)).shape());
    assertEquals(Shape.of(2, 3), Constraints.positiveDefinite().check(Tensor.eye(2).broadcastTo(2, 3, 2, 2)).shape());
    assertEquals(Shape.of(), Constraints.corrCholesky().check(Tensor.eye(3)).shape());
    Constraint ind = Constraints.independent(Constraints.positive(), 2);
    assertEquals(Shape.of(5), ind.check(Tensor.ones(5, 2, 3)).shape());
  }

  @Test
  void simplexTruthTable() {
    Tensor v =
        Tensor.of(
            new double[][] {
              {0.2, 0.8}, // inside
              {1, 0}, // a vertex: on the boundary, inside (closed)
              {0.5, 0.5 + 5e-7}, // sum within the 1e-6 tolerance
              {0.5, 0.5 + 2e-6}, // sum outside it
              {-1e-300, 1}, // a negative entry
              {1.1, -0.1}, // sums to one, but negative
              {NAN, 1}, // NaN
              {INF, 0}
            });
    assertCheck(Constraints.simplex(), v, 1, 1, 1, 0, 0, 0, 0, 0);
  }

  @Test
  void vectorTruthTables() {
    Tensor v = Tensor.of(new double[][] {{1, 2}, {NAN, 0}, {INF, 0}, {-1, 2}});
    assertCheck(Constraints.realVector(), v, 1, 0, 0, 1);
    assertCheck(Constraints.independent(Constraints.positive(), 1), v, 1, 0, 0, 0);
    assertCheck(Constraints.independent(Constraints.real(), 2), v.unsqueeze(0), 0);
    assertCheck(Constraints.independent(Constraints.nonnegative(), 1), Tensor.of(0, 3), 1);
  }

  @Test
  void choleskyTruthTables() {
    double c = Math.sqrt(0.5);
    Tensor[] m = {
      Tensor.of(new double[][] {{2, 0}, {1, 3}}), // lower, positive diagonal
      Tensor.of(new double[][] {{2, 1e-300}, {1, 3}}), // an entry above the diagonal
      Tensor.of(new double[][] {{2, 0}, {1, 0}}), // zero on the diagonal
      Tensor.of(new double[][] {{-2, 0}, {1, 3}}), // negative diagonal
      Tensor.of(new double[][] {{2, 0}, {NAN, 3}}), // NaN below the diagonal
      Tensor.of(new double[][] {{2, NAN}, {1, 3}}), // NaN above the diagonal
      Tensor.of(new double[][] {{1, 0}, {c, c}}), // unit rows
      Tensor.of(new double[][] {{1, 0}, {0.6, 0.8 + 1e-9}}), // a row of norm 1 + 8e-10
      Tensor.of(new double[][] {{1, 0}, {-0.6, 0.8}}), // unit rows, negative correlation
    };
    Tensor all = Tensor.stack(0, m);
    assertCheck(Constraints.lowerCholesky(), all, 1, 0, 0, 0, 0, 0, 1, 1, 1);
    assertCheck(Constraints.scaledUnitLowerCholesky(), all, 1, 0, 0, 0, 0, 0, 1, 1, 1);
    assertCheck(Constraints.softplusLowerCholesky(), all, 1, 0, 0, 0, 0, 0, 1, 1, 1);
    assertCheck(Constraints.corrCholesky(), all, 0, 0, 0, 0, 0, 0, 1, 0, 1);
    // NumPyro's row-norm tolerance: 10 n eps
    double tol = 10 * 3 * Math.ulp(1.0);
    Tensor rows = Tensor.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1 + 0.5 * tol}});
    Tensor off = Tensor.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1 + 2 * tol}});
    assertCheck(Constraints.corrCholesky(), Tensor.stack(0, rows, off), 1, 0);
  }

  @Test
  void positiveDefiniteTruthTable() {
    Tensor[] m = {
      Tensor.of(new double[][] {{2, 1}, {1, 2}}), // positive definite
      Tensor.of(new double[][] {{1, 1}, {1, 1}}), // singular (semidefinite)
      Tensor.of(new double[][] {{1, 2}, {2, 1}}), // indefinite
      Tensor.of(new double[][] {{2, 1}, {0, 2}}), // not symmetric
      Tensor.of(new double[][] {{2, 1 + 1e-12}, {1, 2}}), // symmetric to rounding
      Tensor.of(new double[][] {{2, NAN}, {NAN, 2}}),
      Tensor.of(new double[][] {{INF, 0}, {0, 1}}),
      Tensor.of(new double[][] {{-1, 0}, {0, -1}}),
    };
    assertCheck(Constraints.positiveDefinite(), Tensor.stack(0, m), 1, 0, 0, 0, 1, 0, 0, 0);
  }

  @Test
  void valuesWithTooFewDimensionsAreRejectedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Constraints.simplex().check(Tensor.scalar(1)));
    assertEquals(
        "simplex: expected a value with at least 1 dimension(s) (the event), got shape []",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Constraints.lowerCholesky().check(Tensor.ones(3)));
    assertThrows(
        IllegalArgumentException.class, () -> Constraints.positiveDefinite().check(Tensor.ones(2, 3)));
  }

  private static List<Constraint> continuous() {
    return List.of(
        Constraints.real(), Constraints.realVector(), Constraints.positive(),
        Constraints.softplusPositive(), Constraints.nonnegative(), Constraints.unitInterval(),
        Constraints.interval(-3, -1), Constraints.greaterThan(5), Constraints.greaterThanEq(5),
        Constraints.lessThan(-5), Constraints.lessThanEq(-5), Constraints.simplex(),
        Constraints.independent(Constraints.positive(), 1), Constraints.lowerCholesky(),
        Constraints.scaledUnitLowerCholesky(), Constraints.softplusLowerCholesky(),
        Constraints.corrCholesky(), Constraints.positiveDefinite());
  }

  @Test
  void feasiblePointsAreInside() {
    List<Constraint> all = new java.util.ArrayList<>(continuous());
    all.addAll(
        List.of(
            Constraints.booleanValues(), Constraints.positiveInteger(),
            Constraints.nonnegativeInteger(), Constraints.integerInterval(3, 7)));
    for (Constraint c : all) {
      Tensor proto = c.eventDim() == 2 ? Tensor.zeros(4, 3, 3) : Tensor.zeros(2, 3);
      Tensor f = c.feasibleLike(proto);
      assertEquals(proto.shape(), f.shape(), c.toString());
      assertTrue(c.check(f).all(), c + ": " + f);
    }
  }

  @Test
  void flagsAndNames() {
    assertTrue(Constraints.positiveInteger().isDiscrete());
    assertTrue(Constraints.booleanValues().isDiscrete());
    assertTrue(Constraints.independent(Constraints.nonnegativeInteger(), 1).isDiscrete());
    for (Constraint c : continuous()) {
      assertFalse(c.isDiscrete(), c.toString());
    }
    assertEquals(0, Constraints.interval(0, 1).eventDim());
    assertEquals(1, Constraints.simplex().eventDim());
    assertEquals(1, Constraints.realVector().eventDim());
    assertEquals(2, Constraints.corrCholesky().eventDim());
    assertEquals(2, Constraints.positiveDefinite().eventDim());
    assertEquals(3, Constraints.independent(Constraints.lowerCholesky(), 1).eventDim());
    assertEquals("interval(0.0, 2.0)", Constraints.interval(0, 2).toString());
    assertEquals("greaterThan(1.5)", Constraints.greaterThan(1.5).toString());
    assertEquals("greaterThanEq(1.5)", Constraints.greaterThanEq(1.5).toString());
    assertEquals("lessThan(-1.0)", Constraints.lessThan(-1).toString());
    assertEquals("lessThanEq(-1.0)", Constraints.lessThanEq(-1).toString());
    assertEquals("integerInterval(0, 4)", Constraints.integerInterval(0, 4).toString());
    assertEquals("realVector", Constraints.realVector().toString());
    assertEquals("independent(positive, 2)", Constraints.independent(Constraints.positive(), 2).toString());
    assertEquals("unitInterval", Constraints.unitInterval().toString());
    assertEquals("booleanValues", Constraints.booleanValues().toString());
  }

  @Test
  void equalityAndFlattening() {
    assertEquals(Constraints.interval(0, 2), Constraints.interval(0, 2));
    assertEquals(Constraints.interval(0, 2).hashCode(), Constraints.interval(0, 2).hashCode());
    assertNotEquals(Constraints.interval(0, 1), Constraints.unitInterval());
    assertNotEquals(Constraints.greaterThan(0), Constraints.positive());
    assertNotEquals(Constraints.greaterThan(1), Constraints.greaterThanEq(1));
    assertNotEquals(Constraints.positive(), Constraints.softplusPositive());
    assertNotEquals(Constraints.lowerCholesky(), Constraints.scaledUnitLowerCholesky());
    assertEquals(Constraints.lessThan(3), Constraints.lessThan(3));
    assertEquals(Constraints.integerInterval(0, 3), Constraints.integerInterval(0, 3));
    assertSame(Constraints.realVector(), Constraints.independent(Constraints.real(), 1));
    assertSame(Constraints.positive(), Constraints.independent(Constraints.positive(), 0));
    Constraint nested =
        Constraints.independent(Constraints.independent(Constraints.positive(), 1), 2);
    assertEquals(Constraints.independent(Constraints.positive(), 3), nested);
    assertSame(Constraints.positive(), ((IndependentConstraint) nested).base());
  }

  @Test
  void serializationKeepsSingletonsSingleAndValuesEqual() throws Exception {
    List<Constraint> singletons =
        List.of(
            Constraints.real(), Constraints.realVector(), Constraints.positive(),
            Constraints.softplusPositive(), Constraints.nonnegative(), Constraints.unitInterval(),
            Constraints.simplex(), Constraints.lowerCholesky(), Constraints.scaledUnitLowerCholesky(),
            Constraints.softplusLowerCholesky(), Constraints.corrCholesky(),
            Constraints.positiveDefinite(), Constraints.booleanValues(),
            Constraints.nonnegativeInteger(), Constraints.positiveInteger());
    for (Constraint c : singletons) {
      assertSame(c, roundTrip(c), c.toString()); // bijectTo and logProb compare with ==
    }
    List<Constraint> parametrized =
        List.of(
            Constraints.interval(-3, -1), Constraints.interval(0, 1), Constraints.greaterThan(0),
            Constraints.greaterThanEq(5), Constraints.lessThan(-5), Constraints.lessThanEq(-5),
            Constraints.integerInterval(3, 7), Constraints.independent(Constraints.positive(), 2));
    for (Constraint c : parametrized) {
      assertEquals(c, roundTrip(c), c.toString());
    }
    IndependentConstraint vectors =
        (IndependentConstraint) roundTrip(Constraints.independent(Constraints.real(), 3));
    assertSame(Constraints.real(), vectors.base());
  }

  static Constraint roundTrip(Constraint c) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Constraint) in.readObject();
    }
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void invalidArgumentsNameTheConstraintAndTheValues() {
    assertMessage(
        "interval: need lower < upper, got lower = 2.0, upper = 1.0",
        () -> Constraints.interval(2, 1));
    assertMessage(
        "interval: need lower < upper, got lower = 1.0, upper = 1.0",
        () -> Constraints.interval(1, 1));
    assertMessage("interval: lower must be finite, got NaN", () -> Constraints.interval(NAN, 1));
    assertMessage(
        "interval: upper must be finite, got Infinity", () -> Constraints.interval(0, INF));
    assertMessage(
        "interval: the width upper - lower overflows, got lower = -1.0E308, upper = 1.0E308; "
            + "use greaterThan or lessThan for half-bounded values",
        () -> Constraints.interval(-1e308, 1e308));
    assertMessage("greaterThan: lower must be finite, got NaN", () -> Constraints.greaterThan(NAN));
    assertMessage(
        "greaterThanEq: lower must be finite, got -Infinity",
        () -> Constraints.greaterThanEq(-INF));
    assertMessage("lessThan: upper must be finite, got Infinity", () -> Constraints.lessThan(INF));
    assertMessage("lessThanEq: upper must be finite, got NaN", () -> Constraints.lessThanEq(NAN));
    assertMessage(
        "integerInterval: need lower <= upper, got lower = 3, upper = 1",
        () -> Constraints.integerInterval(3, 1));
    assertMessage(
        "independent(positive, -1): n must be >= 0, got -1",
        () -> Constraints.independent(Constraints.positive(), -1));
  }
}
