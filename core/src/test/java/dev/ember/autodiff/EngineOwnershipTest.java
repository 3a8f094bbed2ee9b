// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.FusedDensities;
import dev.ember.tensor.Gathers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What the engine decides by itself, checked against closed forms: a node's buffer is reused for
 * an input only when the rule hands it on once and no one asked for it; a contribution to a view
 * goes straight to the viewed tensor only when no one asked for the view's own gradient; a
 * kernel contribution adds or sets as told. Gathers and their scatters differentiate twice.
 */
class EngineOwnershipTest {
  @Test
  void aGradientHandedToTwoInputsIsCopiedNotShared() {
    // f = sum(exp(a + b) * w): d/da = d/db = exp(a + b) * w; the add hands one tensor to both
    Tensor a = Autodiff.track(Tensor.of(0.1, 0.2, 0.3), "a");
    Tensor b = Autodiff.track(Tensor.of(1.0, -1.0, 0.5), "b");
    Tensor w = Tensor.of(2.0, 3.0, 4.0);
    Tensor s = a.add(b);
    Tensor f = s.exp().mul(w).sum().add(a.sum()).add(b.mul(2.0).sum());
    Tensor[] g = Autodiff.gradients(f, new Tensor[] {a, b}, null, false);
    double[] e = new double[3];
    double[] sv = {1.1, -0.8, 0.8};
    for (int i = 0; i < 3; i++) {
      e[i] = Math.exp(sv[i]) * w.get(i);
    }
    assertArrayEquals(new double[] {e[0] + 1, e[1] + 1, e[2] + 1}, g[0].toArray(), 1e-15);
    assertArrayEquals(new double[] {e[0] + 2, e[1] + 2, e[2] + 2}, g[1].toArray(), 1e-15);
  }

  @Test
  void aBroadcastOperandThatIsAViewGetsItsGradientSummedToItsShape() {
    // f = sum log N(x; loc, 1) with x [4, 3, 2] and loc = y[2:3] [1, 2] broadcast against it:
    // d/dy[2, j] = sum over the other axes of (x - loc), the other rows of y 0. The density's
    // gradient for loc comes as a buffer of x's shape, which must be summed to [1, 2] before it
    // is placed in y (placed unsummed it wrote past the view, into y's other rows).
    Tensor x = Tensor.arange(0, 24, 1).mul(0.05).reshape(4, 3, 2);
    Tensor yv = Tensor.arange(0, 20, 1).mul(-0.1).reshape(10, 2);
    Tensor y = Autodiff.track(yv, "y");
    Tensor f = FusedDensities.normalSum(x, y.slice(0, 2, 3, 1),
        Tensor.scalar(1.0));
    double[] g = Autodiff.gradients(f, new Tensor[] {y}, null, false)[0].toArray();
    double[] want = new double[20];
    for (int i = 0; i < 24; i++) {
      want[4 + i % 2] += x.toArray()[i] - yv.toArray()[4 + i % 2];
    }
    assertArrayEquals(want, g, 1e-12);
  }

  @Test
  void anIntermediateAskedForBelowStacksOfViewsGetsEveryContribution() {
    // v = broadcast(x^2) [3, 2]; s = stack(v, v) [2, 3, 2]; t = stack(s, s) [2, 2, 3, 2]: s and t
    // are views of x^2 (stacks of views of one tensor), so a contribution to t could go straight
    // to x^2, skipping v, whose gradient is asked for. f = sum(s a) + sum(t b):
    // df/dv[i, j] = sum_k a[k, i, j] + sum_{k, l} b[k, l, i, j].
    Tensor x = Autodiff.track(Tensor.of(0.3, -0.7), "x");
    Tensor v = x.square().broadcastTo(3, 2);
    Tensor st = Tensor.stack(0, v, v);
    Tensor t = Tensor.stack(0, st, st);
    Tensor a = Tensor.arange(0, 12, 1).reshape(2, 3, 2);
    Tensor b = Tensor.arange(0, 24, 1).mul(0.5).reshape(2, 2, 3, 2);
    Tensor f = st.mul(a).sum().add(t.mul(b).sum());
    Tensor[] g = Autodiff.gradients(f, new Tensor[] {v, x}, null, false);
    double[] want = new double[6];
    double[] dx = new double[2];
    for (int e = 0; e < 6; e++) {
      for (int k = 0; k < 2; k++) {
        want[e] += a.toArray()[6 * k + e];
        for (int l = 0; l < 2; l++) {
          want[e] += b.toArray()[12 * k + 6 * l + e];
        }
      }
      dx[e % 2] += want[e] * 2 * x.toArray()[e % 2];
    }
    assertArrayEquals(want, g[0].toArray(), 1e-12);
    assertArrayEquals(dx, g[1].toArray(), 1e-12);
  }

