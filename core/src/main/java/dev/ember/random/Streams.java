// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import dev.ember.tensor.Shape;

/**
 * Where the elements of a sampler's output take their random words: element {@code i} (row-major
 * position in the output) owns the stream of some key at some index, and its draw {@code d} is
 * the Threefry block of the counter {@code (d, index)} under that key.
 *
 * <ul>
 *   <li>{@link #of(RngKey, Shape, String) A plain key}: the key itself, at index {@code i}.
 *   <li>A row-keyed draw ({@link RowKeys}), output {@code [outer, B, inner]} around the rows'
 *       axis: element {@code (o, r, k)} uses the key of row {@code r}, {@code base.foldIn(id(r))},
 *       at index {@code o * inner + k}, its position in the row's sub-tensor. The row keys are
 *       derived once per call, as one SIMD pass; the draws of a block of elements are one SIMD
 *       pass with a key per lane. Elements stay in output order, so the samplers' loops, their
 *       parameters and their output are those of a plain draw.
 * </ul>
 *
 * <p>Not thread-safe: one instance serves one sampler call.
 */
abstract class Streams {
  private Streams() {}

  /**
   * The streams of a draw of {@code shape} under {@code key}.
   *
   * @throws IllegalArgumentException if the key carries rows that are unplaced or do not fit the
   *     shape (the message names {@code sampler})
   */
  static Streams of(RngKey key, Shape shape, String sampler) {
    RowKeys rows = key.rows();
    return rows == null ? new Plain(key) : new Rows(key, rows, shape, sampler);
  }

  /** The streams of a plain key, {@code key} at index {@code i}. */
  static Streams plain(RngKey key) {
    return new Plain(key);
  }

  /** Draw {@code draw} of elements {@code start .. start + len - 1} into {@code y0}, {@code y1}. */
  abstract void fill(int draw, int start, int len, int[] y0, int[] y1);

  /** The stream of element {@code i}, positioned at draw {@code firstDraw}. */
  abstract ElementStream stream(int i, int firstDraw);

  /** Runs up to this length take their blocks one at a time: the array passes cost more. */
  private static final int SHORT_RUN = 4;

  private static final class Plain extends Streams {
    private final int k0;
    private final int k1;

    Plain(RngKey key) {
      k0 = key.word0();
      k1 = key.word1();
    }

    @Override
    void fill(int draw, int start, int len, int[] y0, int[] y1) {
      if (len <= SHORT_RUN) {
        for (int j = 0; j < len; j++) {
          long b = Threefry.threefry2x32(k0, k1, draw, start + j);
          y0[j] = Threefry.word0(b);
          y1[j] = Threefry.word1(b);
        }
      } else {
        Threefry.blocks(k0, k1, draw, start, len, y0, y1);
      }
    }

    @Override
    ElementStream stream(int i, int firstDraw) {
      return new ElementStream(k0, k1, i, firstDraw);
    }
  }

  private static final class Rows extends Streams {
    private final int rows;
    private final int inner;
    /** The words of each row's key, and the Skein parity word of each. */
    private final int[] rowK0;
    private final int[] rowK1;
    private final int[] rowK2;
    /** Per lane of the current block: its key's words and its index in that key's stream. */
    private int[] k0 = new int[0];
    private int[] k1 = new int[0];
    private int[] k2 = new int[0];
    private int[] index = new int[0];
    /** The block the lanes hold, so that a sampler's several draws of one block share them. */
    private int laneStart = -1;
    private int laneLen = -1;

    Rows(RngKey key, RowKeys rk, Shape shape, String sampler) {
      int axis = rk.axis(shape, sampler);
      rows = rk.size();
      int in = 1;
      for (int i = axis + 1; i < shape.rank(); i++) {
        in *= shape.dim(i);
      }
      inner = in;
      // the row keys base.foldIn(id): the blocks of the counters (hi32(id), lo32(id))
      long[] ids = rk.idsShared();
      int[] x0 = new int[rows];
      int[] x1 = new int[rows];
      for (int r = 0; r < rows; r++) {
        x0[r] = (int) (ids[r] >>> 32);
        x1[r] = (int) ids[r];
      }
      rowK0 = new int[rows];
      rowK1 = new int[rows];
      rowK2 = new int[rows];
      Threefry.blocksAt(key.word0(), key.word1(), x0, x1, rows, rowK0, rowK1);
      for (int r = 0; r < rows; r++) {
        rowK2[r] = Threefry.PARITY ^ rowK0[r] ^ rowK1[r];
      }
    }

    @Override
    void fill(int draw, int start, int len, int[] y0, int[] y1) {
      int perOuter = rows * inner;
      int o = start / perOuter;
      int rem = start - o * perOuter;
      int r = rem / inner;
      int k = rem - r * inner;
      if (k + len <= inner) { // the block lies in one row: consecutive indices of one key
        Threefry.blocks(rowK0[r], rowK1[r], draw, o * inner + k, len, y0, y1);
        return;
      }
      if (start != laneStart || len != laneLen) {
        lanes(len, o, r, k);
        laneStart = start;
        laneLen = len;
      }
      Threefry.keyedBlocks(k0, k1, k2, draw, index, len, y0, y1);
    }

    /**
     * Fills {@code len} lanes from the element {@code (o, r, k)} on, one run of a row at a time
     * (a run of consecutive rows at a time when each row has one element per {@code o}).
     */
    private void lanes(int len, int o, int r, int k) {
      if (k0.length < len) {
        k0 = new int[len];
        k1 = new int[len];
        k2 = new int[len];
        index = new int[len];
      }
      int base = o * inner; // the index of (o, r, 0) in its row
      int j = 0;
      if (inner == 1) {
        while (j < len) {
          int run = Math.min(rows - r, len - j);
          System.arraycopy(rowK0, r, k0, j, run);
          System.arraycopy(rowK1, r, k1, j, run);
          System.arraycopy(rowK2, r, k2, j, run);
          java.util.Arrays.fill(index, j, j + run, base);
          j += run;
          r = 0;
          base++;
        }
        return;
      }
      while (j < len) {
        int run = Math.min(inner - k, len - j);
        int a0 = rowK0[r];
        int a1 = rowK1[r];
        int a2 = rowK2[r];
        int first = base + k;
        for (int t = 0; t < run; t++) {
          k0[j + t] = a0;
          k1[j + t] = a1;
          k2[j + t] = a2;
          index[j + t] = first + t;
        }
        j += run;
        k = 0;
        if (++r == rows) {
          r = 0;
          base += inner;
        }
      }
    }

    @Override
    ElementStream stream(int i, int firstDraw) {
      int perOuter = rows * inner;
      int o = i / perOuter;
      int rem = i - o * perOuter;
      int r = rem / inner;
      int k = rem - r * inner;
      return new ElementStream(rowK0[r], rowK1[r], o * inner + k, firstDraw);
    }
  }
}
