// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A draw {@code noise * scale + loc} of a {@code [T, B]} param's rows hands its gradient to loc
 * unchanged ({@link Autodiff#opPassingTo}), so a first-order pass sums it inside loc's gradient
 * and loc's sum takes that array over. Checked against closed forms at 6 000 elements per param,
 * in the cases where the array must not be taken over: loc already has a gradient, another sum
 * still holds the draw's gradient, or the draw's own gradient is asked for.
 *
 * <p>The loss: {@code z0 = e[0] s[0] + l[0]} and {@code z = e[1:] s[1:] + l[1:]} (rows 1 to T -
 * 1), {@code f = sum(w z^2) / 2 + sum(v z0) + sum_t c[t] sum(z[t])}, the rows of z read one at a
 * time as a scan's steps read them. So {@code df/dz = w z + c}, {@code df/dz0 = v}, loc's
 * gradient is those, row 0 first, and scale's is them times the noise.
 */
class GradientHomeTest {
  private static final int T = 60;
  private static final int B = 100;
  private static final double TOL = 1e-12;

  private final double[] loc = new double[T * B];
  private final double[] scale = new double[T * B];
  private final double[] noise = new double[T * B];
  private final double[] w = new double[(T - 1) * B];
  private final double[] v = new double[B];
  private final double[] c = new double[T - 1];

  GradientHomeTest() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < T * B; i++) {
      loc[i] = r.nextDouble(-1, 1);
      scale[i] = r.nextDouble(0.1, 2);
      noise[i] = r.nextGaussian();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextDouble(0.5, 1.5);
    }
    for (int j = 0; j < B; j++) {
      v[j] = r.nextDouble(-1, 1);
    }
    for (int t = 0; t < T - 1; t++) {
      c[t] = r.nextDouble(-1, 1);
    }
  }

  /** A draw as {@code Tensor.mulAdd} records it, which shows the gradient its rule is given. */
  private static Tensor draw(Tensor e, Tensor s, Tensor l, List<Tensor> seen) {
    Tensor value = e.mul(s.detach()).add(l.detach());
    return Autodiff.opPassingTo(2, value, "draw", (g, grads) -> {
      seen.add(g);
      grads.addProduct(1, g, e);
      grads.add(2, g);
    }, e, s, l);
  }

  /** f of the class comment; {@code seen} null: the draws are {@code mulAdd}s. */
  private Tensor loss(Tensor l, Tensor s, List<Tensor> seen) {
    Tensor e = Tensor.of(noise, T, B);
    Tensor z0 = seen == null ? e.select(0, 0).mulAdd(s.select(0, 0), l.select(0, 0))
        : draw(e.select(0, 0), s.select(0, 0), l.select(0, 0), seen);
    Tensor z = seen == null ? e.slice(0, 1, T).mulAdd(s.slice(0, 1, T), l.slice(0, 1, T))
        : draw(e.slice(0, 1, T), s.slice(0, 1, T), l.slice(0, 1, T), seen);
    return lossOf(z0, z);
  }

  /** f of the draws z0 {@code [B]} and z {@code [T - 1, B]}. */
  private Tensor lossOf(Tensor z0, Tensor z) {
    Tensor f = z.square().mul(Tensor.of(w, T - 1, B)).sum().mul(0.5)
        .add(z0.mul(Tensor.of(v)).sum());
    for (int t = 0; t < T - 1; t++) {
      f = f.add(z.select(0, t).sum().mul(c[t]));
    }
    return f;
  }

  /** df/dz: loc's gradient without row 0. */
  private double[] drawGradient() {
    double[] rows = new double[(T - 1) * B];
    System.arraycopy(locGradient(0), B, rows, 0, rows.length);
    return rows;
  }

  /** df/dloc, closed form, plus {@code extra} everywhere. */
  private double[] locGradient(double extra) {
    double[] g = new double[T * B];
    for (int j = 0; j < B; j++) {
      g[j] = v[j] + extra;
    }
    for (int t = 1; t < T; t++) {
      for (int j = 0; j < B; j++) {
        int i = t * B + j;
        double z = noise[i] * scale[i] + loc[i];
        g[i] = w[(t - 1) * B + j] * z + c[t - 1] + extra;
      }
    }
    return g;
  }

  /** df/dscale, closed form. */
  private double[] scaleGradient() {
    double[] g = locGradient(0);
    for (int i = 0; i < g.length; i++) {
      g[i] *= noise[i];
    }
    return g;
  }

  private static void assertClose(double[] want, Tensor got) {
    double[] a = got.toArray();
    assertEquals(want.length, a.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], a[i], TOL * (1 + Math.abs(want[i])), "element " + i);
    }
  }

  @Test
  void aDrawOfAParamsRowsIsDifferentiatedInsideTheParamsGradient() {
    Tensor l = Autodiff.track(Tensor.of(loc, T, B), "loc");
    Tensor s = Autodiff.track(Tensor.of(scale, T, B), "scale");
    Tensor[] g = Autodiff.gradients(loss(l, s, null), new Tensor[] {l, s}, null, false);
    assertClose(locGradient(0), g[0]);
    assertClose(scaleGradient(), g[1]);

    List<Tensor> seen = new ArrayList<>();
    g = Autodiff.gradients(loss(l, s, seen), new Tensor[] {l, s}, null, false);
    assertClose(locGradient(0), g[0]);
    assertClose(scaleGradient(), g[1]);
    assertEquals(2, seen.size());
    // the rows' draw, differentiated first (its rows are read last), had its gradient summed in
    // loc's, whose sum took that array over; row 0's draw came later and was copied in
    Tensor rows = seen.get(0).rank() == 2 ? seen.get(0) : seen.get(1);
    Tensor first = seen.get(0).rank() == 2 ? seen.get(1) : seen.get(0);
    assertEquals(T - 1, rows.dim(0));
    assertTrue(rows.sharesStorage(g[0]));
    assertFalse(first.sharesStorage(g[0]));
  }

  @Test
  void aParamWithAGradientOfItsOwnAddsTheDrawsWhereverItComesFrom() {
    // k * sum(loc), recorded before the draws (differentiated after them) and after them
    // (differentiated first, so loc has a sum when the draws' gradients arrive)
    for (boolean before : new boolean[] {true, false}) {
      Tensor l = Autodiff.track(Tensor.of(loc, T, B), "loc");
      Tensor s = Autodiff.track(Tensor.of(scale, T, B), "scale");
      List<Tensor> seen = new ArrayList<>();
      Tensor f;
      if (before) {
        Tensor k = l.sum().mul(0.25);
        f = k.add(loss(l, s, seen));
      } else {
        f = loss(l, s, seen).add(l.sum().mul(0.25));
      }
      Tensor[] g = Autodiff.gradients(f, new Tensor[] {l, s}, null, false);
      assertClose(locGradient(0.25), g[0]);
      assertClose(scaleGradient(), g[1]);
    }
  }

  @Test
  void aDrawsGradientThatAnotherSumStillHoldsIsCopiedNotTakenOver() {
    // the draw also hands its gradient, as it is, to u: u's sum keeps that tensor, so loc's sum
    // must not take its array over (row 0 written into it would change u's gradient)
    Tensor l = Autodiff.track(Tensor.of(loc, T, B), "loc");
    Tensor s = Autodiff.track(Tensor.of(scale, T, B), "scale");
    Tensor u = Autodiff.track(Tensor.zeros(T - 1, B), "u");
    Tensor e = Tensor.of(noise, T, B).slice(0, 1, T);
    Tensor sRows = s.slice(0, 1, T);
    Tensor lRows = l.slice(0, 1, T);
    Tensor value = e.mul(sRows.detach()).add(lRows.detach()).add(u.detach());
    Tensor z = Autodiff.opPassingTo(2, value, "draw", (g, grads) -> {
      grads.addProduct(1, g, e);
      grads.add(2, g);
      grads.add(3, g);
    }, e, sRows, lRows, u);
    Tensor z0 = Tensor.of(noise, T, B).select(0, 0).mulAdd(s.select(0, 0), l.select(0, 0));
    Tensor f = lossOf(z0, z);
    Tensor[] g = Autodiff.gradients(f, new Tensor[] {l, s, u}, null, false);
    assertClose(locGradient(0), g[0]);
    assertClose(scaleGradient(), g[1]);
    assertClose(drawGradient(), g[2]);
  }

  @Test
  void aDrawWhoseGradientIsAskedForKeepsItsOwn() {
    Tensor l = Autodiff.track(Tensor.of(loc, T, B), "loc");
    Tensor s = Autodiff.track(Tensor.of(scale, T, B), "scale");
    Tensor e = Tensor.of(noise, T, B);
    Tensor z0 = e.select(0, 0).mulAdd(s.select(0, 0), l.select(0, 0));
    Tensor z = e.slice(0, 1, T).mulAdd(s.slice(0, 1, T), l.slice(0, 1, T));
    Tensor f = lossOf(z0, z);
    Tensor[] g = Autodiff.gradients(f, new Tensor[] {l, z, s}, null, false);
    assertClose(locGradient(0), g[0]);
    assertClose(scaleGradient(), g[2]);
    assertClose(drawGradient(), g[1]);
    assertFalse(g[1].sharesStorage(g[0]));
  }

  @Test
  void anInputThatCannotTakeTheGradientUnchangedIsRefused() {
    Tensor a = Autodiff.track(Tensor.of(1.0, 2.0), "a");
    Tensor b = Autodiff.track(Tensor.scalar(3.0), "b");
    Tensor value = Tensor.of(4.0, 5.0);
    BackwardFn rule = (g, grads) -> grads.add(0, g);
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> Autodiff.opPassingTo(1, value, "shift", rule, a, b));
    assertEquals("shift: input 1 cannot take the output's gradient unchanged: expected an input"
        + " of the output's shape [2], got []", shape.getMessage());
    IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
        () -> Autodiff.opPassingTo(2, value, "shift", rule, a, b));
    assertEquals("shift: input 2 cannot take the output's gradient unchanged: expected an input"
        + " of the output's shape [2], of 2 inputs", index.getMessage());
  }
}
