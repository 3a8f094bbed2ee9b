// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static dev.ember.infer.optim.OptimReference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The schedules: values against optax's formulas, printing, equality, serialization, errors. */
class LearningRateTest {

  private static final Map<String, LearningRate> CASES = Map.of(
      "constant", LearningRate.constant(0.1),
      "exponential", LearningRate.exponentialDecay(0.1, 0.5, 100, false),
      "exponentialStaircase", LearningRate.exponentialDecay(0.1, 0.5, 100, true),
      "piecewise", LearningRate.piecewiseConstant(new long[] {100, 1000},
          new double[] {0.1, 0.01, 0.001}),
      "cosine", LearningRate.cosineDecay(0.1, 1000, 0.0),
      "cosineAlpha", LearningRate.cosineDecay(0.1, 1000, 0.1),
      "warmupCosine", LearningRate.warmup(100, LearningRate.cosineDecay(0.1, 1000, 0.1)),
      "warmupConstant", LearningRate.warmup(100, LearningRate.constant(0.05)));

  @Test
  void valuesMatchTheReference() {
    List<String[]> rows = OptimReference.rows("lr");
    for (String[] f : rows) {
      LearningRate lr = CASES.get(f[1]);
      long step = Long.parseLong(f[2]);
      assertClose(Double.parseDouble(f[3]), lr.at(step), f[1] + " at " + step);
    }
    assertEquals(CASES.size() * 15, rows.size());
  }

  /** The edges the reference pins, spelled out: where each schedule turns. */
  @Test
  void boundariesFallWhereTheDefinitionsPutThem() {
    LearningRate piecewise = CASES.get("piecewise");
    assertEquals(0.1, piecewise.at(100)); // JAX: values[#(step > boundary)]
    assertEquals(0.01, piecewise.at(101));
    assertEquals(0.01, piecewise.at(1000));
    assertEquals(0.001, piecewise.at(1001));
    LearningRate staircase = CASES.get("exponentialStaircase");
    assertEquals(0.1, staircase.at(99));
    assertEquals(0.05, staircase.at(100));
    assertEquals(0.0, CASES.get("cosine").at(1000));
    assertEquals(0.0, CASES.get("cosine").at(1_000_000));
    LearningRate warmup = CASES.get("warmupConstant");
    assertEquals(0.0, warmup.at(0));
    assertEquals(0.025, warmup.at(50));
    assertEquals(0.05, warmup.at(100));
    // after the warm-up the inner schedule starts at its own step 0
    LearningRate warmupCosine = CASES.get("warmupCosine");
    assertEquals(0.1, warmupCosine.at(100));
    assertEquals(LearningRate.cosineDecay(0.1, 1000, 0.1).at(500), warmupCosine.at(600));
  }

  @Test
  void schedulesPrintAsTheCallThatMadeThem() {
    assertEquals("constant(0.1)", CASES.get("constant").toString());
    assertEquals("exponentialDecay(0.1, 0.5, 100, true)",
        CASES.get("exponentialStaircase").toString());
    assertEquals("piecewiseConstant([100, 1000], [0.1, 0.01, 0.001])",
        CASES.get("piecewise").toString());
    assertEquals("warmup(100, cosineDecay(0.1, 1000, 0.1))", CASES.get("warmupCosine").toString());
  }

  @Test
  void schedulesCompareByValueAndPiecewiseCopiesItsArrays() {
    long[] boundaries = {10};
    double[] values = {1.0, 0.5};
    LearningRate.PiecewiseConstant p = new LearningRate.PiecewiseConstant(boundaries, values);
    boundaries[0] = 20;
    values[1] = 7;
    assertEquals(0.5, p.at(11));
    p.values()[1] = 9;
    assertEquals(0.5, p.at(11));
    assertEquals(LearningRate.piecewiseConstant(new long[] {10}, new double[] {1.0, 0.5}), p);
    assertEquals(
        LearningRate.piecewiseConstant(new long[] {10}, new double[] {1.0, 0.5}).hashCode(),
        p.hashCode());
    assertNotEquals(LearningRate.piecewiseConstant(new long[] {11}, new double[] {1.0, 0.5}), p);
    assertEquals(CASES.get("warmupCosine"),
        LearningRate.warmup(100, LearningRate.cosineDecay(0.1, 1000, 0.1)));
  }

  @Test
  void schedulesSurviveSerialization() throws IOException, ClassNotFoundException {
    for (LearningRate lr : CASES.values()) {
      LearningRate back = roundTrip(lr);
      assertEquals(lr, back);
      for (long step : new long[] {0, 7, 100, 101, 4321}) {
        assertEquals(lr.at(step), back.at(step), lr + " at " + step);
      }
    }
    LearningRate lambda = step -> 1.0 / (1 + step);
    assertEquals(0.25, roundTrip(lambda).at(3));
  }

  static LearningRate roundTrip(LearningRate lr) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(lr);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (LearningRate) in.readObject();
    }
  }

  private static void assertRejected(String expectedMessage, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expectedMessage, e.getMessage());
  }

  @Test
  void badArgumentsAreNamed() {
    assertRejected("LearningRate.constant: value must be finite and > 0, got 0.0",
        () -> LearningRate.constant(0));
    assertRejected("LearningRate.constant: value must be finite and > 0, got NaN",
        () -> LearningRate.constant(Double.NaN));
    assertRejected("LearningRate.exponentialDecay: decayRate must be finite and > 0, got -0.5",
        () -> LearningRate.exponentialDecay(0.1, -0.5, 10, false));
    assertRejected("LearningRate.exponentialDecay: decaySteps must be > 0, got 0",
        () -> LearningRate.exponentialDecay(0.1, 0.5, 0, false));
    assertRejected("LearningRate.piecewiseConstant: values must have one more element than"
            + " boundaries, but got 2 boundaries and 2 values",
        () -> LearningRate.piecewiseConstant(new long[] {1, 2}, new double[] {0.1, 0.2}));
    assertRejected("LearningRate.piecewiseConstant: boundaries must be >= 0 and strictly"
            + " increasing, got [5, 5]",
        () -> LearningRate.piecewiseConstant(new long[] {5, 5}, new double[] {1, 2, 3}));
    assertRejected("LearningRate.piecewiseConstant: values[1] must be finite and > 0, got"
            + " Infinity",
        () -> LearningRate.piecewiseConstant(new long[] {5},
            new double[] {1, Double.POSITIVE_INFINITY}));
    assertRejected("LearningRate.cosineDecay: alpha must be in [0, 1], got 1.5",
        () -> LearningRate.cosineDecay(0.1, 100, 1.5));
    assertRejected("LearningRate.warmup: warmupSteps must be > 0, got -1",
        () -> LearningRate.warmup(-1, LearningRate.constant(0.1)));
    assertThrows(NullPointerException.class, () -> LearningRate.warmup(10, null));
    assertRejected("LearningRate.cosineDecay: step must be >= 0, got -1",
        () -> CASES.get("cosine").at(-1));
  }

  @Test
  void aStaircaseHoldsForWholeBlocksAtLargeSteps() {
    LearningRate lr = LearningRate.exponentialDecay(1.0, 0.5, 3, true);
    assertEquals(Math.pow(0.5, 3), lr.at(11));
    assertTrue(lr.at(Long.MAX_VALUE) >= 0);
  }
}
