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

  @Test
  void agreesWithIsFiniteForEveryValueAtEveryPosition() {
    for (int n : new int[] {1, 7, 64, 1031}) {
      for (double v : VALUES) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          double[] d = new double[n];
          java.util.Arrays.fill(d, 0.5);
          d[at] = v;
          assertEquals(Double.isFinite(v), Tensor.of(d, n).allFinite(), v + " at " + at + " of " + n);
        }
      }
    }
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
    for (int n : new int[] {1, 7, 64, 1031}) {
      for (double v : VALUES) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          double[] d = new double[n];
          java.util.Arrays.fill(d, 0.5);
          d[at] = v;
          assertEquals(v > 0 && Double.isFinite(v), Tensor.of(d, n).allPositiveFinite(),
              v + " at " + at + " of " + n);
        }
      }
    }
    assertEquals(true, Tensor.zeros(0).allPositiveFinite(), "empty");
  }
}
