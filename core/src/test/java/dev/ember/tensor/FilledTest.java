// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Large tensors of one value share their array; every one still holds its value. */
class FilledTest {
  @Test
  void largeFilledTensorsShareTheirValuesAndSmallOnesDoNot() {
    Tensor a = Tensor.zeros(100, 50);
    Tensor b = Tensor.zeros(5000);
    assertSame(a.data, b.data);
    assertArrayEquals(new double[5000], b.toArray(), 0.0);
    Tensor c = Tensor.full(0.1, 100, 50);
    assertSame(c.data, Tensor.full(0.1, 5000).data);
    assertNotSame(c.data, Tensor.full(0.2, 100, 50).data);
    assertNotSame(Tensor.zeros(10).data, Tensor.zeros(10).data);
    for (double v : c.toArray()) {
      assertEquals(0.1, v, 0.0);
    }
    // many sizes and values, more than are kept: each right
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < 6; i++) {
        double value = i == 0 ? -0.0 : i * 0.5;
        Tensor t = Tensor.full(value, 4096 + i);
        assertEquals(4096 + i, t.size());
        for (double v : t.toArray()) {
          assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(v));
        }
      }
    }
    assertArrayEquals(new double[4100], Tensor.zeros(4100).toArray(), 0.0);
    assertEquals(8192.0, Tensor.ones(8192).sum().item(), 0.0);
  }
}
