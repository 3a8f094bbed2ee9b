// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import java.util.Map;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Products and quotients with a single-value operand, whose gradient is summed in the backward
 * rule itself: against the explicitly broadcast operand, finite differences, and second
 * derivatives.
 */
class ScalarOperandGradientTest {
  @Test
  void aSingleValueOperandGetsTheSumOfItsBroadcastGradient() {
    Tensor x = FusedDensitiesTest.values(1, 3, 5);
    Tensor w = FusedDensitiesTest.values(2, 3, 5);
    Map<String, BinaryOperator<Tensor>> ops = Map.of(
        "x * c", Tensor::mul, "c * x", (a, c) -> c.mul(a), "x / c", Tensor::div);
    for (Tensor c : new Tensor[] {Tensor.scalar(0.7), Tensor.of(new double[] {-1.3}, 1, 1)}) {
      for (Map.Entry<String, BinaryOperator<Tensor>> op : ops.entrySet()) {
        Map<String, Tensor> p = Map.of("x", x, "c", c);
        Tensor summed = Autodiff.valueAndGrad(
            q -> op.getValue().apply(q.get("x"), q.get("c")).mul(w).sum(), p).grad().get("c");
        Tensor broadcast = Autodiff.valueAndGrad(
            q -> op.getValue().apply(q.get("x"), q.get("c").broadcastTo(3, 5)).mul(w).sum(), p)
            .grad().get("c");
        assertEquals(c.shape(), summed.shape(), op.getKey());
        assertArrayEquals(broadcast.toArray(), summed.toArray(), 1e-13, op.getKey());
        GradCheck.assertGradients(q -> op.getValue().apply(q.get("x"), q.get("c")).mul(w).sum(), p);
      }
    }
  }

  @Test
  void secondDerivativesThroughASingleValueOperand() {
    // f(c) = sum(x * c)^2 / 2 and g(c) = sum(x / c): f'' = sum(x)^2, g'' = 2 sum(x) / c^3
    Tensor x = Tensor.of(0.5, -2.0, 3.0);
    double c = 1.5;
    Tensor fpp = Autodiff.valueAndGrad(q -> Autodiff.gradients(
        x.mul(q.get("c")).sum().square().mul(0.5), new Tensor[] {q.get("c")}, null, true)[0],
        Map.of("c", Tensor.scalar(c))).grad().get("c");
    Tensor gpp = Autodiff.valueAndGrad(q -> Autodiff.gradients(
        x.div(q.get("c")).sum(), new Tensor[] {q.get("c")}, null, true)[0],
        Map.of("c", Tensor.scalar(c))).grad().get("c");
    assertEquals(1.5 * 1.5, fpp.item(), 1e-12);
    assertEquals(2 * 1.5 / (c * c * c), gpp.item(), 1e-12);
  }

  @Test
  void aDotProductToOneValueIsTheSameSumRecordedOrNot() {
    // a.mulSumTo(b, [1, 1]) over 7 x 1 values whose sum depends on its order: recorded and under
    // noGrad the same value to the last bit (recorded, it was once the products summed one by
    // one, which here gives 1.757 where the dot product's four partial sums give 4), and its
    // gradients d/da = g b, d/db = g a
    double[] av = {1e16, 1.0, -1e16, 1.0, 3.0, 1e-3, -2.5};
    double[] bv = {1.0, 1.0, 1.0, 1.0, 0.5, 7.0, 0.3};
    Tensor a = Tensor.of(av, 7, 1);
    Tensor b = Tensor.of(bv, 7, 1);
    Shape one = Shape.of(1, 1);
    double plain = Autodiff.noGrad(() -> a.mulSumTo(b, one)).item();
    var both = Autodiff.valueAndGrad(q -> q.get("a").mulSumTo(q.get("b"), one).mul(2.0).sum(),
        Map.of("a", a, "b", b));
    assertEquals(2 * plain, both.value().item(), 0.0);
    double[] twoB = new double[7];
    double[] twoA = new double[7];
    for (int i = 0; i < 7; i++) {
      twoB[i] = 2 * bv[i];
      twoA[i] = 2 * av[i];
    }
    assertArrayEquals(twoB, both.grad().get("a").toArray(), 0.0);
    assertArrayEquals(twoA, both.grad().get("b").toArray(), 0.0);
    Map<String, Tensor> small = Map.of("a", Tensor.of(new double[] {0.3, -1.2, 0.8}, 3, 1),
        "b", Tensor.of(new double[] {1.1, 0.4, -0.6}, 3, 1));
    GradCheck.assertGradients(q -> q.get("a").mulSumTo(q.get("b"), one).square().sum(), small);
  }
}