  @Test
  void aGradientAskedForIsNeverReusedForAnInput() {
    // y = exp(x), z = 2 y + y^2: dz/dy = 2 + 2 y, dz/dx = (2 + 2 y) y
    Tensor x = Autodiff.track(Tensor.of(0.0, 1.0), "x");
    Tensor y = x.exp();
    Tensor z = y.mul(2.0).add(y.square()).sum();
    Tensor[] g = Autodiff.gradients(z, new Tensor[] {y, x}, null, false);
    double[] yv = {1.0, Math.E};
    assertArrayEquals(new double[] {2 + 2 * yv[0], 2 + 2 * yv[1]}, g[0].toArray(), 1e-14);
    assertArrayEquals(new double[] {(2 + 2 * yv[0]) * yv[0], (2 + 2 * yv[1]) * yv[1]},
        g[1].toArray(), 1e-14);
  }

  @Test
  void aViewAskedForGetsItsOwnGradientAndTheBaseItsToo() {
    Tensor x = Autodiff.track(Tensor.arange(0, 12, 1).reshape(4, 3), "x");
    Tensor row = x.select(0, 1);
    assertEquals(x, row.node().view().input());
    assertEquals(3, row.node().view().base());
    Tensor w = Tensor.of(1.0, 2.0, 3.0);
    Tensor f = row.mul(w).sum().add(x.sum());
    Tensor[] both = Autodiff.gradients(f, new Tensor[] {row, x}, null, false);
    assertArrayEquals(new double[] {1, 2, 3}, both[0].toArray(), 0.0);
    assertArrayEquals(new double[] {1, 1, 1, 2, 3, 4, 1, 1, 1, 1, 1, 1}, both[1].toArray(), 0.0);
    Tensor alone = Autodiff.gradients(f, new Tensor[] {x}, null, false)[0];
    assertArrayEquals(both[1].toArray(), alone.toArray(), 0.0);
  }

  /** A custom op {@code 3 x} whose rule writes {@code 3 g} through a kernel. */
  private static Tensor tripled(Tensor x) {
    return Autodiff.op(x.detach().mul(3.0), "triple", (g, grads) -> {
      double[] gv = g.toArray();
      grads.addComputed(0, (target, from, accumulate) -> {
        for (int i = 0; i < gv.length; i++) {
          target[from + i] = (accumulate ? target[from + i] : 0.0) + 3 * gv[i];
        }
      });
    }, x);
  }

