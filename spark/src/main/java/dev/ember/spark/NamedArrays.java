// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float64 arrays as bytes: the binary part of a checkpoint (params and optimizer moments),
 * in a layout any language reads with a few lines. All integers are 32-bit and all numbers
 * big-endian:
 *
 * <pre>
 *   8 bytes   magic "EMBERARR"
 *   int32     layout version (1)
 *   int32     number of arrays
 *   per array, in order:
 *     int32            length of the name in bytes, then the name in UTF-8
 *     int32            rank r, then r int32 dimensions
 *     numel x float64  the values in row-major order, IEEE 754 bits
 * </pre>
 *
 * <pre>{@code
 * byte[] bytes = NamedArrays.write(Map.of("param/phi", Tensor.scalar(0.8)));
 * Map<String, Tensor> back = NamedArrays.read(bytes);   // bit for bit, in the same order
 * }</pre>
 */
final class NamedArrays {
  private NamedArrays() {}

  private static final byte[] MAGIC = "EMBERARR".getBytes(StandardCharsets.US_ASCII);
  private static final int LAYOUT = 1;

  /** The arrays as bytes, in the map's order. */
  static byte[] write(Map<String, Tensor> arrays) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(LAYOUT);
      out.writeInt(arrays.size());
      for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
        int[] dims = e.getValue().shape().toArray();
        out.writeInt(dims.length);
        for (int d : dims) {
          out.writeInt(d);
        }
        for (double v : e.getValue().toArray()) {
          out.writeLong(Double.doubleToRawLongBits(v)); // every bit: -0.0 and NaN payloads too
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreachable: a byte array stream does not fail", e);
    }
    return bytes.toByteArray();
  }

  /**
   * The arrays in {@code bytes}, in their order.
   *
   * @throws IOException saying what is wrong, if the bytes are not such a file (truncated,
   *     another layout, trailing bytes)
   */
  static Map<String, Tensor> read(byte[] bytes) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not an arrays file (no EMBERARR magic)");
      }
      int layout = in.readInt();
      if (layout != LAYOUT) {
        throw new IOException("arrays layout " + layout + ", expected " + LAYOUT);
      }
      int count = nonNegative(in.readInt(), "array count", bytes.length);
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[nonNegative(in.readInt(), "name length", bytes.length)];
        in.readFully(name);
        int[] dims = new int[nonNegative(in.readInt(), "rank", 64)];
        long numel = 1;
        for (int d = 0; d < dims.length; d++) {
          dims[d] = nonNegative(in.readInt(), "dimension", bytes.length);
          numel *= dims[d];
        }
        double[] values = new double[nonNegative(numel, "size", bytes.length / 8)];
        for (int v = 0; v < values.length; v++) {
          values[v] = Double.longBitsToDouble(in.readLong());
        }
        out.put(new String(name, StandardCharsets.UTF_8), Tensor.of(values, Shape.of(dims)));
      }
      if (in.read() >= 0) {
        throw new IOException("trailing bytes after " + count + " arrays");
      }
    } catch (java.io.EOFException e) {
      throw new IOException("truncated: it ends inside array " + (out.size() + 1), e);
    }
    return out;
  }

  private static int nonNegative(long v, String what, long max) throws IOException {
    if (v < 0 || v > max) {
      throw new IOException(what + " " + v + " is out of range");
    }
    return (int) v;
  }
}
