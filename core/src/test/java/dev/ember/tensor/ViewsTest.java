// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The view operations read the same storage through new offsets and strides, with no copy; their
 * values are checked element by element against index arithmetic on the row-major source array
 * (the definition of each operation), not against another operation.
 */
class ViewsTest {
  /** {@code [2, 3, 4]} holding 0 .. 23: element {@code [i, j, k]} is {@code 12 i + 4 j + k}. */
  private static Tensor cube() {
    return Tensor.arange(0, 24, 1).reshape(2, 3, 4);
  }

  @Test
  void selectSliceAndFlipAreViewsWithTheRightValues() {
    Tensor x = cube();
    Tensor row = x.select(1, 2); // [2, 4]: x[i, 2, k]
    assertTrue(row.sharesStorage(x));
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 4; k++) {
        assertEquals(12 * i + 8 + k, row.get(i, k), 0.0);
      }
    }
    Tensor every = x.slice(2, 1, 4, 2); // [2, 3, 2]: k = 1, 3
    assertTrue(every.sharesStorage(x));
    assertFalse(every.isContiguous());
    assertArrayEquals(new int[] {12, 4, 2}, every.strides());
    assertEquals(1, every.offset());
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(12 * i + 4 * j + 1, every.get(i, j, 0), 0.0);
        assertEquals(12 * i + 4 * j + 3, every.get(i, j, 1), 0.0);
      }
    }
    Tensor flipped = x.flip(1); // x[i, 2 - j, k]
    assertTrue(flipped.sharesStorage(x));
    assertEquals(12 + 4 * 2 + 3, flipped.get(1, 0, 3), 0.0);
    assertEquals(4 * 0 + 1, flipped.get(0, 2, 1), 0.0);
  }

  @Test
  void transposesPermutesAndDiagonalsAreViews() {
    Tensor x = cube();
    Tensor p = x.permute(2, 0, 1); // p[k, i, j] = x[i, j, k]
    assertTrue(p.sharesStorage(x));
    assertEquals(Shape.of(4, 2, 3), p.shape());
    double[] values = p.toArray();
    int n = 0;
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(12 * i + 4 * j + k, values[n++], 0.0);
        }
      }
    }
    Tensor m = Tensor.arange(0, 9, 1).reshape(3, 3);
    Tensor d = m.diagonal(); // 0, 4, 8
    assertTrue(d.sharesStorage(m));
    assertArrayEquals(new double[] {0, 4, 8}, d.toArray(), 0.0);
    assertArrayEquals(new double[] {0, 3, 6, 1, 4, 7, 2, 5, 8}, m.transpose().toArray(), 0.0);
  }

  @Test
  void broadcastsAndFillsReadOneValueWithStrideZero() {
    Tensor v = Tensor.of(1.0, 2.0, 3.0);
    Tensor b = v.broadcastTo(Shape.of(4, 3));
    assertTrue(b.sharesStorage(v));
    assertArrayEquals(new int[] {0, 1}, b.strides());
    assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, b.toArray(), 0.0);
    Tensor zeros = Tensor.zeros(1000, 500);
    assertEquals(1, zeros.storage().length(), "500 000 zeros are one stored value");
    assertEquals(500_000, zeros.size());
    assertEquals(0.0, zeros.sum().item(), 0.0);
    Tensor full = Tensor.full(0.25, 300, 40);
    assertEquals(1, full.storage().length());
    assertEquals(0.25 * 12_000, full.sum().item(), 0.0);
    assertEquals(1, Tensor.fullBoolean(true, 10, 10).storage().length());
    assertTrue(Tensor.fullBoolean(true, 10, 10).all());
    // a fill reshaped stays one value
    assertEquals(1, Tensor.ones(6, 4).reshape(3, 8).storage().length());
  }

  @Test
  void reshapesAreViewsWhenStridesCanExpressThemAndCopiesOtherwise() {
    Tensor x = cube();
    Tensor flat = x.reshape(-1);
    assertTrue(flat.sharesStorage(x));
    // a transpose whose merged axes are still contiguous: [2, 3, 4] -> [4, 2, 3] -> merge the
    // last two axes, which follow each other in memory
    Tensor p = x.permute(2, 0, 1).reshape(4, 6);
    assertTrue(p.sharesStorage(x));
    // merging axes that do not follow each other cannot be a view
    Tensor t = x.transpose(0, 2).reshape(4, 6); // [4, 3, 2] merged to [4, 6]
    assertFalse(t.sharesStorage(x));
    double[] tv = t.toArray();
    int n = 0;
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 2; i++) {
          assertEquals(12 * i + 4 * j + k, tv[n++], 0.0);
        }
      }
    }
    // size-1 axes take any stride: a column of a matrix reshaped around them is still a view
    Tensor col = Tensor.arange(0, 12, 1).reshape(3, 4).slice(1, 1, 2); // [3, 1]
    Tensor col2 = col.reshape(1, 3, 1);
    assertTrue(col2.sharesStorage(col));
    assertArrayEquals(new double[] {1, 5, 9}, col2.toArray(), 0.0);
  }

  @Test
  void arangeUpToTheTableIsAViewOfOneConstantTable() {
    Tensor a = Tensor.arange(1024);
    Tensor b = Tensor.arange(512);
    assertTrue(a.sharesStorage(b));
    assertEquals(511.0, b.get(511), 0.0);
    Tensor big = Tensor.arange(20_000);
    assertFalse(big.sharesStorage(a));
    assertEquals(19_999.0, big.get(19_999), 0.0);
  }

  @Test
  void kernelsReadStridedOperandsInPlace() {
    Tensor x = cube();
    Tensor a = x.slice(2, 1, 4, 2); // [2, 3, 2], strided
    Tensor b = x.permute(0, 2, 1).slice(1, 0, 2); // [2, 2, 3], transposed inner axes
    Tensor sum = a.add(b.transpose(1, 2)); // both [2, 3, 2]
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          double av = 12 * i + 4 * j + (2 * k + 1);
          double bv = 12 * i + 4 * j + k;
          assertEquals(av + bv, sum.get(i, j, k), 0.0);
        }
      }
    }
    assertEquals(Shape.of(2, 3, 2), a.mul(b.transpose(1, 2)).exp().log().shape());
  }

  @Test
  void recordingOrNotAViewIsTheSameView() {
    Tensor y = Tensor.arange(0, 5000, 1).reshape(50, 100);
    Tensor recorded = Autodiff.valueAndGrad(p -> p.get("y").select(0, 3).sum(),
        java.util.Map.of("y", y)).value();
    Tensor plain = Autodiff.noGrad(() -> y.select(0, 3));
    assertTrue(plain.sharesStorage(y));
    assertTrue(y.select(0, 3).sharesStorage(y));
    assertEquals(300 * 100 + 4950, recorded.item(), 0.0);
  }

  @Test
  void aViewIsSerializedAsItsOwnValues() throws Exception {
    Tensor big = Tensor.arange(0, 100_000, 1);
    Tensor row = big.reshape(1000, 100).select(0, 7);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(row);
    }
    assertTrue(bytes.size() < 4000, "100 doubles, not the 100 000 of the storage");
    Tensor back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Tensor) in.readObject();
    }
    assertEquals(row.shape(), back.shape());
    assertArrayEquals(row.toArray(), back.toArray(), 0.0);
    assertTrue(back.isContiguous());
    // a shape read back derives its layout again: a buffer of it gives a right view
    Shape shape;
    bytes.reset();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(Shape.of(2, 3));
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      shape = (Shape) in.readObject();
    }
    assertArrayEquals(new int[] {3, 1}, OwnedBuffer.zeros(shape).view().strides());
  }
}
