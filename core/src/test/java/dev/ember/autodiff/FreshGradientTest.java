// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradients accumulated in place into a fresh contribution's array: a tensor used many times, by
 * rules that return new tensors and by rules that hand back their incoming gradient, in every
 * order, against finite differences; the gradients handed back stay as they were.
 */
class FreshGradientTest {
  @Test
  void manyUsesMixingFreshAndSharedContributions() {
    Tensor x = Tensor.of(0.3, -0.7, 1.1, 0.05);
    Tensor w = Tensor.of(1.5, -2.0, 0.25, 3.0);
    GradCheck.assertGradients(q -> {
      Tensor v = q.get("x");
      Tensor shared = v.add(1.0);        // add: hands back g
      Tensor fresh = v.mul(w);           // mul: a new tensor
      Tensor viaExp = v.exp();           // exp: a new tensor
      Tensor rows = Tensor.stack(0, v, v.mul(2.0)).select(0, 1); // stack and select
      return shared.mul(fresh).add(viaExp).add(rows.square()).add(v).sum()
          .add(v.mul(v).sum()).add(v.div(Tensor.scalar(1.7)).sum());
    }, Map.of("x", x));
  }

  @Test
  void aFreshContributionThatIsAlsoTheFirstOfAScatterTarget() {
    // x's gradient: a fresh product first, then rows scattered into the same buffer
    Tensor x = Tensor.of(new double[] {0.3, -0.7, 1.1, 0.05, 0.9, -1.2}, 3, 2);
    Tensor w = Tensor.of(new double[] {1.5, -2.0, 0.25, 3.0, -0.5, 2.0}, 3, 2);
    GradCheck.assertGradients(q -> {
      Tensor v = q.get("x");
      Tensor s = v.mul(w).sum();
      for (int t = 0; t < 3; t++) {
        s = s.add(v.select(0, t).square().sum().mul(t + 1.0));
      }
      return s;
    }, Map.of("x", x));
  }

  @Test
  void contributionsAddedIntoABufferAlreadyOwned() {
    // x feeds products, a summed Normal density (as x and as loc) and a stack of its rows: after
    // the first contribution, the others are added into the buffer x's sum owns
    Tensor x = Tensor.of(new double[] {0.3, -0.7, 1.1, 0.05, 0.9, -1.2}, 3, 2);
    Tensor w = Tensor.of(new double[] {1.5, -2.0, 0.25, 3.0, -0.5, 2.0}, 3, 2);
    Tensor y = Tensor.of(new double[] {0.1, 0.2, -0.3, 0.4, 0.8, -0.6}, 3, 2);
    GradCheck.assertGradients(q -> {
      Tensor v = q.get("x");
      Tensor s = v.mul(w).sum().add(w.mul(v).mul(v).sum());
      s = s.add(dev.ember.tensor.FusedDensities.normalSum(v, y, q.get("sigma")));
      s = s.add(dev.ember.tensor.FusedDensities.normalSum(y, v, q.get("sigma")));
      s = s.add(dev.ember.tensor.FusedDensities.normalSum(v, w, Tensor.scalar(0.7)));
      Tensor rows = Tensor.stack(0, v.select(0, 0), v.select(0, 1), v.select(0, 2));
      s = s.add(rows.mul(w).sum()).add(v.mulAdd(w, y).square().sum());
      return s;
    }, Map.of("x", x, "sigma", Tensor.scalar(1.3)));
  }

  @Test
  void aOneInputRuleWritingOverAGradientTheEngineOwns() {
    // e = exp(x) is used twice, so its gradient is a buffer of the engine's; exp's rule writes
    // over it. As a wanted intermediate it must come back unchanged.
    Tensor x = Tensor.of(0.3, -0.7, 1.1);
    Tensor w = Tensor.of(1.5, -2.0, 0.25);
    GradCheck.assertGradients(q -> {
      Tensor e = q.get("x").exp();
      return e.mul(w).sum().add(e.square().sum()).add(e.exp().mul(e).sum());
    }, Map.of("x", x));
    Tensor tx = Autodiff.track(x, "x");
    Tensor e = tx.exp();
    Tensor loss = e.mul(w).sum().add(e.square().sum());
    Tensor[] g = Autodiff.gradients(loss, new Tensor[] {tx, e}, null, false);
    double[] ev = e.toArray();
    double[] xv = x.toArray();
    double[] wv = w.toArray();
    for (int i = 0; i < 3; i++) {
      double de = wv[i] + 2 * ev[i];
      org.junit.jupiter.api.Assertions.assertEquals(de, g[1].toArray()[i], 1e-12);
      org.junit.jupiter.api.Assertions.assertEquals(de * Math.exp(xv[i]), g[0].toArray()[i], 1e-12);
    }
  }

  @Test
  void gradientsHandedBackAreNotWrittenAfterwards() {
    // y is used twice: its gradient (the sum of both uses) must not leak into x's
    Tensor x = Tensor.of(0.5, 2.0);
    ValueAndGrad vg = Autodiff.valueAndGrad(q -> {
      Tensor y = q.get("x").mul(3.0);
      return y.mul(y).sum().add(y.sum()).add(q.get("x").sum());
    }, Map.of("x", x));
    // d/dx sum(9 x^2 + 3 x + x) = 18 x + 4
    assertArrayEquals(new double[] {13.0, 40.0}, vg.grad().get("x").toArray(), 1e-12);
  }
}
