// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.dist.Distribution;
import dev.ember.dist.Normal;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.OptimizerBuffers;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.StaleTensorException;
import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three ways remembered state once gave a tensor an answer other than its own values': a log
 * remembered from an exp's input that an in-place step then changed; a density at a draw that
 * dropped the draw's gradient because the value was the draw the distribution remembered; and
 * slices that were views while recording and copies without. Each is checked against what the
 * tensor's own values say.
 */
class HiddenStateRegressionTest {
  @Test
  void anInPlaceStepLeavesTheLogOfAnExpAlone() {
    Adam adam = Adam.of(0.5);
    OptimizerState init = adam.init(Map.of("u", Tensor.of(0.0, 1.0, 2.0)));
    OptimizerBuffers fit = OptimizerBuffers.copyOf(init);
    Tensor u = fit.views().params().get("u");
    Tensor scale = u.exp(); // [1, e, e^2]
    assertTrue(adam.updateInPlaceIfFinite(Map.of("u", Tensor.of(1.0, 1.0, 1.0)), fit));
    double[] s = scale.toArray();
    assertArrayEquals(new double[] {1.0, Math.E, Math.exp(2.0)}, s, 0.0);
    double[] expected = {Math.log(s[0]), Math.log(s[1]), Math.log(s[2])};
    assertArrayEquals(expected, scale.log().toArray(), 0.0); // the log of its own values
    assertArrayEquals(new double[] {0.0, 1.0, 2.0}, scale.log().toArray(), 1e-15);
    // the param's old view is not silently the new values: reading it fails
    assertThrows(StaleTensorException.class, u::toArray);
    assertTrue(fit.views().params().get("u").get(0) < 0.0, "the step moved u");
  }

  @Test
  void aDrawAndAnEqualTensorHaveTheSameDensityAndGradient() {
    Tensor loc = Tensor.of(0.3, -1.2);
    Tensor sc = Tensor.of(0.8, 1.5);
    Normal d = Normal.of(loc, sc);
    Distribution.Draw draw = d.rsampleWithIntermediates(RngKey.of(5), Shape.SCALAR);
    Tensor z = Autodiff.track(draw.value(), "z");
    Tensor same = Autodiff.track(draw.value(), "same");
    Normal other = Normal.of(loc, sc);
    Tensor lpDraw = d.logProbSum(z);
    Tensor lpOther = other.logProbSum(same);
    assertEquals(lpDraw.item(), lpOther.item(), 0.0);
    double[] zv = z.toArray();
    double[] closedForm = {-(zv[0] - 0.3) / (0.8 * 0.8), -(zv[1] + 1.2) / (1.5 * 1.5)};
    Tensor gDraw = Autodiff.gradients(lpDraw, new Tensor[] {z}, null, false)[0];
    Tensor gOther = Autodiff.gradients(lpOther, new Tensor[] {same}, null, false)[0];
    assertArrayEquals(closedForm, gDraw.toArray(), 1e-14);
    assertArrayEquals(gOther.toArray(), gDraw.toArray(), 0.0);
  }

  @Test
  void aSliceIsTheSameViewWithAndWithoutRecording() {
    Tensor y = Tensor.arange(0, 5000, 1).reshape(50, 100);
    Tensor recorded = y.select(0, 3);
    Tensor evaluated = Autodiff.noGrad(() -> y.select(0, 3));
    assertTrue(recorded.sharesStorage(y));
    assertTrue(evaluated.sharesStorage(y));
    assertEquals(recorded.offset(), evaluated.offset());
    assertArrayEquals(recorded.toArray(), evaluated.toArray(), 0.0);
    Tensor slice = Autodiff.noGrad(() -> y.slice(0, 1, 50));
    assertTrue(slice.sharesStorage(y), "evaluation pays no copy that training avoids");
  }
}
