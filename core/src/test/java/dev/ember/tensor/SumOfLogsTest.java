// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code FusedDensities.sumOfLogs}, the sum of logarithms from products of mantissas, against
 * the sum of {@link Math#log} taken with Neumaier's compensated summation (accurate to about
 * {@code eps} times the sum of the logs' magnitudes). The bound on the difference: each product of
 * k mantissas is rounded k times, so the products' logs are off by at most about {@code n eps} in
 * all; {@code ln 2} times the exponents' sum is rounded once per term of magnitude up to {@code
 * 1023 ln 2}; the reference itself is off by about {@code eps sum |log x|}. So {@code 2 n eps + 4
 * eps sum |log x|}.
 */
class SumOfLogsTest {
  private static final double EPS = Math.ulp(1.0);

  private static void check(double[] values) {
    Tensor t = Tensor.of(values);
    double sum = 0;
    double c = 0;
    double magnitude = 0;
    for (double v : values) {
      double l = Math.log(v);
      double s = sum + l;
      c += Math.abs(sum) >= Math.abs(l) ? (sum - s) + l : (l - s) + sum;
      sum = s;
      magnitude += Math.abs(l);
    }
    double reference = sum + c;
    double tolerance = 2 * values.length * EPS + 4 * EPS * magnitude;
    assertEquals(reference, FusedDensities.sumOfLogs(t), tolerance);
  }

  @Test
  void matchesTheSumOfLogsOverEveryMagnitude() {
    SplittableRandom r = new SplittableRandom(11);
    for (int n : new int[] {1, 3, 4, 31, 32, 127, 128, 129, 5000}) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = Math.exp(r.nextDouble(-700, 700)); // from 1e-304 to 1e304
      }
      check(v);
      double[] narrow = new double[n];
      for (int i = 0; i < n; i++) {
        narrow[i] = r.nextDouble(0.5, 2.0);
      }
      check(narrow);
    }
  }

  @Test
  void valuesThatAreNotPositiveNormalsGiveWhatMathLogGives() {
    double[] base = new double[300];
    java.util.Arrays.fill(base, 1.5);
    double[] sub = base.clone();
    sub[200] = Double.MIN_VALUE; // subnormal: its exact log
    check(sub);
    double[] zero = base.clone();
    zero[5] = 0.0;
    assertEquals(Double.NEGATIVE_INFINITY, FusedDensities.sumOfLogs(Tensor.of(zero)), 0.0);
    double[] negative = base.clone();
    negative[130] = -1.0;
    assertTrue(Double.isNaN(FusedDensities.sumOfLogs(Tensor.of(negative))));
    double[] infinite = base.clone();
    infinite[299] = Double.POSITIVE_INFINITY;
    assertEquals(Double.POSITIVE_INFINITY, FusedDensities.sumOfLogs(Tensor.of(infinite)), 0.0);
    // a view: every other element of a row
    Tensor m = Tensor.of(base, 3, 100).slice(1, 0, 100, 2);
    assertEquals(150 * Math.log(1.5), FusedDensities.sumOfLogs(m), 300 * EPS * 2);
  }
}
