// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.junit.jupiter.api.Test;

/** Rows stored flat come back as they went in, sorted by id, whatever order they were added in. */
class PartitionRowsTest {

  static List<SequenceRow> rows() {
    List<SequenceRow> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int t = 1 + i % 4;
      double[] v = new double[t];
      double[] x = new double[t];
      for (int s = 0; s < t; s++) {
        v[s] = i + 0.1 * s;
        x[s] = -i * s;
      }
      out.add(new SequenceRow(-500 + 37L * i, v, Map.of("x", x, "w", new double[] {i, 1})));
    }
    return out;
  }

  static PartitionRows build(List<SequenceRow> rows) {
    PartitionRows.Builder b = new PartitionRows.Builder(List.of("x", "w"));
    rows.forEach(b::add);
    return b.build();
  }

  @Test
  void rowsComeBackSortedByIdFromAnyOrder() {
    List<SequenceRow> ascending = rows();
    List<SequenceRow> shuffled = new ArrayList<>(ascending);
    shuffled.sort(java.util.Comparator.comparingLong(r -> EpochKeys.hash(3, 0, r.id())));
    List<SequenceRow> descending = new ArrayList<>(ascending);
    Collections.reverse(descending);
    for (List<SequenceRow> order : List.of(ascending, shuffled, descending)) {
      PartitionRows pr = build(order);
      assertEquals(40, pr.size());
      for (int i = 0; i < 40; i++) {
        SequenceRow want = ascending.get(i);
        SequenceRow got = pr.row(i);
        assertEquals(want.id(), got.id());
        assertEquals(i, pr.position(want.id()));
        assertEquals(want.values().length, pr.length(i));
        assertArrayEquals(want.values(), got.values(), 0.0);
        assertArrayEquals(want.covariates().get("x"), got.covariates().get("x"), 0.0);
        assertArrayEquals(want.covariates().get("w"), got.covariates().get("w"), 0.0);
      }
      assertTrue(pr.position(12345) < 0);
      assertEquals(List.of(ascending.get(5).id(), ascending.get(2).id()),
          pr.rows(new int[] {5, 2}, 0, 2).stream().map(SequenceRow::id).toList());
    }
  }

  /**
   * Chunks that grow from 4 to 16 doubles hold what was appended, in arrays of every length
   * (empty, within a chunk, across several), and give back any range of it.
   */
  @Test
  void growingChunksGiveBackEveryRange() {
    java.util.Random random = new java.util.Random(8);
    DoubleChunks chunks = new DoubleChunks(4, 16);
    double[] all = new double[0];
    for (int a = 0; a < 40; a++) {
      double[] v = new double[random.nextInt(a % 7 == 0 ? 40 : 6)];
      for (int k = 0; k < v.length; k++) {
        v[k] = random.nextGaussian();
      }
      chunks.append(v);
      double[] grown = java.util.Arrays.copyOf(all, all.length + v.length);
      System.arraycopy(v, 0, grown, all.length, v.length);
      all = grown;
      assertEquals(all.length, chunks.size());
      assertArrayEquals(all, chunks.toArray(), 0.0);
    }
    for (int from = 0; from <= all.length; from += 3) {
      for (int len = 0; from + len <= all.length; len += 1 + len / 2) {
        double[] got = new double[len + 2];
        chunks.copyTo(from, got, 1, len);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, from, from + len),
            java.util.Arrays.copyOfRange(got, 1, len + 1), 0.0, from + " + " + len);
        assertEquals(0.0, got[0]);
        assertEquals(0.0, got[len + 1]);
        // the same range appended to chunks of other sizes, chunk to chunk
        DoubleChunks other = new DoubleChunks(3, 8);
        other.append(new double[] {-1.0});
        other.append(chunks, from, len);
        double[] want = new double[len + 1];
        want[0] = -1.0;
        System.arraycopy(all, from, want, 1, len);
        assertArrayEquals(want, other.toArray(), 0.0, "appended " + from + " + " + len);
      }
    }
  }

  @Test
  void rowsStraddlingChunksComeBackWhole() {
    // rows of 1000 values: chunk boundaries fall inside rows, past the chunks' growth (the first
    // chunks of 2^15 .. 2^19 doubles hold 31 * 2^15) into the second chunk of the largest size
    int past = 31 * DoubleChunks.FIRST_CHUNK
        + 3 * DoubleChunks.LARGEST_CHUNK / 2;
    List<SequenceRow> rows = new ArrayList<>();
    for (int i = 0; i < past / 1000 + 1; i++) {
      double[] v = new double[1000];
      for (int s = 0; s < v.length; s++) {
        v[s] = i * 1000.0 + s;
      }
      rows.add(new SequenceRow(1000 - i, v, Map.of("x", v, "w", new double[] {i, 1})));
    }
    PartitionRows pr = build(rows); // descending ids: the reordering path
    List<SequenceRow> ascending = new ArrayList<>(rows);
    Collections.reverse(ascending);
    PartitionRows inOrder = build(ascending);
    for (int i = 0; i < rows.size(); i++) {
      SequenceRow want = ascending.get(i);
      assertArrayEquals(want.values(), pr.row(i).values(), 0.0);
      assertArrayEquals(want.values(), inOrder.row(i).values(), 0.0);
      assertArrayEquals(want.values(), inOrder.row(i).covariates().get("x"), 0.0);
    }
  }

  /**
   * Rows added straight from Spark's unsafe arrays are the rows added as {@link SequenceRow}s,
   * across the chunks' boundaries and growth; a row with a value or a covariate that is not finite
   * (at its start, in its middle, at its end, in a later chunk than its start) adds nothing, and
   * the rows after it are stored where they belong.
   */
  @Test
  void rowsFromUnsafeArraysAreTheRowsAndBadOnesAddNothing() {
    int past = 31 * DoubleChunks.FIRST_CHUNK + DoubleChunks.LARGEST_CHUNK;
    PartitionRows.Builder direct = new PartitionRows.Builder(List.of("x", "w"));
    List<SequenceRow> kept = new ArrayList<>();
    java.util.Random random = new java.util.Random(2);
    int rejected = 0;
    for (int i = 0; i < past / 700 + 2; i++) {
      double[] v = new double[700];
      for (int s = 0; s < v.length; s++) {
        v[s] = random.nextGaussian();
      }
      double[] x = v.clone();
      double[] w = {i, -0.0};
      boolean bad = i % 11 == 4 || i % 13 == 6;
      if (i % 11 == 4) {
        v[new int[] {0, 350, 699}[i % 3]] = i % 2 == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
      } else if (i % 13 == 6) {
        x[(i * 7) % 700] = Double.POSITIVE_INFINITY;
      }
      boolean added = direct.addUnsafe(1000L - i, UnsafeArrayData.fromPrimitiveArray(v),
          new UnsafeArrayData[] {UnsafeArrayData.fromPrimitiveArray(x),
              UnsafeArrayData.fromPrimitiveArray(w)});
      assertEquals(!bad, added, "row " + i);
      if (bad) {
        rejected++;
      } else {
        kept.add(new SequenceRow(1000L - i, v, Map.of("x", x, "w", w)));
      }
    }
    assertTrue(rejected > 10);
    assertEquals(kept.size(), direct.size());
    PartitionRows got = direct.build();
    PartitionRows want = build(kept);
    // the rows keep every chunk whole but the last, trimmed to what it holds
    DoubleChunks stored = got.storedValues();
    int last = stored.chunkCount() - 1;
    assertEquals(stored.chunkUsed(last), stored.chunk(last).length);
    assertEquals(stored.size(), stored.chunkStart(last) + stored.chunk(last).length);
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.id(i), got.id(i));
      assertArrayEquals(want.row(i).values(), got.row(i).values(), 0.0);
      assertArrayEquals(want.covariate(0, i), got.covariate(0, i), 0.0);
      assertArrayEquals(want.covariate(1, i), got.covariate(1, i), 0.0);
    }
  }
}
