// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adam's one-pass update into new arrays against the in-place update it replaces, the previous
 * state left as it was, and the update that checks the gradients' values as it reads them.
 */
class AdamStepTest {
  @Test
  void theOnePassUpdateEqualsTheInPlaceUpdateAndLeavesTheOldStateAlone() {
    Adam adam = Adam.of(0.05, 0.8, 0.99, 1e-8);
    double[] x = {0.3, -1.2, 2.5, 0.0, 7.0};
    double[] m = new double[5];
    double[] v = new double[5];
    OptimizerState s = adam.init(Map.of("w", Tensor.of(x)));
    for (int t = 0; t < 4; t++) {
      double[] g = {Math.sin(t + 1.0), -0.5 * t, 3.0, 1e-3, -2.0 + t};
      OptimizerState before = s;
      double[] oldW = before.params().get("w").toArray();
      double[] oldM = before.slots().get("w").get(0).toArray();
      s = adam.update(Map.of("w", Tensor.of(g)), s);
      Adam.update(0.05, t, 0.8, 0.99, 1e-8, x, g.clone(), m, v);
      assertArrayEquals(x, s.params().get("w").toArray(), 0.0);
      assertArrayEquals(m, s.slots().get("w").get(0).toArray(), 0.0);
      assertArrayEquals(v, s.slots().get("w").get(1).toArray(), 0.0);
      assertArrayEquals(oldW, before.params().get("w").toArray(), 0.0);
      assertArrayEquals(oldM, before.slots().get("w").get(0).toArray(), 0.0);
    }
  }

  /**
   * A parameter of 5 003 elements, stepped 300 times: long enough that the JIT compiles the
   * kernels into their vector loops (and their scalar tails: 5 003 is odd), which must give, bit
   * for bit, the rule written here one element at a time (with the same hoisted corrections).
   */
  @Test
  void aLongParameterUpdatesBitForBitAsTheRuleOneElementAtATime() {
    int n = 5003;
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    Adam adam = Adam.of(lr, b1, b2, eps);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.sin(0.37 * i) * (1 + i % 7);
    }
    double[] m = new double[n];
    double[] v = new double[n];
    double[] xIn = x.clone();
    double[] mIn = new double[n];
    double[] vIn = new double[n];
    double[] xNext = new double[n];
    double[][] slotsNext = new double[2][n];
    for (int t = 0; t < 300; t++) {
      double[] g = new double[n];
      for (int i = 0; i < n; i++) {
        g[i] = Math.cos(0.11 * i + t) * (i % 3 == 0 ? 1e-4 : 2.0) + 0.01 * x[i];
      }
      double rate = lr / (1 - Math.pow(b1, t + 1.0));
      double invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(b2, t + 1.0));
      double[] want = new double[n];
      for (int i = 0; i < n; i++) {
        m[i] = (1 - b1) * g[i] + b1 * m[i];
        v[i] = (1 - b2) * (g[i] * g[i]) + b2 * v[i];
        want[i] = x[i] - rate * m[i] / (Math.sqrt(v[i]) * invSqrtC2 + eps);
      }
      // into new arrays (the kernel of update and updateElements)
      adam.updateElements(t, x, g, new double[][] {mIn, vIn}, xNext, slotsNext);
      assertArrayEquals(want, xNext, 0.0, "values into new arrays, step " + t);
      assertArrayEquals(m, slotsNext[0], 0.0, "m into new arrays, step " + t);
      assertArrayEquals(v, slotsNext[1], 0.0, "v into new arrays, step " + t);
      // in place (the kernel of updateInPlaceIfFinite)
      Adam.update(lr, t, b1, b2, eps, xIn, g, mIn, vIn);
      assertArrayEquals(want, xIn, 0.0, "values in place, step " + t);
      x = want;
    }
  }

  @Test
  void updateIfFiniteIsTheUpdateOrNullForANonFiniteGradient() {
    Adam adam = Adam.of(0.05);
    OptimizerState s = adam.init(Map.of("a", Tensor.of(1.0, 2.0), "b", Tensor.of(3.0)));
    Map<String, Tensor> good = Map.of("a", Tensor.of(0.5, -0.5), "b", Tensor.of(2.0));
    OptimizerState viaCheck = adam.updateIfFinite(good, s);
    OptimizerState plain = adam.update(good, s);
    assertArrayEquals(plain.params().get("a").toArray(), viaCheck.params().get("a").toArray(), 0.0);
    assertArrayEquals(plain.params().get("b").toArray(), viaCheck.params().get("b").toArray(), 0.0);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      assertNull(adam.updateIfFinite(Map.of("a", Tensor.of(0.5, bad), "b", Tensor.of(2.0)), s));
      assertNull(adam.updateIfFinite(Map.of("a", Tensor.of(0.5, 1.0), "b", Tensor.of(bad)), s));
      // the values are checked before the arguments, as a separate check would
      assertNull(adam.updateIfFinite(Map.of("a", Tensor.of(bad), "b", Tensor.of(2.0)), s));
    }
    assertThrows(IllegalArgumentException.class,
        () -> adam.updateIfFinite(Map.of("a", Tensor.of(0.5), "b", Tensor.of(2.0)), s));
    // an optimizer that checks the gradient before its own pass
    Sgd sgd = Sgd.of(0.1);
    OptimizerState t = sgd.init(Map.of("a", Tensor.of(1.0, 2.0)));
    assertNull(sgd.updateIfFinite(Map.of("a", Tensor.of(Double.NaN, 1.0)), t));
    assertArrayEquals(new double[] {0.95, 2.05},
        sgd.updateIfFinite(Map.of("a", Tensor.of(0.5, -0.5)), t).params().get("a").toArray(), 1e-15);
  }
}
