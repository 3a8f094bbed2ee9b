// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fingerprint depends on the rows, not on their order or grouping, and on every bit of them. */
class DataFingerprintTest {

  static List<SequenceRow> rows() {
    List<SequenceRow> rows = new ArrayList<>();
    for (long id = 0; id < 20; id++) {
      rows.add(new SequenceRow(id * 7 + 3, new double[] {id, 0.5 * id, -1.25},
          Map.of("w", new double[] {id % 3, 1.0}, "x", new double[] {2.0, 0.0, id})));
    }
    return rows;
  }

  static DataFingerprint of(List<SequenceRow> rows) {
    DataFingerprint f = DataFingerprint.empty();
    for (SequenceRow r : rows) {
      f = f.add(r);
    }
    return f;
  }

  @Test
  void orderAndGroupingDoNotMatter() {
    List<SequenceRow> rows = rows();
    DataFingerprint whole = of(rows);
    assertEquals(20, whole.series());
    List<SequenceRow> shuffled = new ArrayList<>(rows);
    Collections.reverse(shuffled);
    Collections.swap(shuffled, 3, 11);
    assertEquals(whole, of(shuffled));
    // split into three "partitions", merged in another order, with empty parts on both sides
    DataFingerprint a = of(rows.subList(0, 7));
    DataFingerprint b = of(rows.subList(7, 8));
    DataFingerprint c = of(rows.subList(8, 20));
    assertEquals(whole, DataFingerprint.empty().merge(c).merge(a.merge(b)).merge(DataFingerprint.empty()));
  }

  @Test
  void everyPartOfARowCounts() {
    List<SequenceRow> rows = rows();
    DataFingerprint base = of(rows);
    SequenceRow r = rows.get(5);
    List<SequenceRow> changed = new ArrayList<>(rows);

    changed.set(5, new SequenceRow(r.id() + 1, r.values(), r.covariates()));
    assertNotEquals(base, of(changed), "another id");

    double[] v = r.values().clone();
    v[1] = Math.nextUp(v[1]);
    changed.set(5, new SequenceRow(r.id(), v, r.covariates()));
    assertNotEquals(base, of(changed), "one value one ulp away");

    changed.set(5, new SequenceRow(r.id(), new double[] {v[0], v[1]}, r.covariates()));
    assertNotEquals(base, of(changed), "a shorter series");

    changed.set(5, new SequenceRow(r.id(), r.values(),
        Map.of("w", new double[] {9.0, 1.0}, "x", r.covariates().get("x"))));
    assertNotEquals(base, of(changed), "another covariate value");

    changed.set(5, new SequenceRow(r.id(), r.values(),
        Map.of("v", r.covariates().get("w"), "x", r.covariates().get("x"))));
    assertNotEquals(base, of(changed), "a covariate under another name");

    changed.set(5, r);
    changed.add(r);
    assertNotEquals(base, of(changed), "a duplicated row");
    assertEquals(21, of(changed).series());
  }

  @Test
  void textNamesTheCountAndTheHash() {
    DataFingerprint f = of(rows());
    assertEquals(String.format("20 series, hash %016x%016x", f.lane0(), f.lane1()), f.text());
  }

  @Test
  void addingARowAddsItsHashInEachLane() {
    for (SequenceRow r : rows()) {
      DataFingerprint one = DataFingerprint.empty().add(r);
      assertEquals(DataFingerprint.rowHash(r, 0x243F6A8885A308D3L), one.lane0());
      assertEquals(DataFingerprint.rowHash(r, 0x13198A2E03707344L), one.lane1());
    }
    SequenceRow plain = new SequenceRow(5, new double[] {1.5, -2.0}, Map.of());
    assertEquals(DataFingerprint.rowHash(plain, 0x243F6A8885A308D3L),
        DataFingerprint.empty().add(plain).lane0());
  }

