// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link OwnedBuffer}, the one writer of storage: a write makes every earlier view stale (reading
 * it throws, it never shows the new values), snapshots and later views are right, and a source
 * that is the buffer itself is read as it was before the write. {@link TensorBuilder} writes no
 * more once built.
 */
class OwnedBufferTest {
  @Test
  void aWriteMakesEarlierViewsStaleAndLaterOnesRight() {
    OwnedBuffer b = OwnedBuffer.copyOf(Tensor.of(1.0, 2.0, 3.0));
    Tensor before = b.view();
    Tensor row = before.slice(0, 1, 3); // a view of the view: stale with it
    Tensor kept = b.snapshot();
    b.add(Tensor.of(10.0, 20.0, 30.0));
    StaleTensorException e = assertThrows(StaleTensorException.class, before::toArray);
    assertTrue(e.getMessage().contains("read after the buffer it views was written"),
        e.getMessage());
    assertThrows(StaleTensorException.class, () -> row.get(0));
    assertThrows(StaleTensorException.class, () -> before.add(1.0));
    assertArrayEquals(new double[] {11, 22, 33}, b.view().toArray(), 0.0);
    assertArrayEquals(new double[] {1, 2, 3}, kept.toArray(), 0.0);
    assertEquals(1, b.version());
  }

