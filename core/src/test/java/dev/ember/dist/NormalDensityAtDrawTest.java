// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
 * A Normal scoring its own reparameterized draw given the draw's intermediates (its noise, from
 * {@code rsampleWithIntermediates}) reads the density from the noise. For fixed noise, log
 * N(loc + scale e; loc, scale) = sum(-e^2 / 2 - log scale) - n log(2 pi) / 2, so the closed forms
 * are: d/dloc = 0, d/dscale = -1 / scale (per element, or -n / scale for one shared value),
 * d2/dscale2 = 1 / scale^2 (n / scale^2 shared). Values are checked against the density computed
 * in plain doubles from the draw itself, and every case is also scored without intermediates,
 * which must give the same value and the same total derivatives.
 */
class NormalDensityAtDrawTest {
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final RngKey KEY = RngKey.of(31);

  private static Tensor values(int seed, int... shape) {
    Shape s = Shape.of(shape);
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.sin(seed * 3.7 + i * 0.9) + 0.05 * i;
    }
    return Tensor.of(d, s);
  }

  /** sum_i log N(x_i; loc_i, scale_i) in doubles, with loc and scale broadcast by index. */
  private static double density(double[] x, double[] loc, double[] scale) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double m = loc[loc.length == 1 ? 0 : i];
      double sc = scale[scale.length == 1 ? 0 : i];
      double z = (x[i] - m) / sc;
      s += -0.5 * z * z - Math.log(sc) - HALF_LOG_2PI;
    }
    return s;
  }

  /** The density of the distribution's own draw at {@code KEY}, from its intermediates. */
  private static Tensor atOwnDraw(Normal d) {
    Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
    return d.logProbSum(draw.value(), draw.intermediates());
  }

  /** The density of the same draw as a value, without its intermediates. */
  private static Tensor atDrawAsAValue(Normal d) {
    return d.logProbSum(d.rsample(KEY, Shape.SCALAR));
  }

  @Test
  void theDensityAtTheOwnDrawEqualsTheDensityComputedFromTheDraw() {
    Tensor loc = values(1, 4, 3);
    // a full-size scale, and one shared scale
    for (Tensor sc : new Tensor[] {values(2, 4, 3).exp(), Tensor.scalar(0.7)}) {
      Normal e = Normal.of(loc, sc);
      Distribution.Draw draw = e.rsampleWithIntermediates(KEY, Shape.SCALAR);
      assertArrayEquals(e.rsample(KEY, Shape.SCALAR).toArray(), draw.value().toArray(), 0.0);
      double want = density(draw.value().toArray(), loc.toArray(), sc.toArray());
      assertEquals(want, e.logProbSum(draw.value(), draw.intermediates()).item(),
          1e-12 * Math.abs(want));
      assertEquals(want, e.logProbSum(draw.value()).item(), 1e-12 * Math.abs(want));
      // a copy of the draw is another value: the general formula, the same number
      Tensor copy = Tensor.of(draw.value().toArray(), draw.value().shape());
      assertEquals(want, e.logProbSum(copy).item(), 1e-12 * Math.abs(want));
    }
  }

  @Test
  void gradientsThroughTheOwnDrawAreTheClosedForms() {
    for (Function<Normal, Tensor> score : List.<Function<Normal, Tensor>>of(
        NormalDensityAtDrawTest::atOwnDraw, NormalDensityAtDrawTest::atDrawAsAValue)) {
      // full-size scale = exp(u): d/dloc = 0, d/du = scale * (-1 / scale) = -1
      Map<String, Tensor> p = Map.of("loc", values(1, 4, 3), "u", values(2, 4, 3));
      ValueAndGrad vg = Autodiff.valueAndGrad(
          q -> score.apply(Normal.of(q.get("loc"), q.get("u").exp())), p);
      assertArrayEquals(new double[12], vg.grad().get("loc").toArray(), 1e-14);
      double[] minusOne = new double[12];
      java.util.Arrays.fill(minusOne, -1.0);
      assertArrayEquals(minusOne, vg.grad().get("u").toArray(), 1e-14);

      // one shared scale: d/dscale = -n / scale
      Map<String, Tensor> q1 = Map.of("loc", values(3, 5), "s", Tensor.scalar(0.7));
      ValueAndGrad shared = Autodiff.valueAndGrad(
          q -> score.apply(Normal.of(q.get("loc"), q.get("s"))), q1);
      assertArrayEquals(new double[5], shared.grad().get("loc").toArray(), 1e-14);
      assertEquals(-5 / 0.7, shared.grad().get("s").item(), 1e-13);
    }
  }

  @Test
  void aScaleThatKeepsItsLogGivesTheSameDensityAndGradientsAtSize() {
    // scale = exp(u) over [50, 100] (5 000 elements), as a positive param is made, sliced as the
    // reference guide slices it; the log kept from u against the log taken of the scale: the same
    // function of (loc, u). Closed forms for fixed noise: d/du = -1 and d/dloc = 0 per element
    // of the slice, 0 elsewhere; for one shared scale exp(v), d/dv = -n.
    Tensor loc0 = values(1, 50, 100);
    Tensor u0 = values(2, 50, 100).mul(0.5);
    double[] minusOneFromRowOne = new double[5000];
    java.util.Arrays.fill(minusOneFromRowOne, 100, 5000, -1.0);
    for (boolean kept : new boolean[] {true, false}) {
      ValueAndGrad vg = Autodiff.valueAndGrad(q -> {
        Tensor scale = kept ? q.get("u").expWithLog() : q.get("u").exp();
        Normal d = Normal.of(q.get("loc").slice(0, 1, 50), scale.slice(0, 1, 50));
        assertEquals(kept, d.scale().keptLog() != null);
        return atOwnDraw(d);
      }, Map.of("loc", loc0, "u", u0));
      Normal plain = Normal.of(loc0.slice(0, 1, 50), u0.exp().slice(0, 1, 50));
      Distribution.Draw draw = plain.rsampleWithIntermediates(KEY, Shape.SCALAR);
      double want = density(draw.value().toArray(), plain.loc().toArray(),
          plain.scale().toArray());
      assertEquals(want, vg.value().item(), 1e-12 * Math.abs(want));
      assertArrayEquals(new double[5000], vg.grad().get("loc").toArray(), 0.0);
      assertArrayEquals(minusOneFromRowOne, vg.grad().get("u").toArray(), 1e-14);
    }
    ValueAndGrad shared = Autodiff.valueAndGrad(
        q -> atOwnDraw(Normal.of(q.get("loc"), q.get("v").expWithLog())),
        Map.of("loc", values(3, 5000), "v", Tensor.scalar(-0.3)));
    assertEquals(-5000.0, shared.grad().get("v").item(), 0.0);
    // a scale made by expWithLog and then taken as a variable itself: d/dscale = -n / scale
    Tensor sc = Tensor.scalar(-0.3).expWithLog();
    ValueAndGrad leaf = Autodiff.valueAndGrad(
        q -> atOwnDraw(Normal.of(q.get("loc"), q.get("s"))),
        Map.of("loc", values(3, 5000), "s", sc));
    assertEquals(-5000.0 / sc.item(), leaf.grad().get("s").item(), 1e-9);
  }

  @Test
  void onlyTheExplicitIntermediatesDropTheDrawsOwnGradient() {
    // the draw's density as a value, the draw itself or another tensor of the same values, has
    // d/dx = -(x - loc) / scale^2; given with its intermediates the draw is not an input (its
    // path cancels the one through loc) and gets none: the caller chose that function
    Tensor loc = Autodiff.track(values(1, 6), "loc");
    double sc = 0.8;
    Normal d = Normal.of(loc, Tensor.scalar(sc));
    Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
    Tensor z = draw.value();
    Tensor other = z.add(0.0);
    double[] expected = new double[6];
    for (int i = 0; i < 6; i++) {
      expected[i] = -(z.toArray()[i] - loc.toArray()[i]) / (sc * sc);
    }
    assertArrayEquals(expected,
        Autodiff.gradients(d.logProbSum(z), new Tensor[] {z}, null, false)[0].toArray(), 1e-12);
    assertArrayEquals(expected,
        Autodiff.gradients(d.logProbSum(other), new Tensor[] {other}, null, false)[0].toArray(),
        1e-12);
    assertArrayEquals(new double[6], Autodiff.gradients(
        d.logProbSum(z, draw.intermediates()), new Tensor[] {z}, null, false)[0].toArray(), 0.0);
  }

  @Test
  void aTrackedNoiseGetsTheDerivativeOfItsSquare() {
    // sum(-e^2 / 2 - log s) - n log(2 pi) / 2: d/de = -e, d/ds = -1 / s, d/du = -1 (s = exp u),
    // first order and recorded, with the scale tracked and without
    Tensor e = values(3, 4, 3);
    Tensor u = values(4, 4, 3).mul(0.3);
    double[] ev = e.toArray();
    double[] uv = u.toArray();
    for (boolean createGraph : new boolean[] {false, true}) {
      Tensor noise = Autodiff.track(e, "e");
      Tensor logScale = Autodiff.track(u, "u");
      Tensor scale = Autodiff.track(u.exp(), "s");
      Tensor[] a = Autodiff.gradients(FusedDensities.normalSumAtDraw(noise, scale),
          new Tensor[] {noise, scale}, null, createGraph);
      Tensor[] b = Autodiff.gradients(FusedDensities.normalSumAtDrawOfLogScale(noise, logScale),
          new Tensor[] {noise, logScale}, null, createGraph);
      Tensor alone = Autodiff.gradients(FusedDensities.normalSumAtDraw(noise, u.exp()),
          new Tensor[] {noise}, null, createGraph)[0];
      for (int i = 0; i < ev.length; i++) {
        assertEquals(-ev[i], a[0].toArray()[i], 1e-15);
        assertEquals(-ev[i], b[0].toArray()[i], 1e-15);
        assertEquals(-ev[i], alone.toArray()[i], 1e-15);
        assertEquals(-Math.exp(-uv[i]), a[1].toArray()[i], 1e-14);
        assertEquals(-1.0, b[1].toArray()[i], 0.0);
      }
    }
  }

  @Test
  void intermediatesThatDoNotFitTheValueAreRefused() {
    Normal d = Normal.of(values(1, 4, 3), Tensor.scalar(0.5));
    Distribution.Draw draw = d.rsampleWithIntermediates(KEY, Shape.SCALAR);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.logProbSum(draw.value(), List.of(values(2, 3))));
    assertEquals("Normal.logProbSum: the intermediates of a draw of shape [4, 3] are its standard "
        + "noise, one tensor of that shape, but got 1 tensor(s) of shape [3]; pass the "
        + "intermediates that rsampleWithIntermediates returned with the value", e.getMessage());
    assertEquals(d.logProbSum(draw.value()).item(),
        d.logProbSum(draw.value(), List.of()).item(), 0.0);
  }

  @Test
  void aScaleThatBroadcastsTakesTheGeneralPathWithTheSameTotalGradient() {
    // scale [3] under a [4, 3] loc: the general formula, whose total derivatives through the draw
    // are the same closed forms: d/dloc = 0, d/dscale_j = -4 / scale_j
    Tensor s = values(4, 3).exp();
    Map<String, Tensor> p = Map.of("loc", values(1, 4, 3), "s", s);
    ValueAndGrad vg = Autodiff.valueAndGrad(
        q -> atOwnDraw(Normal.of(q.get("loc"), q.get("s"))), p);
    assertArrayEquals(new double[12], vg.grad().get("loc").toArray(), 1e-12);
    double[] expected = new double[3];
    for (int j = 0; j < 3; j++) {
      expected[j] = -4 / s.toArray()[j];
    }
    assertArrayEquals(expected, vg.grad().get("s").toArray(), 1e-12);
  }

  @Test
  void aDetachedDrawIsScoredAsAnyValue() {
    // sample() detaches: the value is a constant, so d/dloc = sum (z - loc) / scale^2 appears
    Tensor loc0 = values(1, 6);
    double sc = 0.8;
    Tensor[] drawn = new Tensor[1];
    ValueAndGrad vg = Autodiff.valueAndGrad(q -> {
      Normal d = Normal.of(q.get("loc"), Tensor.scalar(sc));
      drawn[0] = d.sample(KEY, Shape.SCALAR);
      return d.logProbSum(drawn[0]);
    }, Map.of("loc", loc0));
    double[] z = drawn[0].toArray();
    double[] m = loc0.toArray();
    double[] expected = new double[6];
    for (int i = 0; i < 6; i++) {
      expected[i] = (z[i] - m[i]) / (sc * sc);
    }
    assertArrayEquals(expected, vg.grad().get("loc").toArray(), 1e-12);
    assertEquals(density(z, m, new double[] {sc}), vg.loss(), 1e-12);
  }

  @Test
  void secondDerivativesUnderCreateGraph() {
    // shared scale: d2/ds2 = n / s^2; full-size exp(u): d/du = -1, so d2/du2 = 0
    double s = 0.6;
    Tensor h = Autodiff.valueAndGrad(q -> {
      Tensor lp = atOwnDraw(Normal.of(values(5, 7), q.get("s")));
      return Autodiff.gradients(lp, new Tensor[] {q.get("s")}, null, true)[0];
    }, Map.of("s", Tensor.scalar(s))).grad().get("s");
    assertEquals(7 / (s * s), h.item(), 1e-12);

    Tensor hu = Autodiff.valueAndGrad(q -> {
      Tensor lp = atOwnDraw(Normal.of(values(5, 3), q.get("u").exp()));
      return Autodiff.gradients(lp, new Tensor[] {q.get("u")}, null, true)[0].sum();
    }, Map.of("u", values(6, 3))).grad().get("u");
    assertArrayEquals(new double[3], hu.toArray(), 1e-13);
  }

  @Test
  void theFusedFunctionRefusesAScaleOfAnotherShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FusedDensities.normalSumAtDraw(values(1, 4, 3), values(2, 3).exp()));
    assertEquals("normal log-density at a draw: the scale has shape [3] but the noise has shape "
        + "[4, 3]; it must be one value or the same shape", e.getMessage());
  }
}
