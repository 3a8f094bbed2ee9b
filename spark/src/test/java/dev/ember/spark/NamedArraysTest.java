// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binary arrays of a checkpoint: bit for bit back, in order; a damaged file is named. */
class NamedArraysTest {

  private static Map<String, Tensor> arrays() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("param/phi", Tensor.scalar(0.1 + 0.2));
    m.put("moment/phi/0", Tensor.of(new double[] {-0.0, Double.MIN_VALUE, Double.NaN,
        Double.longBitsToDouble(0x7ff0000000000123L), Double.NEGATIVE_INFINITY, 1e308}, 2, 3));
    m.put("param/π w", Tensor.of(new double[0], 0, 4));
    return m;
  }

  @Test
  void readsBackBitForBitInOrder() throws IOException {
    byte[] bytes = NamedArrays.write(arrays());
    Map<String, Tensor> back = NamedArrays.read(bytes);
    assertEquals(List.copyOf(arrays().keySet()), List.copyOf(back.keySet()));
    for (Map.Entry<String, Tensor> e : arrays().entrySet()) {
      Tensor b = back.get(e.getKey());
      assertEquals(e.getValue().shape(), b.shape());
      assertArrayEquals(Arrays.stream(e.getValue().toArray()).mapToLong(Double::doubleToRawLongBits)
          .toArray(), Arrays.stream(b.toArray()).mapToLong(Double::doubleToRawLongBits).toArray());
    }
    // the documented layout: magic, layout 1, 3 arrays, the first named "param/phi"
    assertEquals("EMBERARR", new String(bytes, 0, 8, "US-ASCII"));
    assertEquals(1, bytes[11]);
    assertEquals(3, bytes[15]);
    assertEquals(9, bytes[19]);
  }

  @Test
  void aDamagedFileIsRefusedSayingHow() {
    byte[] bytes = NamedArrays.write(arrays());
    IOException cut = assertThrows(IOException.class,
        () -> NamedArrays.read(Arrays.copyOf(bytes, bytes.length - 3)));
    assertTrue(cut.getMessage().startsWith("truncated: it ends inside array 3"), cut.getMessage());
    IOException longer = assertThrows(IOException.class,
        () -> NamedArrays.read(Arrays.copyOf(bytes, bytes.length + 1)));
    assertEquals("trailing bytes after 3 arrays", longer.getMessage());
    assertThrows(IOException.class, () -> NamedArrays.read(new byte[0]));
    byte[] other = bytes.clone();
    other[0] = 'X';
    assertEquals("not an arrays file (no EMBERARR magic)",
        assertThrows(IOException.class, () -> NamedArrays.read(other)).getMessage());
  }
}
