// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.random.RngKey;
import dev.ember.tensor.FusedDensities;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A masked Normal scoring its own reparameterized draw given the draw's noise: the base's terms
 * at the draw where the mask is true, summed. For fixed noise e, log N(loc + scale e; loc, scale)
 * = -e^2 / 2 - log scale - log(2 pi) / 2 per element, so the closed forms are: the value is the
 * sum of those terms over the mask, d/dloc = 0, d/du = -mask for scale = exp(u) (per element; for
 * one shared exp(v), d/dv = -(number of true elements)). The values are computed here in plain
 * doubles from the noise and from the draw; the same draw scored without its intermediates (the
 * masked density of a value) must give the same value and total derivatives. At [50, 100], 5 000
 * elements, the size the tensor kernels take their long paths at.
 */
class MaskedDensityAtDrawTest {
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final RngKey KEY = RngKey.of(47);
  static final int T = 50;
  static final int B = 100;

  private static Tensor values(int seed, int... shape) {
    Shape s = Shape.of(shape);
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.sin(seed * 3.7 + i * 0.9) + 0.05 * (i % 17);
    }
    return Tensor.of(d, s);
  }

  /** [T, B]: series b is observed for its first T - (b % 7) steps (ragged, as padded batches). */
  static boolean[] ragged() {
    boolean[] m = new boolean[T * B];
    for (int t = 0; t < T; t++) {
      for (int b = 0; b < B; b++) {
        m[t * B + b] = t < T - (b % 7);
      }
    }
    return m;
  }

  private static Tensor mask(boolean[] m) {
    return Tensor.ofBooleans(m).reshape(T, B);
  }

  private static int count(boolean[] m) {
    int n = 0;
    for (boolean b : m) {
      n += b ? 1 : 0;
    }
    return n;
  }

  /** The masked density of the distribution's own draw at {@code KEY}, from its intermediates. */
  private static Tensor atOwnDraw(Distribution d) {
    Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
    return d.logProbSum(draw.value(), draw.intermediates());
  }

  /** The masked density of the same draw as a value, without its intermediates. */
  private static Tensor atDrawAsAValue(Distribution d) {
    return d.logProbSum(d.rsample(KEY, Shape.SCALAR));
  }

  @Test
  void theMaskedDrawIsTheBaseDrawWithItsNoise() {
    Normal base = Normal.of(values(1, T, B), values(2, T, B).exp());
    Distribution d = base.mask(mask(ragged()));
    Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
    Distribution.Draw fromBase = base.rsampleWithIntermediates(KEY, Shape.SCALAR);
    assertArrayEquals(d.rsample(KEY, Shape.SCALAR).toArray(), draw.value().toArray(), 0.0);
    assertArrayEquals(fromBase.value().toArray(), draw.value().toArray(), 0.0);
    assertEquals(1, draw.intermediates().size());
    assertArrayEquals(fromBase.intermediates().get(0).toArray(),
        draw.intermediates().get(0).toArray(), 0.0);
  }

  @Test
  void theDensityAtTheOwnDrawSumsTheTermsWhereTheMaskIsTrue() {
    boolean[] m = ragged();
    Tensor loc = values(1, T, B);
    Tensor u = values(2, T, B).mul(0.5);
    // a scale that keeps its log, one that does not, and one shared value
    for (Tensor scale : new Tensor[] {u.expWithLog(), u.exp(), Tensor.scalar(0.7)}) {
      Distribution d = Normal.of(loc, scale).mask(mask(m));
      Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
      double[] e = draw.intermediates().get(0).toArray();
      double[] x = draw.value().toArray();
      double[] mu = loc.toArray();
      double[] sc = scale.broadcastTo(Shape.of(T, B)).toArray();
      double fromNoise = 0;
      double fromDraw = 0;
      for (int i = 0; i < e.length; i++) {
        if (m[i]) {
          fromNoise += -0.5 * e[i] * e[i] - Math.log(sc[i]) - HALF_LOG_2PI;
          double z = (x[i] - mu[i]) / sc[i];
          fromDraw += -0.5 * z * z - Math.log(sc[i]) - HALF_LOG_2PI;
        }
      }
      assertEquals(fromDraw, fromNoise, 1e-11 * Math.abs(fromNoise));
      assertEquals(fromNoise, d.logProbSum(draw.value(), draw.intermediates()).item(),
          1e-12 * Math.abs(fromNoise));
      assertEquals(fromDraw, d.logProbSum(draw.value()).item(), 1e-12 * Math.abs(fromDraw));
    }
  }

  @Test
  void gradientsThroughTheOwnDrawAreTheClosedForms() {
    boolean[] m = ragged();
    double[] minusMask = new double[T * B];
    for (int i = 0; i < m.length; i++) {
      minusMask[i] = m[i] ? -1.0 : 0.0;
    }
    Map<String, Tensor> p = Map.of("loc", values(1, T, B), "u", values(2, T, B).mul(0.5));
    for (boolean kept : new boolean[] {true, false}) {
      for (Function<Distribution, Tensor> score : List.<Function<Distribution, Tensor>>of(
          MaskedDensityAtDrawTest::atOwnDraw, MaskedDensityAtDrawTest::atDrawAsAValue)) {
        ValueAndGrad vg = Autodiff.valueAndGrad(q -> score.apply(Normal.of(q.get("loc"),
            kept ? q.get("u").expWithLog() : q.get("u").exp()).mask(mask(m))), p);
        assertArrayEquals(new double[T * B], vg.grad().get("loc").toArray(), 1e-13);
        assertArrayEquals(minusMask, vg.grad().get("u").toArray(), 1e-13);
      }
    }
    // one shared scale exp(v): d/dv = -(number of true elements)
    Map<String, Tensor> q1 = Map.of("loc", values(3, T, B), "v", Tensor.scalar(-0.3));
    ValueAndGrad shared = Autodiff.valueAndGrad(q -> atOwnDraw(Normal.of(q.get("loc"),
        q.get("v").expWithLog()).mask(mask(m))), q1);
    assertArrayEquals(new double[T * B], shared.grad().get("loc").toArray(), 1e-13);
    assertEquals(-count(m), shared.grad().get("v").item(), 1e-9);
  }

  @Test
  void masksNestAndAnAllTrueMaskIsTheBaseAtItsDraw() {
    boolean[] m = ragged();
    boolean[] second = new boolean[T * B];
    boolean[] both = new boolean[T * B];
    for (int i = 0; i < second.length; i++) {
      second[i] = i % 5 != 2;
      both[i] = m[i] && second[i];
    }
    Map<String, Tensor> p = Map.of("loc", values(1, T, B), "u", values(2, T, B).mul(0.5));
    ValueAndGrad nested = Autodiff.valueAndGrad(q -> atOwnDraw(Normal.of(q.get("loc"),
        q.get("u").expWithLog()).mask(mask(m)).mask(mask(second))), p);
    ValueAndGrad once = Autodiff.valueAndGrad(q -> atOwnDraw(Normal.of(q.get("loc"),
        q.get("u").expWithLog()).mask(mask(both))), p);
    assertEquals(once.value().item(), nested.value().item(),
        1e-12 * Math.abs(once.value().item()));
    assertArrayEquals(once.grad().get("u").toArray(), nested.grad().get("u").toArray(), 0.0);
    double[] minusBoth = new double[T * B];
    for (int i = 0; i < both.length; i++) {
      minusBoth[i] = both[i] ? -1.0 : 0.0;
    }
    assertArrayEquals(minusBoth, nested.grad().get("u").toArray(), 1e-13);

    // nothing masked out: exactly the base's density at its draw
    boolean[] all = new boolean[T * B];
    java.util.Arrays.fill(all, true);
    Normal base = Normal.of(values(1, T, B), values(2, T, B).mul(0.5).expWithLog());
    Distribution unmasked = base.mask(mask(all));
    Distribution.Draw draw = unmasked.rsampleWithIntermediates(KEY, Shape.SCALAR);
    assertEquals(base.logProbSum(draw.value(), draw.intermediates()).item(),
        unmasked.logProbSum(draw.value(), draw.intermediates()).item(), 0.0);
  }

  @Test
  void theFusedKernelsGradientsAreTheClosedFormsWhereTheMaskIsTrue() {
    // sum over the mask of -e^2 / 2 - log s - log(2 pi) / 2: d/de = -e, d/ds = -1 / s, d/du = -1
    // (s = exp u) where the mask is true and 0 elsewhere, first order and recorded; one shared
    // scale s0 gets -k / s0 (its log, -k), k the number of true elements
    boolean[] m = ragged();
    Tensor mk = mask(m);
    Tensor e = values(3, T, B);
    Tensor u = values(4, T, B).mul(0.3);
    double[] ev = e.toArray();
    double[] uv = u.toArray();
    int k = count(m);
    for (boolean createGraph : new boolean[] {false, true}) {
      Tensor noise = Autodiff.track(e, "e");
      Tensor logScale = Autodiff.track(u, "u");
      Tensor scale = Autodiff.track(u.exp(), "s");
      Tensor[] a = Autodiff.gradients(FusedDensities.normalSumAtDraw(noise, scale, mk, false),
          new Tensor[] {noise, scale}, null, createGraph);
      Tensor[] b = Autodiff.gradients(FusedDensities.normalSumAtDraw(noise, logScale, mk, true),
          new Tensor[] {noise, logScale}, null, createGraph);
      double[] a0 = a[0].toArray();
      double[] a1 = a[1].toArray();
      double[] b0 = b[0].toArray();
      double[] b1 = b[1].toArray();
      for (int i = 0; i < ev.length; i++) {
        assertEquals(m[i] ? -ev[i] : 0.0, a0[i], 1e-15);
        assertEquals(m[i] ? -ev[i] : 0.0, b0[i], 1e-15);
        assertEquals(m[i] ? -Math.exp(-uv[i]) : 0.0, a1[i], 1e-14);
        assertEquals(m[i] ? -1.0 : 0.0, b1[i], 0.0);
      }
      Tensor s0 = Autodiff.track(Tensor.scalar(0.7), "s0");
      Tensor l0 = Autodiff.track(Tensor.scalar(-0.4), "l0");
      assertEquals(-k / 0.7, Autodiff.gradients(FusedDensities.normalSumAtDraw(e, s0, mk, false),
          new Tensor[] {s0}, null, createGraph)[0].item(), 1e-10);
      assertEquals(-k, Autodiff.gradients(FusedDensities.normalSumAtDraw(e, l0, mk, true),
          new Tensor[] {l0}, null, createGraph)[0].item(), 0.0);
    }
    // second derivatives under createGraph: d2/ds0^2 = k / s0^2; d/du = -mask, so d2/du2 = 0
    double sv = 0.6;
    Tensor h = Autodiff.valueAndGrad(q -> {
      Tensor lp = FusedDensities.normalSumAtDraw(e, q.get("s"), mk, false);
      return Autodiff.gradients(lp, new Tensor[] {q.get("s")}, null, true)[0];
    }, Map.of("s", Tensor.scalar(sv))).grad().get("s");
    assertEquals(k / (sv * sv), h.item(), 1e-9);
    Tensor hu = Autodiff.valueAndGrad(q -> {
      Tensor lp = FusedDensities.normalSumAtDraw(e, q.get("u").exp(), mk, false);
      return Autodiff.gradients(lp, new Tensor[] {q.get("u")}, null, true)[0].sum();
    }, Map.of("u", u)).grad().get("u");
    assertArrayEquals(new double[T * B], hu.toArray(), 1e-13);
  }

  @Test
  void theFusedKernelRefusesAMaskOrScaleThatDoesNotFit() {
    Tensor e = values(3, T, B);
    IllegalArgumentException notBool = assertThrows(IllegalArgumentException.class,
        () -> FusedDensities.normalSumAtDraw(e, Tensor.scalar(0.5), Tensor.ones(T, B), false));
    assertEquals("normal log-density at a draw: the mask must be a boolean tensor of the noise's "
        + "shape [50, 100], but got dtype FLOAT64 of shape [50, 100]", notBool.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> FusedDensities.normalSumAtDraw(e, Tensor.scalar(0.5), mask(ragged()).select(0, 0),
            true));
    assertTrue(shape.getMessage().contains("of shape [100]"), shape.getMessage());
    IllegalArgumentException scale = assertThrows(IllegalArgumentException.class,
        () -> FusedDensities.normalSumAtDraw(e, values(2, B), mask(ragged()), true));
    assertEquals("normal log-density at a draw: the log-scale has shape [100] but the noise has "
        + "shape [50, 100]; it must be one value or the same shape", scale.getMessage());
  }

  @Test
  void aFamilyThatKeepsNoIntermediatesIsScoredAsItsValue() {
    // an Exponential keeps none: whatever list comes with the value, the masked density of it
    Distribution d = Exponential.of(values(5, T, B).exp()).mask(mask(ragged()));
    Tensor x = d.sample(KEY, Shape.SCALAR);
    assertEquals(List.of(), d.rsampleWithIntermediates(KEY, Shape.SCALAR).intermediates());
    assertEquals(d.logProbSum(x).item(), d.logProbSum(x, List.of(x)).item(), 0.0);
  }

  @Test
  void intermediatesThatDoNotFitTheDrawAreRefused() {
    Distribution d = Normal.of(values(1, T, B), values(2, T, B).exp()).mask(mask(ragged()));
    Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.logProbSum(draw.value(), List.of(Tensor.zeros(T, B - 1))));
    assertTrue(e.getMessage().contains("Normal.logProbSum") && e.getMessage().contains(
        "[50, 99]") && e.getMessage().contains("rsampleWithIntermediates"), e.getMessage());
    // without intermediates: the masked density of the value
    Tensor plain = d.logProbSum(draw.value(), List.of());
    assertEquals(d.logProbSum(draw.value()).item(), plain.item(), 0.0);
  }
}
