// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gradient homes ({@link Autodiff#opPassingTo}) in random programs: draws {@code noise * scale +
 * loc} over random views of two {@code [T, B]} params (blocks of rows, one row, blocks of
 * columns, the whole param, a row broadcast over several, and draws over earlier draws), whose
 * values enter the loss as squares, as linear terms and row by row, next to other uses of the
 * params recorded before the draws, after them, or between a draw and the terms that read it
 * (the param then gets a gradient after the draw's sum was given its home and before the draw's
 * rule runs), with the draws' own gradients sometimes asked for too, and some draws handing their
 * gradient unchanged to a second input as well: a tracked tensor of their own (whose sum then
 * holds it) or their loc's view once more (whose sum then waits to place it in the param's).
 * Each program's gradients must equal those of the same program written with a separate
 * multiplication and addition, which declare nothing, so no sum there has a home: the same sums,
 * the same values up to the order of a few additions (1e-12 relative).
 *
 * <p>The draws are made either by {@code Tensor.mulAdd} or by an operation that declares the same
 * thing and shows the gradient its rule is given; a shown gradient that shares its array with
 * the loc's gradient was summed in its home and taken over. The test also checks that the
 * programs reach that case, and the case where the gradient is copied into the param's instead,
 * many times each.
 */
class RandomGradientHomesTest {
  private static final int PROGRAMS = Integer.getInteger("homePrograms", 3000);
  private static final double TOL = 1e-12;

  /** How a draw picks its part of the params. */
  private enum View { ROWS, ROW, COLUMNS, WHOLE, BROADCAST_ROW, OVER_DRAW }

  /**
   * One draw: its view of a param ({@code param} 0 or 1, the range {@code [from, to)} of rows or
   * columns, or the row {@code from}), how its value enters the loss, whether its own gradient
   * is asked for, whether its param is used between it and its terms, and whether it also hands
   * its gradient to a tracked input of its own ({@code shared}) or to its loc's view once more
   * ({@code twice}).
   */
  private record Draw(View view, int param, int from, int to, boolean square, boolean linear,
      boolean byRow, boolean asked, boolean byMulAdd, boolean paramBetween, boolean shared,
      boolean twice, long seed) {}

  /** A program: the params' sizes and values, its draws, the other uses of the params. */
  private record Program(int t, int b, double[][] loc, double[][] scale, List<Draw> draws,
      boolean sumBefore, boolean squareAfter) {}

