// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.autodiff.ValueAndGrad;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fused Normal log-density against the same formula written as separate tensor operations:
 * values and gradients for every broadcast pattern, and second derivatives under createGraph.
 */
class FusedDensitiesTest {
  static Tensor composed(Tensor x, Tensor loc, Tensor scale) {
    Tensor z = x.sub(loc).div(scale);
    return z.square().mul(-0.5).sub(scale.log()).sub(0.5 * Math.log(2 * Math.PI));
  }

  static Tensor values(int seed, int... shape) {
    Shape s = Shape.of(shape);
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.sin(seed * 7.1 + i * 1.3) + 0.1 * i;
    }
    return Tensor.of(d, s);
  }

  static Tensor positive(int seed, int... shape) {
    return values(seed, shape).exp();
  }

  @Test
  void valuesAndGradientsMatchTheComposedFormulaForEveryBroadcast() {
    Tensor[][] cases = {
        {values(1, 4, 3), values(2, 4, 3), positive(3, 4, 3)},
        {values(1, 4, 3), values(2, 3), Tensor.scalar(0.7)},
        {values(1, 4, 3), Tensor.scalar(0.2), positive(3, 4, 1)},
        {Tensor.scalar(0.4), values(2, 4, 3), positive(3, 3)},
        {values(1, 5), values(2, 5), positive(3, 5)},
    };
    for (Tensor[] c : cases) {
      Map<String, Tensor> p = Map.of("x", c[0], "loc", c[1], "scale", c[2]);
      Tensor seed = values(9, Shape.broadcast(Shape.broadcast(c[0].shape(), c[1].shape(), "t"),
          c[2].shape(), "t").toArray());
      ValueAndGrad fused = Autodiff.valueAndGrad(
          q -> FusedDensities.normal(q.get("x"), q.get("loc"), q.get("scale")).mul(seed).sum(), p);
      ValueAndGrad plain = Autodiff.valueAndGrad(
          q -> composed(q.get("x"), q.get("loc"), q.get("scale")).mul(seed).sum(), p);
      assertEquals(plain.loss(), fused.loss(), 1e-12 * Math.abs(plain.loss()));
      for (String k : p.keySet()) {
        assertArrayEquals(plain.grad().get(k).toArray(), fused.grad().get(k).toArray(), 1e-12, k);
        assertEquals(p.get(k).shape(), fused.grad().get(k).shape(), k);
      }
      assertArrayEquals(composed(c[0], c[1], c[2]).toArray(),
          FusedDensities.normal(c[0], c[1], c[2]).toArray(), 1e-13);
    }
  }

  /** Operand shapes for the summed density: every input single-valued, broadcast or full. */
  static final Tensor[][] SUM_CASES = {
      {values(1, 4, 3), values(2, 4, 3), Tensor.scalar(0.7)},
      {values(1, 4, 3), values(2, 4, 3), positive(3, 4, 3)},
      {values(1, 4, 3), values(2, 3), Tensor.scalar(0.7)},
      {values(1, 4, 3), Tensor.scalar(0.2), Tensor.scalar(1.3)},
      {Tensor.scalar(0.4), values(2, 4, 3), Tensor.scalar(0.9)},
      {values(1, 4, 3), Tensor.scalar(0.2), positive(3, 4, 1)},
      {Tensor.scalar(0.4), values(2, 4, 3), positive(3, 3)},
      {values(1, 7), values(2, 7), Tensor.scalar(0.5)},
      {values(1, 5), values(2, 5), positive(3, 5)},
      {Tensor.scalar(0.4), Tensor.scalar(0.1), Tensor.scalar(0.5)},
  };

  @Test
  void theSumMatchesTheComposedSumInValueAndGradientForEveryBroadcast() {
    for (Tensor[] c : SUM_CASES) {
      Map<String, Tensor> p = Map.of("x", c[0], "loc", c[1], "scale", c[2]);
      ValueAndGrad fused = Autodiff.valueAndGrad(
          q -> FusedDensities.normalSum(q.get("x"), q.get("loc"), q.get("scale")).mul(-1.7), p);
      ValueAndGrad plain = Autodiff.valueAndGrad(
          q -> composed(q.get("x"), q.get("loc"), q.get("scale")).sum().mul(-1.7), p);
      assertEquals(plain.loss(), fused.loss(), 1e-12 * Math.abs(plain.loss()));
      for (String k : p.keySet()) {
        assertArrayEquals(plain.grad().get(k).toArray(), fused.grad().get(k).toArray(), 1e-12, k);
        assertEquals(p.get(k).shape(), fused.grad().get(k).shape(), k);
      }
      assertEquals(FusedDensities.normal(c[0], c[1], c[2]).sum().item(),
          FusedDensities.normalSum(c[0], c[1], c[2]).item(), 0.0);
    }
  }

  @Test
  void theSumOverManyBlocksAndOfNothing() {
    // more elements than one block, and a count that is not a multiple of 4
    Tensor x = values(1, 3, 701);
    Tensor loc = values(2, 701);
    for (Tensor scale : new Tensor[] {Tensor.scalar(0.8), positive(3, 3, 701)}) {
      assertEquals(FusedDensities.normal(x, loc, scale).sum().item(),
          FusedDensities.normalSum(x, loc, scale).item(), 0.0);
      assertEquals(composed(x, loc, scale).sum().item(),
          FusedDensities.normalSum(x, loc, scale).item(), 1e-12 * 2103);
    }
    assertEquals(0.0, FusedDensities.normalSum(Tensor.zeros(0), Tensor.zeros(0), Tensor.zeros(0))
        .item(), 0.0);
  }

  @Test
  void theSumsGradientMatchesFiniteDifferences() {
    for (Tensor[] c : SUM_CASES) {
      GradCheck.assertGradients(
          q -> FusedDensities.normalSum(q.get("x"), q.get("loc"), q.get("scale")),
          Map.of("x", c[0], "loc", c[1], "scale", c[2]));
    }
  }

  @Test
  void theSumsGradientIsRightForEveryBackwardPassOverOneGraph() {
    // two outputs share the sum's node: each backward pass scales its own gradient
    Tensor[] c = SUM_CASES[0];
    Map<String, Tensor> p = Map.of("x", c[0], "loc", c[1], "scale", c[2]);
    List<ValueAndGrad> parts = Autodiff.valuesAndGrads(q -> {
      Tensor lp = FusedDensities.normalSum(q.get("x"), q.get("loc"), q.get("scale"));
      return new Tensor[] {lp.mul(2.0), lp.mul(-3.0)};
    }, p);
    ValueAndGrad once = Autodiff.valueAndGrad(
        q -> FusedDensities.normalSum(q.get("x"), q.get("loc"), q.get("scale")), p);
    for (String k : p.keySet()) {
      assertArrayEquals(once.grad().get(k).mul(2.0).toArray(),
          parts.get(0).grad().get(k).toArray(), 1e-12, k);
      assertArrayEquals(once.grad().get(k).mul(-3.0).toArray(),
          parts.get(1).grad().get(k).toArray(), 1e-12, k);
    }
  }

  @Test
  void theSumsSecondDerivativesUnderCreateGraph() {
    // d2/dscale2 of sum_i log N(x_i; m_i, s) = sum_i (1 - 3 z_i^2) / s^2
    Tensor x = values(1, 6);
    Tensor m = values(2, 6);
    double s = 0.6;
    Tensor h = Autodiff.valueAndGrad(q -> Autodiff.gradients(
        FusedDensities.normalSum(x, m, q.get("s")), new Tensor[] {q.get("s")}, null, true)[0],
        Map.of("s", Tensor.scalar(s))).grad().get("s");
    double expected = 0;
    for (int i = 0; i < 6; i++) {
      double z = (x.toArray()[i] - m.toArray()[i]) / s;
      expected += (1 - 3 * z * z) / (s * s);
    }
    assertEquals(expected, h.item(), 1e-12 * Math.abs(expected));
  }

  @Test
  void secondDerivativesUnderCreateGraph() {
    // d2/dscale2 of log N(x; m, s) = (1 - 3 z^2) / s^2; d2/dx dm = 1 / s^2
    double x = 0.9;
    double m = 0.2;
    double s = 0.6;
    Tensor ts = Autodiff.track(Tensor.scalar(s), "s");
    Tensor lp = Autodiff.valueAndGrad(q -> {
      Tensor l = FusedDensities.normal(Tensor.scalar(x), Tensor.scalar(m), q.get("s"));
      Tensor g = Autodiff.gradients(l, new Tensor[] {q.get("s")}, null, true)[0];
      return g;
    }, Map.of("s", ts)).grad().get("s");
    double z = (x - m) / s;
    assertEquals((1 - 3 * z * z) / (s * s), lp.item(), 1e-12);
  }
}
