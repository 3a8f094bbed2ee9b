// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#allFinite()} and {@link Tensor#allPositiveFinite()} against {@link
 * Double#isFinite} at every position and edge value.
 */
class FinitenessTest {
  static final double[] VALUES = {
      0.0, -0.0, 1.0, -1.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
      Double.MIN_NORMAL, -Double.MIN_VALUE, Math.nextDown(Double.POSITIVE_INFINITY),
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
      Double.longBitsToDouble(0x7FF0000000000001L), Double.longBitsToDouble(0xFFF8000000000000L)};

  /** A check of one tensor that holds {@code v} at one position and 0.5 elsewhere. */
  private interface Placement {
    void check(double v, Tensor t, String where);
  }

  /** Every value of {@link #VALUES} at the start, middle and end of tensors of several sizes. */
  private static void forEveryPlacement(Placement p) {
    for (int n : new int[] {1, 7, 64, 1031}) {
      for (double v : VALUES) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          double[] d = new double[n];
          java.util.Arrays.fill(d, 0.5);
          d[at] = v;
          p.check(v, Tensor.of(d, n), v + " at " + at + " of " + n);
        }
      }
    }
  }

  @Test
  void agreesWithIsFiniteForEveryValueAtEveryPosition() {
    forEveryPlacement((v, t, where) -> assertEquals(Double.isFinite(v), t.allFinite(), where));
    assertEquals(true, Tensor.zeros(0).allFinite(), "empty");
    // the answer is kept: asked again, the same
    Tensor bad = Tensor.of(1.0, Double.NaN);
    assertEquals(false, bad.allFinite());
    assertEquals(false, bad.allFinite());
    Tensor good = Tensor.of(1.0, 2.0);
    assertEquals(true, good.allFinite());
    assertEquals(true, good.allFinite());
  }

  @Test
  void allPositiveFiniteAgreesWithTheComparisonForEveryValueAtEveryPosition() {
    forEveryPlacement((v, t, where) ->
        assertEquals(v > 0 && Double.isFinite(v), t.allPositiveFinite(), where));
    assertEquals(true, Tensor.zeros(0).allPositiveFinite(), "empty");
  }
}