  private static Program program(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int t = 2 + r.nextInt(9);
    int b = 1 + r.nextInt(8);
    double[][] loc = new double[2][t * b];
    double[][] scale = new double[2][t * b];
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < t * b; i++) {
        loc[p][i] = r.nextDouble(-1, 1);
        scale[p][i] = r.nextDouble(0.1, 2);
      }
    }
    List<Draw> draws = new ArrayList<>();
    int n = 1 + r.nextInt(4);
    for (int k = 0; k < n; k++) {
      View v = View.values()[r.nextInt(k == 0 ? View.values().length - 1 : View.values().length)];
      int extent = v == View.COLUMNS ? b : t;
      int from = r.nextInt(extent);
      int to = from + 1 + r.nextInt(extent - from);
      if (v == View.ROWS && r.nextBoolean()) { // often rows 0 or 1 to T - 1, as a scan's draws
        from = Math.min(r.nextInt(2), extent - 1);
        to = extent;
      }
      draws.add(new Draw(v, r.nextInt(2), from, to, r.nextBoolean(), r.nextInt(3) == 0,
          r.nextBoolean(), r.nextInt(6) == 0, r.nextBoolean(), r.nextInt(4) == 0,
          r.nextInt(5) == 0, r.nextInt(5) == 0, r.nextLong()));
    }
    return new Program(t, b, loc, scale, draws, r.nextInt(3) == 0, r.nextInt(3) == 0);
  }

  /** The draws' gradients shown by the operation that declares the home, with their params. */
  private record Shown(Tensor gradient, int param) {}

  /**
   * The loss of {@code p} over the tracked params {@code loc} and {@code scale}; {@code homes}:
   * draws that declare the home (null: multiplication then addition). Adds each draw's value to
   * {@code values} and each shared draw's own tracked input to {@code extras}.
   */
  private static Tensor loss(Program p, Tensor[] loc, Tensor[] scale, List<Shown> homes,
      List<Tensor> values, List<Tensor> extras) {
    Tensor f = Tensor.scalar(0.0);
    if (p.sumBefore) {
      f = f.add(loc[0].sum().mul(0.25));
    }
    for (Draw d : p.draws) {
      SplittableRandom r = new SplittableRandom(d.seed);
      Tensor l = loc[d.param];
      Tensor s = scale[d.param];
      Tensor c;
      Tensor m;
      switch (d.view) {
        case ROWS -> {
          c = l.slice(0, d.from, d.to);
          m = s.slice(0, d.from, d.to);
        }
        case ROW -> {
          c = l.select(0, d.from);
          m = s.select(0, d.from);
        }
        case COLUMNS -> {
          c = l.slice(1, d.from, d.to);
          m = s.slice(1, d.from, d.to);
        }
        case WHOLE -> {
          c = l;
          m = s;
        }
        case BROADCAST_ROW -> {
          c = l.select(0, d.from); // [B], broadcast over the rows of m
          m = s.slice(0, d.from, d.to);
        }
        default -> { // OVER_DRAW: the previous draw as the loc, times a constant scale
          c = values.get(values.size() - 1);
          m = constant(r, c.shape().toArray()).mul(0.5).add(1.0);
        }
      }
      int[] shape = m.shape().numel() >= c.shape().numel() ? m.shape().toArray()
          : c.shape().toArray();
      Tensor e = constant(r, shape);
      boolean shared = (d.shared || d.twice) && c.shape().equals(e.shape());
      Tensor u = !shared ? null : d.twice ? c
          : Autodiff.track(constant(r, shape), "u" + extras.size());
      if (shared && !d.twice) {
        extras.add(u);
      }
      Tensor z;
      if (homes == null) {
        z = e.mul(m).add(c);
        z = shared ? z.add(u) : z;
      } else if (!shared && (d.byMulAdd || !c.shape().equals(e.shape()))) {
        z = e.mulAdd(m, c);
      } else {
        z = draw(e, m, c, u, d.view == View.OVER_DRAW ? -1 : d.param, homes);
      }
      values.add(z);
      if (d.paramBetween) {
        f = f.add(l.tanh().sum().mul(0.5));
      }
      if (d.square) {
        f = f.add(z.square().mul(constant(r, shape).abs()).sum().mul(0.5));
      }
      if (d.linear || !d.square) {
        f = f.add(z.mul(constant(r, shape)).sum());
      }
      if (d.byRow && z.rank() == 2) {
        for (int i = 0; i < z.dim(0); i++) {
          f = f.add(z.select(0, i).sum().mul(r.nextDouble(-1, 1)));
        }
      }
    }
    if (p.squareAfter) {
      f = f.add(loc[1].square().sum().mul(0.1));
    }
    return f;
  }

  /**
   * A draw as {@code Tensor.mulAdd} records it, showing the gradient its rule is given; with
   * {@code u}, plus u, to which it hands the gradient unchanged as well.
   */
  private static Tensor draw(Tensor e, Tensor m, Tensor c, Tensor u, int param,
      List<Shown> shown) {
    Tensor value = e.mul(m.detach()).add(c.detach());
    BackwardFn rule = (g, grads) -> {
      shown.add(new Shown(g, param));
      grads.addProduct(1, g, e);
      grads.add(2, g);
      if (u != null) {
        grads.add(3, g);
      }
    };
    return u == null ? Autodiff.opPassingTo(2, value, "draw", rule, e, m, c)
        : Autodiff.opPassingTo(2, value.add(u.detach()), "draw", rule, e, m, c, u);
  }

  private static Tensor constant(SplittableRandom r, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble(-1, 1);
    }
    return Tensor.of(v, shape);
  }

  /**
   * The program's gradients: the four params', each shared draw's own input's, each asked-for
   * draw's.
   */
  private static Tensor[] gradients(Program p, List<Shown> homes) {
    Tensor[] loc = new Tensor[2];
    Tensor[] scale = new Tensor[2];
    for (int i = 0; i < 2; i++) {
      loc[i] = Autodiff.track(Tensor.of(p.loc[i], p.t, p.b), "loc" + i);
      scale[i] = Autodiff.track(Tensor.of(p.scale[i], p.t, p.b), "scale" + i);
    }
    List<Tensor> values = new ArrayList<>();
    List<Tensor> extras = new ArrayList<>();
    Tensor f = loss(p, loc, scale, homes, values, extras);
    List<Tensor> wrt = new ArrayList<>(List.of(loc[0], loc[1], scale[0], scale[1]));
    wrt.addAll(extras);
    for (int k = 0; k < p.draws.size(); k++) {
      if (p.draws.get(k).asked) {
        wrt.add(values.get(k));
      }
    }
    return Autodiff.gradients(f, wrt.toArray(new Tensor[0]), null, false);
  }

  @Test
  void randomProgramsWithHomesHaveTheGradientsOfTheSameProgramsWithout() {
    int takenOver = 0;
    int copied = 0;
    for (int k = 0; k < PROGRAMS; k++) {
      Program p = program(k);
      List<Shown> shown = new ArrayList<>();
      Tensor[] got = gradients(p, shown);
      Tensor[] want = gradients(p, null);
      assertEquals(want.length, got.length);
      for (int i = 0; i < want.length; i++) {
        double[] w = want[i].toArray();
        double[] g = got[i].toArray();
        assertEquals(want[i].shape(), got[i].shape(), "program " + k + ", gradient " + i);
        for (int j = 0; j < w.length; j++) {
          assertEquals(w[j], g[j], TOL * (1 + Math.abs(w[j])),
              "program " + k + " " + p.draws + ", gradient " + i + ", element " + j);
        }
      }
      for (Shown s : shown) {
        if (s.param >= 0 && s.gradient.sharesStorage(got[s.param])) {
          takenOver++;
        } else if (s.param >= 0) {
          copied++;
        }
      }
    }
    // the programs reach both cases many times (counted over the draws that show their gradient:
    // 272 and 3 446 of the default 3 000 programs)
    assertTrue(takenOver >= PROGRAMS / 15 && copied >= PROGRAMS / 15, "taken over " + takenOver
        + ", copied " + copied + " in " + PROGRAMS + " programs");
  }
}
