// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adam's one-pass update into new arrays against the in-place update it replaces, and the
 * previous state left as it was.
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
}
