// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static dev.ember.random.Stats.assertChiSquare;
import static dev.ember.random.Stats.assertKs;
import static dev.ember.random.Stats.assertMoments;
import static dev.ember.random.Stats.cdfOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.RegularizedGamma;
import org.junit.jupiter.api.Test;

/**
 * Row-keyed draws ({@link RowKeys}) against their definition, computed independently through plain
 * keys: row {@code r} of a draw is the plain draw of the row's sub-tensor under {@code
 * base.foldIn(id(r))}. Also: a row's values do not depend on the other rows of the batch, the
 * marginal distributions are unchanged, and misuse fails with a message that says what to do.
 */
class RowKeyedSamplersTest {
  private static final int N = 40_000;

  /**
   * Every sampler but permutation, with scalar parameters (both branches of the split ones).
   * Beta is separate: it splits its key first, so each of its gammas is row-keyed under a key
   * split from the base (split, then fold), not under a key split from the row's key.
   */
  private static Map<String, BiFunction<RngKey, Shape, Tensor>> samplers() {
    Map<String, BiFunction<RngKey, Shape, Tensor>> m = new LinkedHashMap<>();
    m.put("uniform", Samplers::uniform);
    m.put("uniform(lo, hi)", (k, s) -> Samplers.uniform(k, s, -1, 2));
    m.put("normal", Samplers::normal);
    m.put("exponential", Samplers::exponential);
    m.put("gamma", (k, s) -> Samplers.gamma(k, Tensor.scalar(0.7), s));
    m.put("gamma a >= 1", (k, s) -> Samplers.gamma(k, Tensor.scalar(3.0), s));
    m.put("bernoulli", (k, s) -> Samplers.bernoulli(k, Tensor.scalar(0.4), s));
    m.put("categorical", (k, s) -> Samplers.categorical(k, Tensor.of(0.0, 1.0, -1.0), s));
    m.put("poisson", (k, s) -> Samplers.poisson(k, Tensor.scalar(4), s));
    m.put("poisson PTRS", (k, s) -> Samplers.poisson(k, Tensor.scalar(400), s));
    m.put("binomial", (k, s) -> Samplers.binomial(k, Tensor.scalar(30), Tensor.scalar(0.2), s));
    m.put("binomial BTRS",
        (k, s) -> Samplers.binomial(k, Tensor.scalar(300), Tensor.scalar(0.6), s));
    m.put("randint", (k, s) -> Samplers.randint(k, s, -5, 1L << 40));
    return m;
  }

  /** The shape without {@code axis}. */
  private static Shape without(Shape s, int axis) {
    int[] d = new int[s.rank() - 1];
    for (int i = 0, j = 0; i < s.rank(); i++) {
      if (i != axis) {
        d[j++] = s.dim(i);
      }
    }
    return Shape.of(d);
  }