  /**
   * A partition's fingerprint read in place, four rows of one length at a time, is the rows'
   * fingerprint added one by one: for runs of equal lengths broken at every place, with and without
   * covariates (given out of name order).
   */
  @Test
  void aPartitionsRowsReadInPlaceGiveTheRowsFingerprint() {
    java.util.Random random = new java.util.Random(3);
    for (boolean covariates : new boolean[] {false, true}) {
      for (int n = 0; n <= 13; n++) {
        List<SequenceRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          // lengths in short runs: groups of four form, break and restart
          double[] v = new double[1 + (i / 3) % 2 + (i == 7 ? 2 : 0)];
          for (int k = 0; k < v.length; k++) {
            v[k] = random.nextGaussian();
          }
          Map<String, double[]> cov = new java.util.LinkedHashMap<>();
          if (covariates) {
            cov.put("z", new double[] {i, -i});
            cov.put("a", new double[] {random.nextGaussian()});
          }
          rows.add(new SequenceRow(i * 11L - 40, v, cov));
        }
        PartitionRows.Builder b = new PartitionRows.Builder(covariates ? List.of("z", "a")
            : List.of());
        List<SequenceRow> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, random);
        shuffled.forEach(b::add);
        assertEquals(of(rows), DataFingerprint.of(b.build()), n + " rows, covariates "
            + covariates);
      }
    }
  }

  /**
   * Rows that straddle the storage's chunks (rows of 900 to 1 100 values past the first chunks'
   * boundaries, in id order and not) give the rows' fingerprint too, and the summary of the
   * partition has the statistics of all their values.
   */
  @Test
  void rowsAcrossTheStoragesChunksGiveTheRowsFingerprint() {
    java.util.Random random = new java.util.Random(6);
    List<SequenceRow> rows = new ArrayList<>();
    ValueStats want = ValueStats.empty();
    for (int i = 0; i < 4 * DoubleChunks.FIRST_CHUNK / 1000; i++) {
      double[] v = new double[900 + (i % 3 == 0 ? 0 : 200 * (i % 2))];
      for (int k = 0; k < v.length; k++) {
        v[k] = random.nextGaussian();
      }
      rows.add(new SequenceRow(3L * i, v, Map.of()));
      want = want.add(v);
    }
    for (boolean shuffled : new boolean[] {false, true}) {
      List<SequenceRow> added = new ArrayList<>(rows);
      if (shuffled) {
        Collections.shuffle(added, random);
      }
      PartitionRows.Builder b = new PartitionRows.Builder(List.of());
      added.forEach(b::add);
      PartitionRows built = b.build();
      assertTrue(built.storedValues().chunkCount() > 2, "the rows fill several chunks");
      assertEquals(of(rows), DataFingerprint.of(built), "shuffled " + shuffled);
      DataSummary summary = DataSummary.empty().addAll(built, List.of());
      assertEquals(want.count(), summary.values().count());
      assertEquals(want.mean(), summary.values().mean(), 1e-12);
      assertEquals(want.sd(), summary.values().sd(), 1e-12);
    }
  }

  /**
   * Rows that end exactly at a chunk's end, a pair of equal rows whose second begins the next
   * chunk, and rows that straddle a boundary (the chunk that holds a row is found by moving on
   * from the previous row's) give the rows' fingerprint: rows of 8 values after a first row of
   * 24 fill the first chunk to its last value with an odd number of rows, so the pair that would
   * hold its last row and the next chunk's first is not formed; rows of 5 values then cross the
   * second chunk's end.
   */
  @Test
  void rowsAtTheChunksEndsGiveTheRowsFingerprint() {
    java.util.Random random = new java.util.Random(12);
    List<SequenceRow> rows = new ArrayList<>();
    int filled = 0;
    for (int i = 0; filled < 3 * DoubleChunks.FIRST_CHUNK + 40; i++) {
      int len = i == 0 ? 24 : filled < 2 * DoubleChunks.FIRST_CHUNK ? 8 : 5;
      double[] v = new double[len];
      for (int k = 0; k < len; k++) {
        v[k] = random.nextGaussian();
      }
      rows.add(new SequenceRow(2L * i + 1, v, Map.of()));
      filled += len;
    }
    PartitionRows.Builder b = new PartitionRows.Builder(List.of());
    rows.forEach(b::add);
    PartitionRows built = b.build();
    DoubleChunks stored = built.storedValues();
    assertEquals(DoubleChunks.FIRST_CHUNK, stored.chunkStart(1));
    assertEquals(1, (stored.chunkStart(1) - 24) / 8 % 2, "the first chunk ends with an odd number"
        + " of rows of 8");
    int straddling = 0;
    boolean beginsSecond = false;
    for (int i = 0; i < built.size(); i++) {
      int from = built.valuesStart(i);
      straddling += stored.chunkOf(from) != stored.chunkOf(from + built.length(i) - 1) ? 1 : 0;
      beginsSecond |= from == stored.chunkStart(1);
    }
    assertTrue(beginsSecond, "a row begins the second chunk");
    assertEquals(1, straddling, "a row of 5 straddles the second chunk's end");
    assertEquals(of(rows), DataFingerprint.of(built));
  }
}
