// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.autodiff.ValueAndGrad;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code a.mulAdd(b, c)} against {@code a.mul(b).add(c)}: values, gradients, broadcasts. */
class MulAddTest {
  static final Tensor[][] CASES = {
      {FusedDensitiesTest.values(1, 4, 3), FusedDensitiesTest.values(2, 4, 3),
          FusedDensitiesTest.values(3, 4, 3)},
      {FusedDensitiesTest.values(1, 4, 3), Tensor.scalar(0.7), FusedDensitiesTest.values(3, 4, 3)},
      {FusedDensitiesTest.values(1, 4, 3), FusedDensitiesTest.values(2, 4, 3), Tensor.scalar(-0.2)},
      {FusedDensitiesTest.values(1, 2, 4, 3), FusedDensitiesTest.values(2, 4, 3),
          FusedDensitiesTest.values(3, 3)},
      {Tensor.scalar(0.4), FusedDensitiesTest.values(2, 4, 1), FusedDensitiesTest.values(3, 3)},
      {FusedDensitiesTest.values(1, 4, 1), Tensor.scalar(1.5), Tensor.scalar(0.5)},
      {Tensor.scalar(0.4), Tensor.scalar(1.5), Tensor.scalar(0.5)},
  };

  @Test
  void valuesAndGradientsAreThoseOfMulThenAdd() {
    for (Tensor[] c : CASES) {
      assertArrayEquals(c[0].mul(c[1]).add(c[2]).toArray(), c[0].mulAdd(c[1], c[2]).toArray(), 0.0);
      assertEquals(c[0].mul(c[1]).add(c[2]).shape(), c[0].mulAdd(c[1], c[2]).shape());
      Map<String, Tensor> p = Map.of("a", c[0], "b", c[1], "c", c[2]);
      Tensor w = FusedDensitiesTest.values(9, c[0].mul(c[1]).add(c[2]).dims());
      ValueAndGrad fused = Autodiff.valueAndGrad(
          q -> q.get("a").mulAdd(q.get("b"), q.get("c")).mul(w).sum(), p);
      ValueAndGrad plain = Autodiff.valueAndGrad(
          q -> q.get("a").mul(q.get("b")).add(q.get("c")).mul(w).sum(), p);
      assertEquals(plain.loss(), fused.loss(), 0.0);
      for (String k : p.keySet()) {
        // a broadcast gradient is summed in another order when the product is not kept
        assertArrayEquals(plain.grad().get(k).toArray(), fused.grad().get(k).toArray(), 1e-13, k);
        assertEquals(p.get(k).shape(), fused.grad().get(k).shape(), k);
      }
      GradCheck.assertGradients(q -> q.get("a").mulAdd(q.get("b"), q.get("c")).mul(w).sum(), p);
    }
  }

  @Test
  void secondDerivatives() {
    // d2/da2 of sum((a * a + c)^2) / 2 = 6 a^2 + 2 c, through mulAdd twice differentiated
    Tensor a = Tensor.of(0.3, -1.2);
    Tensor c = Tensor.of(0.5, 2.0);
    Tensor h = Autodiff.valueAndGrad(q -> {
      Tensor x = q.get("a");
      Tensor y = x.mulAdd(x, c);
      Tensor g = Autodiff.gradients(y.square().sum().mul(0.5), new Tensor[] {x}, null, true)[0];
      return g.sum();
    }, Map.of("a", a)).grad().get("a");
    assertArrayEquals(new double[] {6 * 0.09 + 1.0, 6 * 1.44 + 4.0}, h.toArray(), 1e-12);
  }
}
