// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.FusedDensities;
import dev.ember.tensor.RandomTensors;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients against central finite differences ({@link GradCheck}) at sizes of 5 000 elements and
 * more, on contiguous tensors and on views of them: strided (every other column, one column, rows
 * shifted against each other), broadcast and transposed. At these sizes every path of the engine
 * is taken: gradients summed in buffers it owns and written in place, a node's buffer handed on
 * to its input, contributions to views placed straight into the viewed tensor, stacks of rows.
 * Each function weighs its terms with random signs, so that the function stays small next to each
 * element's contribution and the finite differences resolve every element.
 */
class LargeViewGradientTest {
  private static final RandomTensors R = RandomTensors.seeded("LargeViewGradientTest");

  /** A [50, 100] point (5 000 elements) away from zero. */
  private static Tensor point() {
    return R.uniform(Shape.of(50, 100), 0.2, 1.2);
  }

  private static Tensor weights(int... shape) {
    return R.normal(Shape.of(shape));
  }

  private static void check(Function<Tensor, Tensor> f, Tensor x) {
    GradCheck.assertGradients(p -> f.apply(p.get("x")), Map.of("x", x));
  }

  @Test
  void aContiguousTensorUsedManyTimes() {
    Tensor w = weights(50, 100);
    Tensor v = weights(50, 100);
    check(x -> x.exp().mul(x).mul(w).sum()
        .add(x.mul(0.5).sin().mul(v).sum())
        .add(x.square().mul(w).sum()), point());
  }

  @Test
  void stridedViews() {
    Tensor w = weights(50, 50);
    Tensor c = weights(50);
    Tensor s = weights(49, 100);
    check(x -> {
      Tensor everyOther = x.slice(1, 0, 100, 2); // [50, 50], stride 2
      Tensor column = x.select(1, 3); // [50], stride 100
      Tensor shifted = x.slice(0, 1, 50).mul(x.slice(0, 0, 49)); // rows against the next
      return everyOther.square().mul(w).sum()
          .add(column.exp().mul(c).sum())
          .add(shifted.mul(s).sum());
    }, point());
    assertFalse(point().slice(1, 0, 100, 2).isContiguous());
  }

  @Test
  void transposedViews() {
    Tensor w = weights(100, 50);
    Tensor v = weights(5000);
    check(x -> {
      Tensor t = x.transpose(); // [100, 50], a view
      return t.tanh().mul(w).sum()
          .add(t.reshape(-1).mul(v).sum()) // no strides read t in this order: a copy
          .add(t.mul(t.exp()).mul(w).sum());
    }, point());
    assertFalse(point().transpose().isContiguous());
  }

  @Test
  void broadcastViews() {
    Tensor w = weights(60, 100);
    Tensor v = weights(60, 100);
    // a row of 100 read 60 times (6 000 elements) and the whole tensor read along a new axis
    check(x -> {
      Tensor row = x.select(0, 7).broadcastTo(Shape.of(60, 100));
      Tensor all = x.unsqueeze(0).broadcastTo(Shape.of(2, 50, 100));
      return row.mul(row.exp()).mul(w).sum()
          .add(row.mul(v).sum())
          .add(all.square().sum().mul(0.01));
    }, point());
  }

  @Test
  void stacksOfRowsAndFusedDensitiesOverViews() {
    Tensor ys = weights(49, 100);
    check(x -> {
      List<Tensor> rows = new ArrayList<>();
      for (int t = 1; t < 50; t++) {
        rows.add(x.select(0, t));
      }
      Tensor stacked = Tensor.stack(0, rows); // [49, 100], a view of rows 1..49
      Tensor loc = x.slice(0, 0, 49).mul(0.8); // the previous rows
      return FusedDensities.normalSum(stacked, loc, Tensor.scalar(0.7))
          .add(FusedDensities.normalSum(ys, stacked, x.slice(0, 1, 50).add(0.5)))
          .add(rows.get(3).exp().sum());
    }, point());
    assertTrue(Tensor.stack(0, List.of(point().select(0, 0))).isContiguous());
  }

  @Test
  void theFusedDensityAtADrawOverSlices() {
    Tensor noise = weights(49, 100);
    check(x -> {
      Tensor loc = x.slice(0, 1, 50).sub(0.7);
      Tensor scale = x.slice(0, 0, 49).add(0.1);
      Tensor draw = noise.mulAdd(scale, loc);
      return FusedDensities.normalSumAtDraw(noise, scale)
          .add(draw.mul(noise).sum());
    }, point());
  }

  @Test
  void placementsBeforeAndAfterAWholeContribution() {
    // x's sum gets the gradients of its row views placed (a stack of rows, one row, a slice),
    // some before a whole contribution (x.exp(), recorded first, so its rule runs last), some
    // after (x.square(), recorded last), and a kept log's slice: the engine holds the placements
    // until a buffer of the whole arrives and adds them into it in place, or into zeros when none
    // does (u alone). Both sums are checked against finite differences.
    Tensor w = weights(50, 100);
    Tensor r = weights(49, 100);
    Tensor c = weights(100);
    check(x -> {
      Tensor whole = x.exp().mul(w).sum();
      Tensor kept = x.expWithLog().slice(0, 1, 50).keptLog().mul(r).sum();
      Tensor row = x.select(0, 3).sin().mul(c).sum();
      Tensor rest = x.slice(0, 0, 49).square().mul(r).sum();
      return whole.add(kept).add(row).add(rest).add(x.square().mul(w).sum().mul(0.1));
    }, point());
    Tensor v = weights(40, 100);
    check(x -> x.select(0, 4).exp().mul(c).sum()
        .add(x.slice(0, 10, 50).tanh().mul(v).sum()), point());
  }

  @Test
  void blocksOfANewGradientTiledAndOverlapped() {
    // the sliced guide's layout: row 0 and rows 1-49 of x each drawn through mulAdd (blocks
    // that tile x, copied into its new buffer), then views that overlap them: a fused density
    // with its loc at rows 10-29 (a kernel into the buffer), a product at rows 5-14, and every
    // other element of row 7 (a strided placement); once with the tiling blocks reaching x
    // first, once last
    Tensor n0 = weights(100);
    Tensor n = weights(49, 100);
    Tensor obs = weights(20, 100);
    Tensor w = weights(10, 100);
    Tensor c = weights(50);
    Function<Tensor, Tensor> tiling = x -> n0.mulAdd(Tensor.scalar(0.3), x.select(0, 0)).square()
        .mul(c.slice(0, 0, 1)).sum().add(n.mulAdd(Tensor.scalar(0.3), x.slice(0, 1, 50)).sin()
        .sum());
    Function<Tensor, Tensor> overlapping = x -> FusedDensities.normalSum(obs,
        x.slice(0, 10, 30), Tensor.scalar(0.9)).add(x.slice(0, 5, 15).mul(w).sum())
        .add(x.select(0, 7).slice(0, 0, 100, 2).mul(c).sum());
    check(x -> overlapping.apply(x).add(tiling.apply(x)), point());
    check(x -> tiling.apply(x).add(overlapping.apply(x)), point());
  }
}
