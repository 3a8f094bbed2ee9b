// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code Tensor.stack(axis, parts)} where the parts are views of one storage at equal distances
 * (the rows {@code base.select(0, i)} in order, as a scan's per-step slices of a series are) is a
 * view of that storage, without a copy. Every case is compared with the copying path, stacking
 * the same values made as fresh tensors: the values and the gradients (to the base, to the parts
 * themselves, and of second order) must be identical, and parts that lie at no common distance
 * (or in other storages) must still be copied.
 */
class StackOfRowsTest {
  private static final SplittableRandom RNG = new SplittableRandom(7);

  private static Tensor random(int... shape) {
    Shape s = Shape.of(shape);
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = RNG.nextDouble(-2, 2);
    }
    return Tensor.of(d, s);
  }

  private static List<Tensor> rows(Tensor base, int... order) {
    List<Tensor> out = new ArrayList<>();
    for (int i : order) {
      out.add(base.select(0, i));
    }
    return out;
  }

  private static int[] upTo(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** The same values as fresh tensors, which the fast path cannot recognize: the copying path. */
  private static List<Tensor> copies(List<Tensor> parts) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor p : parts) {
      out.add(p.add(0.0));
    }
    return out;
  }

  /**
   * Gradients by the two paths add the same few contributions per element in another order: each
   * rounding is at most half an ulp of a partial sum no larger than the sum of the contributions'
   * magnitudes, so with up to four contributions they agree to 4 ulps of that magnitude, which
   * {@code 4 * ulp(|expected| + |actual|)} bounds for contributions of like sign and size.
   */
  private static void assertSameGradient(Tensor expected, Tensor actual) {
    assertEquals(expected.shape(), actual.shape());
    double[] e = expected.toArray();
    double[] a = actual.toArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], 4 * Math.ulp(Math.abs(e[i]) + Math.abs(a[i])), "element " + i);
    }
  }

  private static void assertSameTensor(Tensor expected, Tensor actual) {
    assertEquals(expected.shape(), actual.shape());
    assertEquals(expected.dtype(), actual.dtype());
    assertArrayEquals(expected.toArray(), actual.toArray(), 0.0);
  }

  /** A function of the stack that weighs every element differently and is not linear. */
  private static Tensor score(Tensor stacked, Tensor weights) {
    return stacked.mul(weights).add(stacked.square()).sum();
  }

  @Test
  void allRowsInOrderGiveTheBaseWithoutACopy() {
    Tensor base = random(5, 3, 2); // [T, 3, 2]
    Tensor stacked = Tensor.stack(0, rows(base, upTo(5)));
    assertTrue(stacked.sharesStorage(base), "a view of the base's storage");
    assertTrue(stacked.isContiguous());
    assertSameTensor(Tensor.stack(0, copies(rows(base, upTo(5)))), stacked);
  }

  @Test
  void rowsOfAVectorStackToTheVector() {
    Tensor base = random(4); // [T]
    assertTrue(Tensor.stack(0, rows(base, upTo(4))).sharesStorage(base));
    assertSameTensor(base, Tensor.stack(-1, rows(base, upTo(4)))); // axis -1 of rank 1 is 0
  }

  @Test
  void booleanRowsStayBoolean() {
    Tensor base = random(3, 4).gt(0.0);
    Tensor stacked = Tensor.stack(0, rows(base, upTo(3)));
    assertTrue(stacked.isBool());
    assertSameTensor(base, stacked);
  }

  @Test
  void rowsAtEqualDistancesAreViewsAndOthersCopies() {
    Tensor base = random(4, 3); // [T, B]
    Tensor other = Tensor.of(base.toArray(), base.shape()); // equal values, another tensor
    List<List<Tensor>> views = List.of(
        rows(base, 3, 2, 1, 0), // reversed: a negative distance
        rows(base, 0, 2), // every other row
        rows(base, 0, 1, 2), // the first rows only
        rows(base, 1, 2, 3), // the last rows only
        rows(base, 2, 2, 2)); // one row repeated: distance 0
    for (List<Tensor> parts : views) {
      Tensor stacked = Tensor.stack(0, parts);
      assertTrue(stacked.sharesStorage(base));
      assertSameTensor(Tensor.stack(0, copies(parts)), stacked);
    }
    List<List<Tensor>> copied = List.of(
        rows(base, 1, 0, 2, 3), // permuted
        rows(base, 0, 1, 2, 3, 0), // more parts than rows
        List.of(base.select(0, 0), other.select(0, 1), base.select(0, 2), base.select(0, 3)));
    for (List<Tensor> parts : copied) {
      Tensor stacked = Tensor.stack(0, parts);
      assertFalse(stacked.sharesStorage(base));
      assertSameTensor(Tensor.stack(0, copies(parts)), stacked);
    }
  }

  @Test
  void otherAxesAreViewsToo() {
    Tensor base = random(3, 4); // [3, 4]
    // rows of axis 0 stacked on axis 1: the transpose, a view
    Tensor onAxis1 = Tensor.stack(1, rows(base, upTo(3)));
    assertEquals(Shape.of(4, 3), onAxis1.shape());
    assertTrue(onAxis1.sharesStorage(base));
    assertSameTensor(base.transpose(), onAxis1);
    // columns (select on axis 1) stacked on axis 0: the transpose too
    List<Tensor> columns = new ArrayList<>();
    for (int j = 0; j < 4; j++) {
      columns.add(base.select(1, j));
    }
    assertSameTensor(base.transpose(), Tensor.stack(0, columns));
    // columns stacked on axis 1: the base's values, a view again
    Tensor back = Tensor.stack(1, columns);
    assertTrue(back.sharesStorage(base));
    assertSameTensor(base, back);
  }

  @Test
  void rowsOfRowsStackLevelByLevel() {
    Tensor base = random(2, 3, 4); // [2, 3, 4]
    Tensor row1 = base.select(0, 1); // [3, 4]
    Tensor again = Tensor.stack(0, rows(row1, upTo(3)));
    assertTrue(again.sharesStorage(base));
    assertSameTensor(base.select(0, 1), again);
  }

  @Test
  void gradientsEqualTheCopyingPath() {
    Tensor base = random(5, 3); // [T, B]
    Tensor weights = random(5, 3);
    Function<Function<List<Tensor>, List<Tensor>>, Map<String, Tensor>> grad = prepare ->
        Autodiff.valueAndGrad(
            p -> score(Tensor.stack(0, prepare.apply(rows(p.get("x"), upTo(5)))), weights),
            Map.of("x", base)).grad();
    Map<String, Tensor> fast = grad.apply(parts -> parts);
    Map<String, Tensor> copying = grad.apply(StackOfRowsTest::copies);
    assertSameGradient(copying.get("x"), fast.get("x"));
    GradCheck.assertGradients(
        p -> score(Tensor.stack(0, rows(p.get("x"), upTo(5))), weights), Map.of("x", base));
  }

  @Test
  void partsUsedElsewhereGetTheirWholeGradient() {
    // the scan pattern: each row is stacked and also feeds the next step
    Tensor base = random(4, 2);
    Function<Map<String, Tensor>, Tensor> fn = p -> {
      List<Tensor> parts = rows(p.get("x"), upTo(4));
      Tensor chain = Tensor.scalar(0.0);
      for (Tensor part : parts) {
        chain = chain.add(part.mul(0.5).exp().sum());
      }
      return score(Tensor.stack(0, parts), Tensor.ones(4, 2)).add(chain);
    };
    GradCheck.assertGradients(fn, Map.of("x", base));
  }

  @Test
  void gradientsWithRespectToThePartsThemselves() {
    Tensor x = Autodiff.track(random(3, 2), "x");
    Tensor weights = random(3, 2);
    List<Tensor> parts = rows(x, upTo(3));
    Tensor stacked = Tensor.stack(0, parts);
    assertTrue(stacked.sharesStorage(x), "a tracked stack of rows shares the base's values");
    Tensor fast = score(stacked, weights);
    Tensor copying = score(Tensor.stack(0, copies(parts)), weights);
    assertArrayEquals(copying.toArray(), fast.toArray(), 0.0);
    Tensor[] gFast = Autodiff.gradients(fast, parts.toArray(new Tensor[0]), null, false);
    Tensor[] gCopying = Autodiff.gradients(copying, parts.toArray(new Tensor[0]), null, false);
    for (int i = 0; i < 3; i++) {
      assertSameGradient(gCopying[i], gFast[i]);
    }
  }

  @Test
  void theBaseAndOnePartAskedForTogether() {
    // the stack's gradient goes through the parts to the base; one part's own gradient is asked
    // for too, and both results must still be whole
    Tensor x = Autodiff.track(random(4, 3), "x");
    Tensor weights = random(4, 3);
    List<Tensor> parts = rows(x, upTo(4));
    Tensor fast = score(Tensor.stack(0, parts), weights).add(parts.get(2).exp().sum());
    Tensor copying = score(Tensor.stack(0, copies(parts)), weights).add(parts.get(2).exp().sum());
    Tensor[] wrt = {x, parts.get(2)};
    Tensor[] gFast = Autodiff.gradients(fast, wrt, null, false);
    Tensor[] gCopying = Autodiff.gradients(copying, wrt, null, false);
    assertSameGradient(gCopying[0], gFast[0]);
    assertSameGradient(gCopying[1], gFast[1]);
    // and the base alone, straight: the same gradient
    assertSameGradient(gCopying[0], Autodiff.gradients(fast, new Tensor[] {x}, null, false)[0]);
  }

  @Test
  void secondOrderGradientsEqualTheCopyingPath() {
    Tensor base = random(3, 2);
    Tensor weights = random(3, 2);
    Function<Function<List<Tensor>, List<Tensor>>, Tensor> hessianRow = prepare -> {
      Tensor x = Autodiff.track(base, "x");
      Tensor f = score(Tensor.stack(0, prepare.apply(rows(x, upTo(3)))), weights)
          .mul(Tensor.stack(0, prepare.apply(rows(x, upTo(3)))).sum());
      Tensor g = Autodiff.gradients(f, new Tensor[] {x}, null, true)[0];
      return Autodiff.gradients(g.select(0, 1).sum(), new Tensor[] {x}, null, false)[0];
    };
    assertSameGradient(hessianRow.apply(StackOfRowsTest::copies), hessianRow.apply(parts -> parts));
  }

  @Test
  void untrackedRowsOfATrackedBaseStackUntracked() {
    Tensor x = Autodiff.track(random(3, 2), "x");
    List<Tensor> parts = Autodiff.noGrad(() -> rows(x, upTo(3)));
    Tensor stacked = Tensor.stack(0, parts);
    assertFalse(stacked.isTracked(), "rows taken without recording give no gradient path");
    assertSameTensor(x, stacked);
    assertTrue(Tensor.stack(0, rows(x, upTo(3))).isTracked());
  }

  @Test
  void rowsTrackedAsLeavesGetTheirOwnGradients() {
    Tensor base = random(3, 2);
    List<Tensor> leaves = new ArrayList<>();
    for (Tensor part : rows(base, upTo(3))) {
      leaves.add(Autodiff.track(part, "p"));
    }
    Tensor weights = random(3, 2);
    Tensor fast = score(Tensor.stack(0, leaves), weights);
    Tensor copying = score(Tensor.stack(0, copies(leaves)), weights);
    assertArrayEquals(copying.toArray(), fast.toArray(), 0.0);
    Tensor[] gFast = Autodiff.gradients(fast, leaves.toArray(new Tensor[0]), null, false);
    Tensor[] gCopying = Autodiff.gradients(copying, leaves.toArray(new Tensor[0]), null, false);
    for (int i = 0; i < 3; i++) {
      assertSameGradient(gCopying[i], gFast[i]);
    }
  }
}
