// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ember.autodiff.Autodiff;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gathers of untracked tensors kept with them: the same result for the same gather only. */
class GatherMemoTest {
  private static Tensor data() {
    return FusedDensitiesTest.values(4, 20, 300); // rows of 300 elements
  }

  @Test
  void theSameGatherOfAnUntrackedTensorIsMadeOnce() {
    Tensor y = data();
    Tensor rest = y.slice(0, 1, 20);
    assertSame(rest, y.slice(0, 1, 20));
    Tensor row = y.select(0, 3);
    assertSame(row, y.select(0, 3));
    assertNotSame(row, y.select(0, 4));
    assertArrayEquals(y.select(0, 4).toArray(), Tensor.of(y.toArray(), 20, 300).select(0, 4)
        .toArray(), 0.0);
    // more distinct gathers than are kept: all still right
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(java.util.Arrays.copyOfRange(y.toArray(), i * 300, (i + 2) * 300),
            y.slice(0, i, i + 2).toArray(), 0.0);
      }
    }
    // a stack of the kept rows is still recognized as the base's rows
    Tensor[] rows = new Tensor[20];
    for (int i = 0; i < 20; i++) {
      rows[i] = y.select(0, i);
    }
    assertArrayEquals(y.toArray(), Tensor.stack(0, rows).toArray(), 0.0);
  }

  @Test
  void trackedAndSmallGathersAreNotKept() {
    Tensor small = FusedDensitiesTest.values(4, 4, 8);
    assertNotSame(small.select(0, 1), small.select(0, 1));
    assertNull(small.gathers);
    Autodiff.valueAndGrad(q -> {
      Tensor x = q.get("x");
      assertNotSame(x.slice(0, 1, 20), x.slice(0, 1, 20));
      return x.slice(0, 1, 20).sum();
    }, Map.of("x", data()));
  }
}
