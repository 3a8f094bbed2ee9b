// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static dev.ember.infer.optim.OptimReference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each optimizer's first steps against {@code optim-reference.txt}, where the same updates are
 * written from NumPyro's (JAX's) definitions and computed with 40-digit mpmath; held to 1e-12.
 */
class OptimizerReferenceTest {

  /** The gradient of {@code f(x) = (x - 3)^2}. */
  static Map<String, Tensor> quadraticGrad(Map<String, Tensor> p) {
    return Map.of("x", p.get("x").sub(3).mul(2));
  }

  /** The gradient of {@code f(a, b) = 1.5 (a0 - 0.5)^2 + 0.5 (a1 + 1)^2 + 2 (b - 3)^2}. */
  static Map<String, Tensor> twoParamGrad(Map<String, Tensor> p) {
    double[] a = p.get("a").toArray();
    double b = p.get("b").item();
    Map<String, Tensor> g = new LinkedHashMap<>();
    g.put("a", Tensor.of(3 * (a[0] - 0.5), a[1] + 1)); // [2]
    g.put("b", Tensor.scalar(4 * (b - 3))); // []
    return g;
  }

  static Map<String, Tensor> twoParamStart() {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("a", Tensor.of(1.0, -2.0));
    p.put("b", Tensor.scalar(0.5));
    return p;
  }

  static Optimizer optimizer(String name) {
    return switch (name) {
      case "sgd" -> Sgd.of(0.1);
      case "momentum" -> Momentum.of(0.1, 0.9);
      case "nesterov" -> Momentum.of(0.1, 0.9, true);
      case "adam", "adamQuadratic" -> Adam.of(0.1);
      case "adamScheduled" ->
          Adam.of(LearningRate.exponentialDecay(0.1, 0.5, 2, false), 0.8, 0.99, 1e-6);
      // The clip binds: the first gradients are a: [1.5, -1] (norm 1.80) and b: -10.
      case "clippedAdam" -> ClippedAdam.of(0.1, 1.0, 0.9);
      case "adagrad" -> Adagrad.of(0.1);
      case "adagradNoMomentum" -> Adagrad.of(0.5, 0.0);
      case "rmsprop" -> RmsProp.of(0.01);
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** Runs {@code name} and compares every value after every step with the reference rows. */
  private static int check(
      String name,
      Map<String, Tensor> start,
      Function<Map<String, Tensor>, Map<String, Tensor>> grad) {
    List<String[]> rows = OptimReference.rows("optim").stream()
        .filter(f -> f[1].equals(name))
        .toList();
    assertTrue(rows.size() >= 3, "no reference rows for " + name);
    Optimizer opt = optimizer(name);
    OptimizerState s = opt.init(start);
    int checked = 0;
    for (String[] f : rows) {
      long step = Long.parseLong(f[2]);
      while (s.step() < step) {
        s = opt.update(grad.apply(s.params()), s);
      }
      double actual = s.params().get(f[3]).toArray()[Integer.parseInt(f[4])];
      String what = name + " step " + step + " " + f[3] + "[" + f[4] + "]";
      assertClose(Double.parseDouble(f[5]), actual, what);
      checked++;
    }
    return checked;
  }

  @Test
  void adamOnAOneParameterQuadraticMatchesAHandComputation() {
    assertEquals(3, check("adamQuadratic", Map.of("x", Tensor.scalar(0.0)),
        OptimizerReferenceTest::quadraticGrad));
  }

  /** The first Adam step moves by about lr whatever the gradient: -6 -> x = 0.1 (eps aside). */
  @Test
  void adamsFirstStepIsLrTimesTheSignOfTheGradient() {
    Optimizer adam = Adam.of(0.1);
    OptimizerState s = adam.update(Map.of("x", Tensor.scalar(-6.0)),
        adam.init(Map.of("x", Tensor.scalar(0.0))));
    assertClose(0.1 * 6 / (6 + 1e-8), s.params().get("x").item(), "x after one step");
    // m = 0.1 * -6, v = 0.001 * 36
    assertClose(-0.6, s.slots().get("x").get(0).item(), "m");
    assertClose(0.036, s.slots().get("x").get(1).item(), "v");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adamScheduled", "clippedAdam",
      "adagrad", "adagradNoMomentum", "rmsprop"})
  void twoParameterStepsMatchTheReference(String name) {
    assertEquals(15, check(name, twoParamStart(), OptimizerReferenceTest::twoParamGrad));
  }
}
