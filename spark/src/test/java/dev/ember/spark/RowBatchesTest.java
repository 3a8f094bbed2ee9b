// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.SequenceBatch;
import dev.ember.spark.ShardEngine.CovariateKind;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch read in place from a partition's storage, or from a list of rows, is the batch that
 * {@link SequenceBatch#of} lays out from the rows' arrays, padded by hand to the longer length:
 * values, observed, lengths, and both kinds of covariate, bit for bit, over rows that straddle
 * the storage's chunks and a number of rows that is no multiple of the copy's blocks.
 */
class RowBatchesTest {

  private static final Map<String, CovariateKind> KINDS = kinds();

  private static Map<String, CovariateKind> kinds() {
    Map<String, CovariateKind> k = new LinkedHashMap<>();
    k.put("x", CovariateKind.PER_STEP);
    k.put("w", CovariateKind.PER_SERIES);
    return k;
  }

  /** 3 000 rows of 17 to 40 steps: about 86 000 values, so two chunks of storage. */
  private static List<SequenceRow> rows() {
    List<SequenceRow> out = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      int t = 17 + (i * 7) % 24;
      double[] v = new double[t];
      double[] x = new double[t];
      for (int s = 0; s < t; s++) {
        v[s] = Math.sin(i * 0.37 + s) * 1e3 + s; // no two values alike
        x[s] = -i - 0.001 * s;
      }
      out.add(new SequenceRow(10L * i + 3, v, Map.of("x", x, "w", new double[] {i, -i, 0.5})));
    }
    return out;
  }

  /** The reference: SequenceBatch.of on the rows' arrays, padded to {@code minSteps} by hand. */
  private static SequenceBatch reference(List<SequenceRow> rows, long n, int minSteps) {
    int b = rows.size();
    long[] ids = new long[b];
    double[][] v = new double[b][];
    int longest = 0;
    for (int i = 0; i < b; i++) {
      ids[i] = rows.get(i).id();
      v[i] = rows.get(i).values();
      longest = Math.max(longest, v[i].length);
    }
    int t = Math.max(longest, minSteps);
    double[][] padded = new double[b][];
    double[] x = new double[t * b];
    double[] w = new double[b * 3];
    for (int i = 0; i < b; i++) {
      padded[i] = new double[t]; // zeros past the row's end
      System.arraycopy(v[i], 0, padded[i], 0, v[i].length);
      double[] xi = rows.get(i).covariates().get("x");
      for (int s = 0; s < xi.length; s++) {
        x[s * b + i] = xi[s];
      }
      System.arraycopy(rows.get(i).covariates().get("w"), 0, w, 3 * i, 3);
    }
    SequenceBatch unpadded = SequenceBatch.of(ids, v, n);
    SequenceBatch full = SequenceBatch.of(ids, padded, n);
    Map<String, Tensor> cov = Map.of("x", Tensor.of(x, t, b), "w", Tensor.of(w, b, 3));
    Tensor observed = Tensor.concat(0, unpadded.observed(),
        Tensor.fullBoolean(false, t - longest, b));
    return new SequenceBatch(ids, full.values(), observed, unpadded.lengths(), cov, n);
  }

  private static void assertSameBatch(SequenceBatch want, SequenceBatch got) {
    assertArrayEquals(want.ids(), got.ids());
    assertEquals(want.values().shape(), got.values().shape());
    assertArrayEquals(want.values().toArray(), got.values().toArray(), 0.0);
    assertArrayEquals(want.observed().toArray(), got.observed().toArray(), 0.0);
    assertTrue(got.observed().isBool());
    assertArrayEquals(want.lengths(), got.lengths());
    assertEquals(want.covariates().keySet(), got.covariates().keySet());
    for (String c : want.covariates().keySet()) {
      assertEquals(want.covariates().get(c).shape(), got.covariates().get(c).shape(), c);
      assertArrayEquals(want.covariates().get(c).toArray(), got.covariates().get(c).toArray(),
          0.0, c);
    }
    assertEquals(want.totalSeries(), got.totalSeries());
  }

  @Test
  void storedAndListedRowsMakeTheBatchOfTheirArrays() {
    List<SequenceRow> all = rows();
    PartitionRows.Builder builder = new PartitionRows.Builder(List.of("x", "w"));
    all.forEach(builder::add);
    PartitionRows stored = builder.build();
    // every third row, and those that straddle two chunks of storage
    List<Integer> picked = new ArrayList<>();
    int straddling = 0;
    DoubleChunks chunks = stored.storedValues();
    for (int r = 0; r < all.size(); r++) {
      int from = stored.valuesStart(r);
      boolean straddles = chunks.chunkOf(from) != chunks.chunkOf(from + stored.length(r) - 1);
      straddling += straddles ? 1 : 0;
      if (r % 3 == 2 || straddles) {
        picked.add(r);
      }
    }
    assertEquals(1, straddling, "the row that straddles the boundary of the two chunks");
    assertTrue(picked.size() % 8 != 0, "a last block of fewer than 8 rows");
    int[] at = picked.stream().mapToInt(Integer::intValue).toArray();
    List<SequenceRow> rows = new ArrayList<>();
    for (int r : at) {
      rows.add(all.get(r));
    }
    for (int minSteps : new int[] {0, 40, 52}) {
      SequenceBatch want = reference(rows, 5000, minSteps);
      assertSameBatch(want, RowBatches.of(RowBatches.stored(stored, at), KINDS, 5000, minSteps));
      assertSameBatch(want, RowBatches.of(RowBatches.listed(rows), KINDS, 5000, minSteps));
    }
    // through the engine, from rows in any order
    ShardEngine engine = new ShardEngine(SparkSviTest.svi(), "series", KINDS);
    List<SequenceRow> reversed = new ArrayList<>(rows);
    java.util.Collections.reverse(reversed);
    assertSameBatch(reference(rows, 5000, 45), engine.batch(reversed, 5000, 45));
    assertSameBatch(reference(rows, 5000, 45), engine.batch(stored, at, 5000, 45));
  }

  @Test
  void badRowsAreNamed() {
    List<SequenceRow> rows = rows().subList(0, 3);
    PartitionRows.Builder builder = new PartitionRows.Builder(List.of("x", "w"));
    rows.forEach(builder::add);
    PartitionRows stored = builder.build();
    IllegalArgumentException descending = assertThrows(IllegalArgumentException.class,
        () -> RowBatches.stored(stored, new int[] {0, 2, 1}));
    assertEquals("a batch's rows: position 1 after 2; positions must ascend (a batch puts its "
        + "rows in id order)", descending.getMessage());
    List<SequenceRow> shortCovariate = List.of(rows.get(0), new SequenceRow(13, new double[] {1, 2,
        3}, Map.of("x", new double[] {1, 2}, "w", new double[] {0, 0, 0})));
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
        () -> RowBatches.of(RowBatches.listed(shortCovariate), KINDS, 10, 0));
    assertEquals("series id 13: per-step covariate 'x' has 2 values but the sequence has 3 "
        + "steps; a per-step covariate needs one value per step", mismatch.getMessage());
    List<SequenceRow> longerVector = List.of(rows.get(0), new SequenceRow(13, new double[] {1},
        Map.of("x", new double[] {1}, "w", new double[] {0, 0, 0, 0})));
    IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
        () -> RowBatches.of(RowBatches.listed(longerVector), KINDS, 10, 0));
    assertEquals("series id 13: per-series covariate 'w' has 4 values but series id 3's has 3; "
        + "every series needs the same number", vector.getMessage());
    IllegalArgumentException noRows = assertThrows(IllegalArgumentException.class,
        () -> RowBatches.of(RowBatches.listed(List.of()), KINDS, 10, 0));
    assertEquals("SequenceBatch: needs at least one sequence", noRows.getMessage());
    List<SequenceRow> empty = List.of(new SequenceRow(4, new double[0], Map.of("x",
        new double[0], "w", new double[] {0, 0, 0})));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> RowBatches.of(RowBatches.listed(empty), KINDS, 10, 0));
    assertEquals("SequenceBatch: sequence of id 4 is empty; every sequence needs a value",
        none.getMessage());
  }
}