  /**
   * The definition: row {@code r}'s sub-tensor is a plain draw under {@code base.foldIn(ids[r])},
   * put back at index {@code r} of {@code axis}; {@code rowDraw(r, rowKey, rowShape)} draws it.
   */
  private static double[] byDefinition(
      RngKey base, long[] ids, Shape shape, int axis, RowDraw rowDraw) {
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape.dim(i);
    }
    int inner = shape.numel() / Math.max(1, outer * ids.length);
    double[] out = new double[shape.numel()];
    for (int r = 0; r < ids.length; r++) {
      double[] row = rowDraw.draw(r, base.foldIn(ids[r]), without(shape, axis)).toArray();
      for (int o = 0; o < outer; o++) {
        System.arraycopy(row, o * inner, out, (o * ids.length + r) * inner, inner);
      }
    }
    return out;
  }

  @FunctionalInterface
  private interface RowDraw {
    Tensor draw(int row, RngKey rowKey, Shape rowShape);
  }

  /**
   * Every sampler, with the rows leading, in the middle (sample axes before, event axes after)
   * and last, one element per row and several blocks per row (300 > 256 elements).
   */
  @Test
  void everySamplerDrawsEachRowFromItsOwnKey() {
    long[] ids = {17, 3, 40, 1L << 40, -9};
    RngKey base = RngKey.of(11);
    RngKey unplaced = base.withRows("series", ids);
    record Layout(Shape shape, int batchDim, int eventRank, int axis) {}
    Layout[] layouts = {
      new Layout(Shape.of(5), -1, 0, 0),
      new Layout(Shape.of(5, 300), -1, 1, 0),
      new Layout(Shape.of(3, 5, 2), -1, 1, 1),
      new Layout(Shape.of(2, 5), -1, 0, 1),
      new Layout(Shape.of(5, 4), -2, 0, 0),
      new Layout(Shape.of(2, 5, 3, 2), -2, 1, 1),
    };
    for (Map.Entry<String, BiFunction<RngKey, Shape, Tensor>> e : samplers().entrySet()) {
      for (Layout l : layouts) {
        RngKey key = unplaced.placeRows(l.batchDim(), l.eventRank());
        double[] got = e.getValue().apply(key, l.shape()).toArray();
        double[] want = byDefinition(base, ids, l.shape(), l.axis(),
            (r, k, s) -> e.getValue().apply(k, s));
        assertArrayEquals(want, got, 0.0, e.getKey() + " " + l);
      }
    }
  }

  /** Per-element parameters follow their elements into the rows (rows in the middle axis). */
  @Test
  void perElementParametersGoWithTheirRows() {
    long[] ids = {8, 2, 5, 1};
    RngKey base = RngKey.of(12);
    RngKey key = base.withRows("series", ids).placeRows(-1, 1); // rows at axis 1 of [3, 4, 2]
    Shape shape = Shape.of(3, 4, 2);
    double[] c = new double[24];
    double[] p = new double[24];
    for (int i = 0; i < 24; i++) {
      c[i] = 0.2 + 0.3 * i;
      p[i] = (i + 0.5) / 24;
    }
    Tensor conc = Tensor.of(c, shape);
    Tensor probs = Tensor.of(p, shape);
    Tensor rates = conc.mul(20.0);
    Tensor counts = Tensor.full(40.0, 3, 4, 2);
    Map<String, BiFunction<RngKey, Tensor[], Tensor>> withParams = new LinkedHashMap<>();
    withParams.put("gamma", (k, a) -> Samplers.gamma(k, a[0], a[0].shape()));
    withParams.put("bernoulli", (k, a) -> Samplers.bernoulli(k, a[1], a[1].shape()));
    withParams.put("poisson", (k, a) -> Samplers.poisson(k, a[2], a[2].shape()));
    withParams.put("binomial", (k, a) -> Samplers.binomial(k, a[3], a[1], a[1].shape()));
    Tensor[] all = {conc, probs, rates, counts};
    for (Map.Entry<String, BiFunction<RngKey, Tensor[], Tensor>> e : withParams.entrySet()) {
      double[] got = e.getValue().apply(key, all).toArray();
      double[] want = byDefinition(base, ids, shape, 1, (r, k, s) -> {
        Tensor[] row = new Tensor[all.length];
        for (int i = 0; i < all.length; i++) {
          row[i] = all[i].select(1, r); // [3, 2]
        }
        return e.getValue().apply(k, row);
      });
      assertArrayEquals(want, got, 0.0, e.getKey());
    }
    // categorical: one logits row per batch element, [3, 4] batch of [3, 4, K = 3] logits
    double[] l = new double[36];
    for (int i = 0; i < 36; i++) {
      l[i] = Math.sin(i);
    }
    Tensor logits = Tensor.of(l, 3, 4, 3);
    RngKey ck = base.withRows("series", ids).placeRows(-1, 0);
    double[] got = Samplers.categorical(ck, logits, Shape.of(3, 4)).toArray();
    double[] want = byDefinition(base, ids, Shape.of(3, 4), 1,
        (r, k, s) -> Samplers.categorical(k, logits.select(1, r), s));
    assertArrayEquals(want, got, 0.0, "categorical");
  }

  /**
   * Beta is X / (X + Y) of two gammas drawn under the two keys split from its key, each of them
   * row-keyed (the split keeps the rows), with per-element concentrations.
   */
  @Test
  void betaRowKeysItsTwoGammas() {
    RngKey key = RngKey.of(24).withRows("series", 6, 2, 9).placeRows(-1, 0);
    Shape shape = Shape.of(4, 3);
    Tensor a = Tensor.of(new double[] {0.3, 1.5, 4.0}); // per row
    Tensor b = Tensor.of(new double[] {2.0, 0.5, 1.0, 3.0}).reshape(4, 1); // per sample
    RngKey[] k = key.split(2);
    double[] x = Samplers.gamma(k[0], a, shape).toArray();
    double[] y = Samplers.gamma(k[1], b, shape).toArray();
    double[] got = Samplers.beta(key, a, b, shape).toArray();
    for (int i = 0; i < got.length; i++) {
      assertEquals(x[i] / (x[i] + y[i]), got[i], 1e-12 * Math.max(got[i], 1e-300), "at " + i);
    }
  }

  /** Row id 17 draws the same numbers in the batches [17], [3, 17, 40] and [40, 17]. */
  @Test
  void aRowsValuesDoNotDependOnTheOtherRows() {
    RngKey base = RngKey.of(13);
    long[][] batches = {{17}, {3, 17, 40}, {40, 17}};
    int[] at = {0, 1, 1};
    Map<String, BiFunction<RngKey, Shape, Tensor>> all = samplers();
    all.put("beta", (k, s) -> Samplers.beta(k, Tensor.scalar(0.7), Tensor.scalar(2), s));
    for (Map.Entry<String, BiFunction<RngKey, Shape, Tensor>> e : all.entrySet()) {
      Tensor first = null;
      for (int b = 0; b < batches.length; b++) {
        int rows = batches[b].length;
        RngKey key = base.withRows("series", batches[b]).placeRows(-1, 1);
        Tensor row = e.getValue().apply(key, Shape.of(2, rows, 3)).select(1, at[b]); // [2, 3]
        if (first == null) {
          first = row;
        } else {
          assertArrayEquals(first.toArray(), row.toArray(), 0.0, e.getKey() + " batch " + b);
        }
      }
    }
  }

  /** The rows are independent streams: N(0, 1), one element per row and 200 per row. */
  @Test
  void normalMarginalIsUnchanged() {
    double[] one = Samplers.normal(keyWithRows(14, N, -1, 0), Shape.of(N)).toArray();
    assertMoments(one, 0, 1, 3, "normal, one element per row");
    assertKs(one, RowKeyedSamplersTest::normalCdf, "normal, one element per row");
    double[] many = Samplers.normal(keyWithRows(15, 200, -1, 0), Shape.of(200, 200)).toArray();
    assertMoments(many, 0, 1, 3, "normal, rows last");
    assertKs(many, RowKeyedSamplersTest::normalCdf, "normal, rows last");
  }

  /** Gamma(a, 1) with the boost (a = 0.3) and without (a = 4.5): mean a, variance a. */
  @Test
  void gammaMarginalIsUnchanged() {
    for (double a : new double[] {0.3, 4.5}) {
      double[] one =
          Samplers.gamma(keyWithRows(16, N, -1, 0), Tensor.scalar(a), Shape.of(N)).toArray();
      assertMoments(one, a, a, 3 * a * a + 6 * a, "gamma(" + a + "), one element per row");
      assertKs(one, v -> RegularizedGamma.P.value(a, v), "gamma(" + a + "), one per row");
      double[] many = Samplers.gamma(keyWithRows(17, 200, -1, 0), Tensor.scalar(a),
          Shape.of(200, 200)).toArray();
      assertMoments(many, a, a, 3 * a * a + 6 * a, "gamma(" + a + "), rows last");
      assertKs(many, v -> RegularizedGamma.P.value(a, v), "gamma(" + a + "), rows last");
    }
  }

  /** Bernoulli(0.3): mean p, variance pq; chi-square on {0, 1}. */
  @Test
  void bernoulliMarginalIsUnchanged() {
    double p = 0.3;
    double q = 1 - p;
    double[] one = Samplers.bernoulli(keyWithRows(18, N, -1, 0), Tensor.scalar(p), Shape.of(N))
        .toArray();
    assertMoments(one, p, p * q, p * q * (1 - 3 * p * q), "bernoulli, one element per row");
    assertChiSquare(one, cdfOf(new double[] {q, p}), 0, 1, "bernoulli, one element per row");
    double[] many = Samplers.bernoulli(keyWithRows(19, 200, -1, 0), Tensor.scalar(p),
        Shape.of(200, 200)).toArray();
    assertMoments(many, p, p * q, p * q * (1 - 3 * p * q), "bernoulli, rows last");
    assertChiSquare(many, cdfOf(new double[] {q, p}), 0, 1, "bernoulli, rows last");
  }

  /** Consecutive row ids 0 .. rows-1, as a data set's row ids are. */
  private static RngKey keyWithRows(long seed, int rows, int batchDim, int eventRank) {
    long[] ids = new long[rows];
    for (int i = 0; i < rows; i++) {
      ids[i] = i;
    }
    return RngKey.of(seed).withRows("series", ids).placeRows(batchDim, eventRank);
  }

  private static double normalCdf(double z) {
    return 0.5 * Erfc.value(-z / Math.sqrt(2));
  }

  /** Splitting and folding act on the words and keep the rows; base() drops them. */
  @Test
  void rowsSurviveSplitAndFold() {
    RngKey plain = RngKey.of(21);
    RngKey rows = plain.withRows("series", 4, 5);
    assertNull(plain.rows());
    assertEquals("series", rows.rows().plate());
    assertArrayEquals(new long[] {4, 5}, rows.rows().ids());
    RngKey[] ps = plain.split(3);
    RngKey[] rs = rows.split(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(ps[i], rs[i].base());
      assertEquals(rows.rows(), rs[i].rows());
    }
    assertEquals(plain.foldIn(9), rows.foldIn(9).base());
    assertEquals(rows.rows(), rows.foldIn(9).rows());
    assertEquals(plain.bits(3), rows.bits(3));
    assertSame(plain, plain.base());
    assertNotEquals(plain, rows);
    assertEquals(rows, plain.withRows("series", 4, 5));
    assertEquals(rows.hashCode(), plain.withRows("series", 4, 5).hashCode());
    assertNotEquals(rows, rows.placeRows(-1, 0));
    assertEquals(plain.foldIn(5), rows.rowKey(1));
    assertTrue(rows.placeRows(-2, 1).toString().endsWith(
        "; rows of plate 'series' (2 ids), batch dim -2, event rank 1]"), rows.toString());
    // the ids are copied in and out
    long[] ids = {1, 2};
    RngKey k = plain.withRows("p", ids);
    ids[0] = 7;
    k.rows().ids()[1] = 7;
    assertArrayEquals(new long[] {1, 2}, k.rows().ids());
  }

  /** A row-carrying key survives Java serialization (Spark ships keys in closures). */
  @Test
  void rowKeysAreSerializable() throws Exception {
    RngKey key = RngKey.of(22).withRows("series", 3, 1, 2).placeRows(-1, 1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(key);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      RngKey back = (RngKey) in.readObject();
      assertEquals(key, back);
      assertArrayEquals(Samplers.normal(key, Shape.of(3, 2)).toArray(),
          Samplers.normal(back, Shape.of(3, 2)).toArray(), 0.0);
    }
  }

  @Test
  void misuseFailsWithAMessageThatSaysWhatToDo() {
    assertMessage("row keys for plate 'series': row id 17 appears more than once (at positions 1"
        + " and 3); each row id names one row's random stream, so the ids of a batch must be"
        + " distinct", () -> RngKey.of(23).withRows("series", 5, 17, 3, 17));
    assertMessage("row keys: the plate name must be non-empty, got \"\"",
        () -> RngKey.of(23).withRows("", 1));
    RngKey unplaced = RngKey.of(23).withRows("series", 5, 17);
    assertMessage("normal: the key carries the rows of plate 'series' but is not placed at a"
        + " site; draw with key.placeRows(batchDim, eventRank), or with key.base() for a draw"
        + " that is not row-keyed", () -> Samplers.normal(unplaced, Shape.of(2)));
    RngKey placed = unplaced.placeRows(-1, 0);
    assertMessage("gamma: the key carries 2 rows of plate 'series' at batch dim -1 with event"
        + " rank 0, but the requested shape [3] has size 3 at axis 0; a row-keyed draw needs one"
        + " row per id on the plate's axis",
        () -> Samplers.gamma(placed, Tensor.scalar(1), Shape.of(3)));
    assertMessage("uniform: the key carries 2 rows of plate 'series' at batch dim -2 with event"
        + " rank 1, but the requested shape [2] has no axis -2; a row-keyed draw needs one row"
        + " per id on the plate's axis",
        () -> Samplers.uniform(unplaced.placeRows(-2, 1), Shape.of(2)));
    assertMessage("permutation: a row-keyed draw is not defined for a shuffle, whose elements are"
        + " not independent, but the key carries rows of plate 'series' (2 ids), unplaced;"
        + " shuffle with key.base()", () -> Samplers.permutation(unplaced, 4));
    assertEquals("placeRows: RngKey[0, 23] carries no rows; make a row-carrying key with"
        + " withRows first", assertThrows(IllegalStateException.class,
            () -> RngKey.of(23).placeRows(-1, 0)).getMessage());
    assertMessage("row keys for plate 'series': the batch dimension must be negative (counted"
        + " from the right), got 0", () -> unplaced.placeRows(0, 0));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable f) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, f).getMessage());
  }
}
