// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The stable forms the transforms promise, at the inputs where the naive forms fail; the
 * expected values are closed forms evaluated here in the regime where they are exact.
 */
class NumericalStabilityTest {

  /**
   * {@code softplus^-1(y) = y + log(-expm1(-y))}: for large {@code y} the correction is below
   * half an ulp ({@code log(expm1(y))} would overflow at 710), for tiny {@code y} it is {@code
   * log(y) + y/2 + O(y^2)}.
   */
  @Test
  void softplusInverseAtBothEnds() {
    double[] x = new SoftplusTransform().inverse(Tensor.of(1e-300, 1e-10, 40, 1000, 1e300)).toArray();
    assertEquals(Math.log(1e-300), x[0], 1e-15 * 691);
    assertEquals(Math.log(1e-10) + 0.5e-10, x[1], 1e-15 * 23);
    assertEquals(40.0, x[2], 0.0);
    assertEquals(1000.0, x[3], 0.0);
    assertEquals(1e300, x[4], 0.0);
  }

  /**
   * {@code log sigmoid(x) + log sigmoid(-x) = -|x| - 2 log1p(e^-|x|)}, finite where {@code
   * log(y (1 - y))} of the rounded {@code y} is {@code -inf}.
   */
  @Test
  void sigmoidLogDetBeyondRounding() {
    Tensor x = Tensor.of(-800, -40, 40, 800);
    double[] ladj = new SigmoidTransform().logAbsDetJacobian(x, null).toArray();
    double[] xs = x.toArray();
    for (int i = 0; i < xs.length; i++) {
      double a = Math.abs(xs[i]);
      assertEquals(-a - 2 * Math.log1p(Math.exp(-a)), ladj[i], 1e-15 * a, "x = " + xs[i]);
    }
  }

  /**
   * Where {@code tanh} rounds to 1 the log-det still follows {@code log(1 - tanh^2 x) = log 4 -
   * 2|x| - 2 log1p(e^-2|x|)} for every partial correlation: for {@code n = 3} at {@code x = (20,
   * -20, 20)} the stick-breaking term adds half the first entry's term, 3.5 times in all.
   * (Evaluated from {@code y}, as NumPyro does, {@code 1 - y^2} would be rounding noise.)
   */
  @Test
  void corrCholeskyLogDetWhereTanhRounds() {
    double l = Math.log(4) - 40 - 2 * Math.log1p(Math.exp(-40));
    CorrCholeskyTransform t = new CorrCholeskyTransform();
    Tensor x2 = Tensor.of(20);
    assertEquals(l, t.logAbsDetJacobian(x2, t.forward(x2)).item(), 1e-15 * 40);
    Tensor x3 = Tensor.of(20, -20, 20);
    Tensor y3 = t.forward(x3);
    assertEquals(3.5 * l, t.logAbsDetJacobian(x3, y3).item(), 1e-15 * 140);
    assertTrue(Constraints.corrCholesky().check(y3).all(), y3.toString());
  }

  /**
   * Stick breaking from a point near a vertex: the small entries come back to 1e-12 relative,
   * because the inverse sums the remaining stick from the tail (as {@code 1 - (1 - 2e-12)} it
   * would carry an absolute error of 1e-16, 5e-5 relative).
   */
  @Test
  void stickBreakingNearAVertex() {
    double[] y = {1 - 3e-12, 1e-12, 2e-12};
    StickBreakingTransform t = new StickBreakingTransform();
    double[] back = t.forward(t.inverse(Tensor.of(y))).toArray();
    assertEquals(y[0], back[0], 1e-16);
    assertEquals(1.0, back[1] / y[1], 1e-12);
    assertEquals(1.0, back[2] / y[2], 1e-12);
  }

  /** Far into the corner every entry stays positive (no entry rounds to zero before 700). */
  @Test
  void stickBreakingKeepsEveryEntryPositive() {
    double[] y = new StickBreakingTransform().forward(Tensor.of(40, 40, 40)).toArray();
    for (double v : y) {
      assertTrue(v > 0, java.util.Arrays.toString(y));
    }
    assertEquals(1.0, y[0] + y[1] + y[2] + y[3], 1e-15);
    // 1 - z_0 = sigmoid(-(40 - log 3)) = 3 e^-40 to relative e^-40: y_1 = z_1 (1 - z_0)
    assertEquals(1.0, y[1] / (3 * Math.exp(-40)), 1e-14);
  }
}
