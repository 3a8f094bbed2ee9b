// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.tensor.FusedDensities;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A masked Normal's log-density summed ({@code Normal.of(loc, scale).mask(m).logProbSum(x)}), in
 * one pass over the elements the mask keeps. Closed forms, with z = (x - loc) / scale, summed
 * over the true elements: the value is sum(-z^2 / 2 - log scale - log(2 pi) / 2); d/dx = -z /
 * scale, d/dloc = z / scale, d/dscale = (z^2 - 1) / scale there and 0 elsewhere (summed for one
 * shared scale); second derivatives of their sum from d2/dloc2 = -1 / scale^2, d2/dscale2 = (1 -
 * 3 z^2) / scale^2 and the mixed -2 z / scale^2. Computed here in plain doubles; a padded value
 * holding NaN changes nothing.
 */
class MaskedNormalDensityTest {
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final int T = MaskedDensityAtDrawTest.T;
  private static final int B = MaskedDensityAtDrawTest.B;

  private static double[] values(int seed, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Math.sin(seed * 3.7 + i * 0.9) + 0.05 * (i % 17);
    }
    return d;
  }

  /** [T, B]: series b observed for its first T - (b % 7) steps. */
  private static boolean[] ragged() {
    return MaskedDensityAtDrawTest.ragged();
  }

  private static Tensor grid(double[] v) {
    return Tensor.of(v, T, B);
  }

  /** {@code v} with NaN where the mask is false: what padding may hold. */
  private static double[] padded(double[] v, boolean[] m) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      if (!m[i]) {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  @Test
  void theSumAndItsGradientsAreTheClosedFormsOverTheTrueElements() {
    boolean[] m = ragged();
    Tensor mask = Tensor.ofBooleans(m).reshape(T, B);
    double[] x = values(1, T * B);
    double[] loc = values(2, T * B);
    double[] u = values(3, T * B);
    double[] sc = new double[T * B];
    for (int i = 0; i < sc.length; i++) {
      sc[i] = Math.exp(0.5 * u[i]);
    }
    double want = 0;
    double[] dx = new double[T * B];
    double[] dloc = new double[T * B];
    double[] dscale = new double[T * B];
    for (int i = 0; i < x.length; i++) {
      if (m[i]) {
        double z = (x[i] - loc[i]) / sc[i];
        want += -0.5 * z * z - Math.log(sc[i]) - HALF_LOG_2PI;
        dx[i] = -z / sc[i];
        dloc[i] = z / sc[i];
        dscale[i] = (z * z - 1) / sc[i];
      }
    }
    // the same with NaN in every padded element of x (a Normal refuses non-finite params)
    for (boolean nan : new boolean[] {false, true}) {
      Map<String, Tensor> p = Map.of("x", grid(nan ? padded(x, m) : x), "loc", grid(loc),
          "scale", grid(sc));
      ValueAndGrad vg = Autodiff.valueAndGrad(q -> Normal.of(q.get("loc"), q.get("scale"))
          .mask(mask).logProbSum(q.get("x")), p);
      assertEquals(want, vg.value().item(), 1e-12 * Math.abs(want), "NaN padding " + nan);
      assertArrayEquals(dx, vg.grad().get("x").toArray(), 1e-12, "d/dx, NaN padding " + nan);
      assertArrayEquals(dloc, vg.grad().get("loc").toArray(), 1e-12);
      assertArrayEquals(dscale, vg.grad().get("scale").toArray(), 1e-12);
    }
  }

  @Test
  void aSharedScaleAndARowMaskSumTheirGradients() {
    // one value of scale, a mask of [B] over a [T, B] value (broadcast along time): d/dscale =
    // sum over the true elements of (z^2 - 1) / scale
    boolean[] row = new boolean[B];
    for (int b = 0; b < B; b++) {
      row[b] = b % 3 != 1;
    }
    double[] x = values(4, T * B);
    double[] loc = values(5, T * B);
    double s = 0.8;
    double want = 0;
    double dscale = 0;
    double[] dloc = new double[T * B];
    for (int i = 0; i < x.length; i++) {
      if (row[i % B]) {
        double z = (x[i] - loc[i]) / s;
        want += -0.5 * z * z - Math.log(s) - HALF_LOG_2PI;
        dscale += (z * z - 1) / s;
        dloc[i] = z / s;
      }
    }
    ValueAndGrad vg = Autodiff.valueAndGrad(q -> Normal.of(q.get("loc"), q.get("s"))
        .mask(Tensor.ofBooleans(row)).logProbSum(Tensor.of(x, T, B)),
        Map.of("loc", grid(loc), "s", Tensor.scalar(s)));
    assertEquals(want, vg.value().item(), 1e-12 * Math.abs(want));
    assertEquals(dscale, vg.grad().get("s").item(), 1e-10 * Math.abs(dscale));
    assertArrayEquals(dloc, vg.grad().get("loc").toArray(), 1e-12);
  }

  @Test
  void secondDerivativesUnderCreateGraphIgnoreThePadding() {
    // d2/dloc2 = -1 / scale^2 and d2/dscale2 = (1 - 3 z^2) / scale^2 on the true elements, with
    // NaN in the padded x: the gradient of the sum of the first derivatives
    boolean[] m = ragged();
    Tensor mask = Tensor.ofBooleans(m).reshape(T, B);
    double[] x = values(6, T * B);
    double[] loc = values(7, T * B);
    double[] sc = new double[T * B];
    java.util.Arrays.fill(sc, 0.9);
    for (int i = 0; i < sc.length; i += 3) {
      sc[i] = 1.3;
    }
    Tensor xt = grid(padded(x, m));
    Map<String, Tensor> p = Map.of("loc", grid(loc), "scale", grid(sc));
    ValueAndGrad vg = Autodiff.valueAndGrad(q -> {
      Tensor lp = Normal.of(q.get("loc"), q.get("scale")).mask(mask).logProbSum(xt);
      Tensor[] g = Autodiff.gradients(lp, new Tensor[] {q.get("loc"), q.get("scale")}, null,
          true);
      return g[0].sum().add(g[1].sum());
    }, p);
    double[] d2loc = new double[T * B];
    double[] d2scale = new double[T * B];
    for (int i = 0; i < x.length; i++) {
      if (m[i]) {
        double z = (x[i] - loc[i]) / sc[i];
        // d/dloc of (z / s + (z^2 - 1) / s) and d/dscale of the same
        d2loc[i] = -1 / (sc[i] * sc[i]) - 2 * z / (sc[i] * sc[i]);
        d2scale[i] = -2 * z / (sc[i] * sc[i]) + (1 - 3 * z * z) / (sc[i] * sc[i]);
      }
    }
    assertArrayEquals(d2loc, vg.grad().get("loc").toArray(), 1e-11);
    assertArrayEquals(d2scale, vg.grad().get("scale").toArray(), 1e-11);
  }

  @Test
  void anAllTrueMaskIsTheUnmaskedSumAndAFamilyWithoutAKernelKeepsTheSelection() {
    double[] x = values(8, T * B);
    boolean[] all = new boolean[T * B];
    java.util.Arrays.fill(all, true);
    Normal n = Normal.of(grid(values(9, T * B)), Tensor.scalar(0.7));
    assertEquals(n.logProbSum(grid(x)).item(),
        n.mask(Tensor.ofBooleans(all).reshape(T, B)).logProbSum(grid(x)).item(), 0.0);
    // a Laplace has no kernel of its own: the masked-out values replaced, the terms selected
    boolean[] m = ragged();
    Laplace l = Laplace.of(grid(values(9, T * B)), Tensor.scalar(0.7));
    double want = 0;
    double[] mu = values(9, T * B);
    for (int i = 0; i < x.length; i++) {
      if (m[i]) {
        want += -Math.abs(x[i] - mu[i]) / 0.7 - Math.log(2 * 0.7);
      }
    }
    assertEquals(want, l.mask(Tensor.ofBooleans(m).reshape(T, B)).logProbSum(
        grid(padded(x, m))).item(), 1e-12 * Math.abs(want));
  }

  @Test
  void anOperandWrittenBetweenTheForwardAndBackwardPassesIsStale() {
    // the rules read their operands again when they run: a buffer written in between fails
    // loudly instead of giving a gradient of other values
    Tensor mask = Tensor.ofBooleans(ragged()).reshape(T, B);
    Tensor e = grid(values(10, T * B));
    for (boolean atDraw : new boolean[] {true, false}) {
      dev.ember.tensor.OwnedBuffer buf = dev.ember.tensor.OwnedBuffer.copyOf(
          Tensor.full(0.5, T, B));
      Tensor scale = Autodiff.track(buf.view(), "s");
      Tensor lp = atDraw ? FusedDensities.normalSumAtDraw(e, scale, mask, false)
          : FusedDensities.normalSum(e, Tensor.zeros(T, B), scale, mask);
      buf.add(Tensor.full(0.1, T, B));
      assertThrows(dev.ember.tensor.StaleTensorException.class,
          () -> Autodiff.gradients(lp, new Tensor[] {scale}, null, false), "at draw " + atDraw);
    }
  }

  @Test
  void theKernelRefusesAMaskThatDoesNotFit() {
    Tensor x = Tensor.zeros(T, B);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FusedDensities.normalSum(x, x, Tensor.scalar(1.0), Tensor.ones(T, B)));
    assertEquals("normal log-density: the mask must be a boolean tensor that broadcasts to "
        + "[50, 100], but got dtype FLOAT64 of shape [50, 100]", e.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> FusedDensities.normalSum(x, x, Tensor.scalar(1.0),
            Tensor.ofBooleans(new boolean[T]).reshape(Shape.of(T))));
    assertTrue(shape.getMessage().contains("of shape [50]"), shape.getMessage());
  }
}