  @Test
  void kernelContributionsSetOrAddAsTold() {
    // y = 3 x through a kernel, used twice: the sums add up
    Tensor x = Autodiff.track(Tensor.of(1.0, 2.0), "x");
    Tensor y = tripled(x);
    Tensor f = y.mul(Tensor.of(1.0, 10.0)).sum().add(x.square().sum());
    Tensor g = Autodiff.gradients(f, new Tensor[] {x}, null, false)[0];
    assertArrayEquals(new double[] {3 + 2, 30 + 4}, g.toArray(), 0.0);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Autodiff.gradients(f, new Tensor[] {x}, null, true));
    assertTrue(e.getMessage().contains("cannot be recorded"), e.getMessage());
    // on a contiguous slice of a tensor, the kernel writes into that tensor's buffer in place
    Tensor m = Autodiff.track(Tensor.zeros(4, 3), "m");
    Tensor rows = m.slice(0, 1, 3); // rows 1 and 2: one run of six elements
    Tensor y2 = tripled(rows);
    Tensor f2 = y2.mul(Tensor.arange(0, 6, 1).reshape(2, 3)).sum().add(m.sum());
    Tensor g2 = Autodiff.gradients(f2, new Tensor[] {m}, null, false)[0];
    assertArrayEquals(new double[] {1, 1, 1, 1, 4, 7, 10, 13, 16, 1, 1, 1}, g2.toArray(), 0.0);
  }

  @Test
  void gathersAndScattersDifferentiateTwice() {
    Map<String, Tensor> at = Map.of("m", Tensor.of(new double[] {0.3, 1.2, -0.7, 0.9}, 2, 2));
    // the diagonal, gathered and scattered back, in a smooth function
    GradCheck.assertGradients(p -> {
      Tensor d = Gathers.gather(p.get("m"), 0, new int[] {3}, Shape.of(2));
      Tensor back = Gathers.scatter(d.exp(), 0, new int[] {3}, Shape.of(2, 2));
      return back.mul(p.get("m")).sum();
    }, at);
    // second order: d = sum(exp(m_ii^2)) has d/dm_ii = 2 m_ii exp(m_ii^2), and the sum of that
    // gradient has derivative (2 + 4 m_ii^2) exp(m_ii^2) at the diagonal, 0 elsewhere
    Tensor h = Autodiff.valueAndGrad(p -> {
      Tensor m = p.get("m");
      Tensor d = Gathers.gather(m, 0, new int[] {3}, Shape.of(2)).square().exp().sum();
      return Autodiff.gradients(d, new Tensor[] {m}, null, true)[0].sum();
    }, at).grad().get("m");
    double a = 0.3;
    double b = 0.9;
    assertArrayEquals(new double[] {(2 + 4 * a * a) * Math.exp(a * a), 0, 0,
        (2 + 4 * b * b) * Math.exp(b * b)}, h.toArray(), 1e-14);
  }

  @Test
  void blocksOfANewGradientAreWrittenWhereNothingIsAndAddedWhereSomethingIs() {
    // x [5, 4] is read by views that tile it (row 0, rows 1-4) through mulAdd, which hands its
    // gradient on as it is (a block placed with no factor), and by views that overlap them: rows
    // 2-3 through a product (placed with a factor), rows 3-4 and rows 0-1 as the locs of fused
    // Normal densities (kernels that write into x's buffer). With
    //   f = sum(w0 (2 n0 + x[0])) + sum(w (2 n + x[1:5])) + sum(v x[2:4])
    //       + normalSum(o, x[3:5], 1) + normalSum(p, x[0:2], 1),
    // df/dx[0] = w0 + p[0] - x[0], df/dx[1] = w[0] + p[1] - x[1], df/dx[2] = w[1] + v[0],
    // df/dx[3] = w[2] + v[1] + o[0] - x[3], df/dx[4] = w[3] + o[1] - x[4].
    // The terms in both orders: the tiling blocks reach x's sum first, then last.
    Tensor xv = Tensor.arange(0, 20, 1).mul(0.1).sub(1.0).reshape(5, 4);
    Tensor n0 = Tensor.arange(0, 4, 1).mul(0.3);
    Tensor n = Tensor.arange(0, 16, 1).mul(-0.2).reshape(4, 4);
    Tensor w0 = Tensor.of(1.5, -2.0, 0.25, 3.0);
    Tensor w = Tensor.arange(0, 16, 1).mul(0.7).sub(4.0).reshape(4, 4);
    Tensor v = Tensor.arange(0, 8, 1).mul(-1.1).add(2.0).reshape(2, 4);
    Tensor o = Tensor.arange(0, 8, 1).mul(0.45).reshape(2, 4);
    Tensor p = Tensor.arange(0, 8, 1).mul(-0.35).add(1.0).reshape(2, 4);
    Tensor one = Tensor.scalar(1.0);
    double[] x = xv.toArray();
    double[] want = new double[20];
    for (int j = 0; j < 4; j++) {
      want[j] = w0.get(j) + p.toArray()[j] - x[j];
      want[4 + j] = w.toArray()[j] + p.toArray()[4 + j] - x[4 + j];
      want[8 + j] = w.toArray()[4 + j] + v.toArray()[j];
      want[12 + j] = w.toArray()[8 + j] + v.toArray()[4 + j] + o.toArray()[j] - x[12 + j];
      want[16 + j] = w.toArray()[12 + j] + o.toArray()[4 + j] - x[16 + j];
    }
    for (boolean tilingFirst : new boolean[] {true, false}) {
      Tensor xt = Autodiff.track(xv, "x");
      Supplier<Tensor> tiling = () -> n0.mulAdd(Tensor.scalar(2.0),
          xt.select(0, 0)).mul(w0).sum().add(n.mulAdd(Tensor.scalar(2.0), xt.slice(0, 1, 5))
          .mul(w).sum());
      Supplier<Tensor> overlapping = () -> xt.slice(0, 2, 4).mul(v).sum()
          .add(FusedDensities.normalSum(o, xt.slice(0, 3, 5), one))
          .add(FusedDensities.normalSum(p, xt.slice(0, 0, 2), one));
      // the backward pass visits the term recorded last first
      Tensor f = tilingFirst ? overlapping.get().add(tiling.get())
          : tiling.get().add(overlapping.get());
      Tensor g = Autodiff.gradients(f, new Tensor[] {xt}, null, false)[0];
      assertArrayEquals(want, g.toArray(), 1e-14, "tiling blocks first: " + tilingFirst);
    }
  }

  @Test
  void kernelsIntoDisjointBlocksOfANewGradientEachWriteTheirOwn() {
    // x [6, 3]: fused Normal densities with their locs at rows 0-1, 4-5 and 2-3 write into x's
    // new buffer one after another, then one at rows 1-2 overlaps two of them:
    // df/dx[r] = sum over the densities that read row r of (obs - x[r]) (scale 1).
    Tensor xv = Tensor.arange(0, 18, 1).mul(0.2).sub(1.5).reshape(6, 3);
    Tensor xt = Autodiff.track(xv, "x");
    Tensor one = Tensor.scalar(1.0);
    int[][] rows = {{0, 2}, {4, 6}, {2, 4}, {1, 3}};
    Tensor f = Tensor.scalar(0.0);
    double[] want = new double[18];
    for (int k = 0; k < rows.length; k++) {
      Tensor obs = Tensor.arange(0, 6, 1).mul(0.3 * (k + 1)).reshape(2, 3);
      f = f.add(FusedDensities.normalSum(obs, xt.slice(0, rows[k][0],
          rows[k][1]), one));
      for (int e = 0; e < 6; e++) {
        int at = 3 * rows[k][0] + e;
        want[at] += obs.toArray()[e] - xv.toArray()[at];
      }
    }
    Tensor g = Autodiff.gradients(f, new Tensor[] {xt}, null, false)[0];
    assertArrayEquals(want, g.toArray(), 1e-14);
  }
}