  @Test
  void productsAndPlacedGradientsAddWhereTheyShould() {
    OwnedBuffer b = OwnedBuffer.zeros(Shape.of(3, 4));
    // row 1, then every other element of column 0..3 of row 2, then g * f over all
    b.scatterAdd(Tensor.of(1.0, 2.0, 3.0, 4.0), 4, new int[] {1});
    b.scatterAddProduct(Tensor.of(1.0, 1.0), Tensor.scalar(5.0), 8, new int[] {2});
    b.addProduct(Tensor.ones(3, 4), Tensor.of(0.5, 0.5, 0.5, 0.5));
    assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 0.5, 5.5, 0.5},
        b.view().toArray(), 0.0);
    OwnedBuffer s = OwnedBuffer.sumOf(Tensor.of(1.0, 2.0), Tensor.of(3.0, 4.0));
    assertArrayEquals(new double[] {4, 6}, s.view().toArray(), 0.0);
    OwnedBuffer p = OwnedBuffer.productPlus(Tensor.of(1.0, 2.0), Tensor.scalar(3.0),
        Tensor.of(1.0, 1.0));
    assertArrayEquals(new double[] {4, 7}, p.view().toArray(), 0.0);
    b.multiply(Tensor.scalar(2.0));
    assertEquals(11.0, b.view().get(2, 2), 0.0);
  }

  @Test
  void aBufferAddedToItselfReadsItsOldValues() {
    OwnedBuffer b = OwnedBuffer.copyOf(Tensor.of(1.0, 2.0));
    b.add(b.view());
    assertArrayEquals(new double[] {2, 4}, b.view().toArray(), 0.0);
    b.set(b.view().mul(3.0));
    assertArrayEquals(new double[] {6, 12}, b.view().toArray(), 0.0);
    OwnedBuffer.write(new OwnedBuffer[] {b}, new Tensor[] {b.view()},
        (out, in) -> {
          for (int i = 0; i < out[0].length; i++) {
            out[0][i] += in[0][i]; // in is the values before the write, not out itself
          }
        });
    assertArrayEquals(new double[] {12, 24}, b.view().toArray(), 0.0);
  }

  @Test
  void wrongShapesAndRepeatedTargetsAreRefused() {
    OwnedBuffer b = OwnedBuffer.zeros(Shape.of(2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.add(Tensor.zeros(3)));
    assertEquals("OwnedBuffer.add: expected shape [2] but got [3]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OwnedBuffer.write(new OwnedBuffer[] {b, b}, new Tensor[0], (out, in) -> { }));
    assertEquals("OwnedBuffer.write: target 1 is target 0; give each buffer once",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.multiply(Tensor.zeros(3)));
    assertTrue(e.getMessage().contains("does not broadcast"), e.getMessage());
    // placements that do not fit the buffer: past its end, before its start, another rank;
    // nothing is written
    OwnedBuffer m = OwnedBuffer.zeros(Shape.of(3, 2));
    e = assertThrows(IllegalArgumentException.class,
        () -> m.scatterAdd(Tensor.ones(2, 2), 4, new int[] {2, 1}));
    assertEquals("OwnedBuffer.scatterAdd: values of shape [2, 2] at base 4 with strides [2, 1] "
        + "reach positions 4 to 7 of a buffer of 6 (shape [3, 2])", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> m.scatterAddProduct(Tensor.ones(3), Tensor.scalar(2.0), 1, new int[] {-1}));
    assertTrue(e.getMessage().contains("reach positions -1 to 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> m.scatterAdd(Tensor.ones(2, 2), 0, new int[] {2}));
    assertTrue(e.getMessage().contains("1 strides for values of shape [2, 2]"), e.getMessage());
    assertEquals(0, m.version());
    // a reversed and a broadcast placement that fit are taken
    m.scatterAdd(Tensor.of(1.0, 2.0, 3.0), 4, new int[] {-2});
    m.scatterAdd(Tensor.ones(2, 2), 1, new int[] {0, 2});
    assertArrayEquals(new double[] {3, 2, 2, 2, 1, 0}, m.view().toArray(), 0.0);
  }

  @Test
  void aBuilderWritesNoMoreOnceBuilt() {
    TensorBuilder builder = Tensor.builder(Shape.of(2, 2));
    builder.set(0, 1.0);
    builder.put(1, new double[] {7.0, 2.0, 3.0}, 1, 2);
    Tensor t = builder.build();
    assertArrayEquals(new double[] {1, 2, 3, 0}, t.toArray(), 0.0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.set(3, 9));
    assertTrue(e.getMessage().contains("was built already"), e.getMessage());
    assertThrows(IllegalStateException.class, builder::build);
    assertArrayEquals(new double[] {1, 2, 3, 0}, t.toArray(), 0.0);
  }

  @Test
  void blocksAreWrittenOverWhatIsThereAndTheRestIsKept() {
    // a contiguous block, and a row of a transposed view (read through a gather), into zeros
    OwnedBuffer b = OwnedBuffer.withBlock(Shape.of(3, 2), Tensor.of(5.0, 6.0), 2);
    assertArrayEquals(new double[] {0, 0, 5, 6, 0, 0}, b.view().toArray(), 0.0);
    Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(); // [[1, 4], [2, 5], ..]
    OwnedBuffer c = OwnedBuffer.withBlock(Shape.of(5), m.select(0, 1), 3);
    assertArrayEquals(new double[] {0, 0, 0, 2, 5}, c.view().toArray(), 0.0);
    OwnedBuffer u = OwnedBuffer.withBlock(Shape.of(4), Tensor.scalar(7.0).broadcastTo(2), 1);
    assertArrayEquals(new double[] {0, 7, 7, 0}, u.view().toArray(), 0.0);
    // setBlock replaces what is there, alone or times a factor (full, or one value broadcast)
    Tensor before = b.view();
    b.setBlock(Tensor.of(1.0, 2.0), null, 0);
    assertThrows(StaleTensorException.class, before::toArray);
    b.setBlock(Tensor.of(1.0, 2.0), Tensor.of(10.0, 100.0), 2);
    b.setBlock(Tensor.of(3.0, 4.0), Tensor.scalar(-1.0), 4);
    assertArrayEquals(new double[] {1, 2, 10, 200, -3, -4}, b.view().toArray(), 0.0);
    b.setBlock(Tensor.scalar(9.0).broadcastTo(3), null, 1);
    assertArrayEquals(new double[] {1, 9, 9, 9, -3, -4}, b.view().toArray(), 0.0);
    // a block read from the buffer itself is read as it was
    Tensor flat = b.view().reshape(6);
    b.setBlock(flat.slice(0, 0, 3), flat.slice(0, 3, 6), 3);
    assertArrayEquals(new double[] {1, 9, 9, 9, -27, -36}, b.view().toArray(), 0.0);
    // an empty block, at either end
    assertArrayEquals(new double[3], OwnedBuffer.withBlock(Shape.of(3), Tensor.zeros(0), 3)
        .view().toArray(), 0.0);
    b.setBlock(Tensor.zeros(0), Tensor.scalar(2.0), 0);
    assertArrayEquals(new double[] {1, 9, 9, 9, -27, -36}, b.view().toArray(), 0.0);
  }

  @Test
  void aBlockThatDoesNotFitIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OwnedBuffer.withBlock(Shape.of(2, 2), Tensor.of(1.0, 2.0, 3.0), 2));
    assertEquals("OwnedBuffer.withBlock: a block of 3 values at position 2 does not fit a buffer"
        + " of 4 (shape [2, 2])", e.getMessage());
    OwnedBuffer b = OwnedBuffer.zeros(Shape.of(4));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.setBlock(Tensor.of(1.0), null, -1));
    assertTrue(e.getMessage().contains("a block of 1 values at position -1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.setBlock(Tensor.of(1.0, 2.0), Tensor.of(1.0, 2.0, 3.0), 0));
    assertEquals("OwnedBuffer.setBlock: a factor of shape [3] does not broadcast to [2]",
        e.getMessage());
    assertEquals(0, b.version());
  }

  @Test
  void aBlockOfALargerArrayIsWrittenThereAndItsArrayTakenOverWhole() {
    // a [2, 3] block at position 3 of a [4, 3] array; every write lands in rows 1-2 only
    OwnedBuffer b = OwnedBuffer.zerosInBlock(Shape.of(4, 3), 3, Shape.of(2, 3));
    assertEquals(3, b.blockBase());
    assertEquals(-1, OwnedBuffer.zeros(Shape.of(2, 3)).blockBase());
    b.add(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
    b.multiply(Tensor.of(2.0, 1.0, 1.0)); // broadcast over the rows
    b.addProduct(Tensor.ones(2, 3), Tensor.scalar(0.5));
    b.scatterAdd(Tensor.of(10.0, 10.0), 1, new int[] {3}); // column 1
    b.scatterAddProduct(Tensor.of(1.0, 1.0), Tensor.scalar(7.0), 0, new int[] {3}); // column 0
    b.setBlock(Tensor.of(-1.0), null, 5); // the last element
    double[] rows = {9.5, 12.5, 3.5, 15.5, 15.5, -1};
    assertArrayEquals(rows, b.view().toArray(), 0.0);
    assertArrayEquals(rows, b.snapshot().toArray(), 0.0);
    b.writeRun((a, from) -> a[from + 2] += 100);
    assertEquals(103.5, b.view().get(0, 2), 0.0);
    Tensor beforeSet = b.view();
    b.set(b.view().mul(2.0));
    assertThrows(StaleTensorException.class, beforeSet::toArray);
    assertArrayEquals(new double[] {19, 25, 207, 31, 31, -2}, b.view().toArray(), 0.0);
    OwnedBuffer whole = b.whole(Shape.of(4, 3));
    assertArrayEquals(new double[] {0, 0, 0, 19, 25, 207, 31, 31, -2, 0, 0, 0},
        whole.view().toArray(), 0.0);
    // one storage: a write through the whole array makes the block's views stale
    Tensor blockView = b.view();
    whole.setBlock(Tensor.of(1.0, 1.0, 1.0), null, 0);
    assertThrows(StaleTensorException.class, blockView::toArray);
  }

  @Test
  void aBlockThatIsNotInsideItsArrayOrAKernelOfWholeArraysIsRefused() {
    IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
        () -> OwnedBuffer.zerosInBlock(Shape.of(4, 3), 7, Shape.of(2, 3)));
    assertTrue(outside.getMessage().contains("a block of 6 values at position 7 does not fit a"
        + " buffer of 12"), outside.getMessage());
    OwnedBuffer b = OwnedBuffer.zerosInBlock(Shape.of(4, 3), 3, Shape.of(2, 3));
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> b.whole(Shape.of(3, 3)));
    assertTrue(size.getMessage().contains("shape [3, 3] has 9 elements, but the array holds 12"),
        size.getMessage());
    IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class,
        () -> OwnedBuffer.write(new OwnedBuffer[] {b}, new Tensor[0], (t, s) -> t[0][0] = 1));
    assertTrue(kernel.getMessage().contains("target 0 is a block of a larger array"),
        kernel.getMessage());
    assertArrayEquals(new double[12], b.whole(Shape.of(4, 3)).view().toArray(), 0.0);
  }
}
