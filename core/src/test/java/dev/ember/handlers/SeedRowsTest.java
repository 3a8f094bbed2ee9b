// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.prngKey;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.dist.Bernoulli;
import dev.ember.dist.Beta;
import dev.ember.dist.Binomial;
import dev.ember.dist.Categorical;
import dev.ember.dist.Dirichlet;
import dev.ember.dist.Gamma;
import dev.ember.dist.LowRankMultivariateNormal;
import dev.ember.dist.MultivariateNormal;
import dev.ember.dist.NegativeBinomial;
import dev.ember.dist.Normal;
import dev.ember.dist.Poisson;
import dev.ember.dist.StudentT;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Handlers#seedRows(RngKey, String, long[])}: the local sites (inside the series plate) of
 * a row draw the same values in any batch that contains it, also inside scan bodies and for sites
 * with an event shape; the global sites draw exactly what {@link Handlers#seed(RngKey)} draws.
 */
@SuppressWarnings("try") // scoped handlers are entered for their effect
class SeedRowsTest {
  private static final RngKey KEY = RngKey.of(2026);

  /** The global sites of {@link #MODEL}. */
  private static final List<String> GLOBAL = List.of("mu", "sigma");

  /** The local sites of {@link #MODEL} with the axis of their values that holds the rows. */
  private static final Map<String, Integer> LOCAL = Map.ofEntries(
      Map.entry("z", 0), Map.entry("mvn", 0), Map.entry("dir", 0), Map.entry("lowRank", 0),
      Map.entry("beta", 0), Map.entry("t", 0), Map.entry("nb", 0), Map.entry("gamma", 0),
      Map.entry("bern", 0), Map.entry("cat", 0), Map.entry("pois", 0), Map.entry("binom", 0),
      Map.entry("w", 1));

  /** The local sites whose rows may draw equal values by chance. */
  private static final List<String> DISCRETE = List.of("nb", "bern", "cat", "pois", "binom");

  /**
   * Global sites around a plate "series" over the batch's rows, with local sites of every
   * sampler, some with event shapes, and one in a nested plate (batch [2, B]: rows not leading).
   */
  static final Model<long[]> MODEL = ids -> {
    Tensor mu = sample("mu", Normal.standard());
    try (Plate p = plate("series", ids.length)) {
      sample("z", Normal.of(mu, Tensor.scalar(1.0)));
      sample("mvn", MultivariateNormal.ofScaleTril(Tensor.of(1.0, -1.0),
          Tensor.of(new double[][] {{1.0, 0.0}, {0.5, 2.0}})));                        // [B, 2]
      sample("dir", Dirichlet.of(Tensor.of(0.5, 1.0, 2.0)));                          // [B, 3]
      sample("lowRank", LowRankMultivariateNormal.of(Tensor.of(0.0, 1.0),
          Tensor.of(new double[][] {{1.0}, {0.5}}), Tensor.of(1.0, 2.0)));              // [B, 2]
      sample("beta", Beta.of(0.5, 2.0));
      sample("t", StudentT.of(Tensor.scalar(3.0), mu, Tensor.scalar(1.0)));
      sample("nb", NegativeBinomial.of(Tensor.scalar(5.0), Tensor.scalar(0.4)));
      sample("gamma", Gamma.of(0.5, 1.0));
      sample("bern", Bernoulli.ofProbs(Tensor.scalar(0.3)));
      sample("cat", Categorical.ofLogits(Tensor.of(0.0, 1.0, -1.0)));
      sample("pois", Poisson.of(Tensor.scalar(30.0)));
      sample("binom", Binomial.of(Tensor.scalar(20.0), Tensor.scalar(0.3)));
      try (Plate q = plate("k", 2)) {
        sample("w", Normal.standard());                                                // [2, B]
      }
    }
    sample("sigma", Gamma.of(2.0, 1.0));
  };

  private static Trace seedRows(Model<long[]> m, long[] ids) {
    return Handlers.trace(Handlers.seedRows(m, KEY, "series", ids)).getTrace(ids);
  }

  /** Row id 17's values in every local site are the same in [17], [3, 17, 40] and [40, 17]. */
  @Test
  void aLocalSiteDrawsTheSameRowInAnyBatch() {
    Trace alone = seedRows(MODEL, new long[] {17});
    Trace three = seedRows(MODEL, new long[] {3, 17, 40});
    Trace two = seedRows(MODEL, new long[] {40, 17});
    for (Map.Entry<String, Integer> site : LOCAL.entrySet()) {
      int axis = site.getValue();
      double[] want = alone.get(site.getKey()).value().select(axis, 0).toArray();
      assertArrayEquals(want, three.get(site.getKey()).value().select(axis, 1).toArray(), 0.0,
          site.getKey());
      assertArrayEquals(want, two.get(site.getKey()).value().select(axis, 1).toArray(), 0.0,
          site.getKey());
      if (!DISCRETE.contains(site.getKey())) { // and the other rows differ from it
        assertNotEquals(want[0], three.get(site.getKey()).value().select(axis, 0).toArray()[0],
            site.getKey());
      }
    }
    assertEquals(Shape.of(3, 2), three.get("mvn").value().shape());
    assertEquals(Shape.of(2, 3), three.get("w").value().shape());
  }

  /** The global sites draw exactly what seed(key) draws, whatever the batch. */
  @Test
  void globalSitesDrawWhatSeedDraws() {
    long[] ids = {3, 17, 40};
    Trace plain = Handlers.trace(Handlers.seed(MODEL, KEY)).getTrace(ids);
    for (long[] batch : new long[][] {ids, {40, 17}}) {
      Trace rows = seedRows(MODEL, batch);
      Trace plainHere = Handlers.trace(Handlers.seed(MODEL, KEY)).getTrace(batch);
      for (String g : GLOBAL) {
        assertEquals(plainHere.get(g).value().item(), rows.get(g).value().item(), 0.0, g);
        assertEquals(plain.get(g).value().item(), rows.get(g).value().item(), 0.0, g);
      }
    }
    // the local sites, by contrast, are row-keyed
    assertNotEquals(plain.get("z").value().select(0, 1).item(),
        seedRows(MODEL, ids).get("z").value().select(0, 1).item());
  }

  /**
   * The derivation: the site's key is the one seed(key) gives it (the third split, after "mu" and
   * the plate's message), and row 17 is drawn under its foldIn(17) at the row's position.
   */
  @Test
  void aRowIsDrawnFromTheSiteKeyFoldedWithItsId() {
    Trace t = seedRows(MODEL, new long[] {3, 17});
    RngKey siteKey = KEY.split()[0].split()[0].split()[1];
    double eps = Samplers.normal(siteKey.foldIn(17), Shape.of()).item();
    double mu = t.get("mu").value().item();
    assertEquals(mu + eps, t.get("z").value().select(0, 1).item(), 1e-15);
  }

  /**
   * Inside a scan body, with the plate inside the body: row 17's series over T steps is the same
   * in every batch, and the body's global sites are those of seed(key).
   */
  @Test
  void rowsSurviveTheScan() {
    int steps = 6;
    Model<long[]> scanned = ids -> {
      Tensor mu = sample("mu", Normal.standard());
      scan((Tensor prev, Tensor x) -> {
        Tensor g = sample("g", Normal.of(mu, Tensor.scalar(0.1)));                   // global
        try (Plate p = plate("series", ids.length)) {
          Tensor v = sample("v", Normal.of(prev.add(g), Tensor.scalar(1.0)));        // [B]
          sample("d", Dirichlet.of(Tensor.of(1.0, 2.0, 3.0)));                       // [B, 3]
          return ScanStep.of(v, v);
        }
      }, Tensor.zeros(ids.length), null, steps, false);
    };
    Trace alone = seedRows(scanned, new long[] {17});
    Trace three = seedRows(scanned, new long[] {3, 17, 40});
    Trace two = seedRows(scanned, new long[] {40, 17});
    assertEquals(Shape.of(steps, 3), three.get("v").value().shape());
    assertEquals(Shape.of(steps, 3, 3), three.get("d").value().shape());
    for (String site : List.of("v", "d")) {
      double[] want = alone.get(site).value().select(1, 0).toArray(); // [T] or [T, 3]
      assertArrayEquals(want, three.get(site).value().select(1, 1).toArray(), 0.0, site);
      assertArrayEquals(want, two.get(site).value().select(1, 1).toArray(), 0.0, site);
    }
    Trace plain = Handlers.trace(Handlers.seed(scanned, KEY)).getTrace(new long[] {3, 17, 40});
    for (String g : List.of("mu", "g")) {
      assertArrayEquals(plain.get(g).value().toArray(), three.get(g).value().toArray(), 0.0, g);
    }
    // the steps differ from each other (each step's site key is its own)
    double[] d17 = alone.get("v").value().toArray();
    assertNotEquals(d17[0], d17[1] - alone.get("g").value().toArray()[1]);
  }

  /**
   * A subsampled series plate whose indices come from outside (as the Spark engine gives them):
   * the row ids are the indices, and row 17 is again the same in every batch.
   */
  @Test
  void subsampledPlatesWithGivenIndices() {
    Model<long[]> sub = ids -> {
      try (Plate p = plate("series", 1000, ids.length)) {
        sample("z", Normal.standard());
      }
    };
    double first = Double.NaN;
    for (long[] ids : new long[][] {{17}, {3, 17, 40}, {40, 17}}) {
      double[] idx = new double[ids.length];
      int at = -1;
      for (int i = 0; i < ids.length; i++) {
        idx[i] = ids[i];
        at = ids[i] == 17 ? i : at;
      }
      Model<long[]> given = Handlers.substitute(sub, Map.of("series", Tensor.of(idx)));
      double z = seedRows(given, ids).get("z").value().select(0, at).item();
      if (Double.isNaN(first)) {
        first = z;
      } else {
        assertEquals(first, z, 0.0);
      }
    }
  }

  /** A site hidden by block still gets its row key (seed(block(f)) draws what block(seed(f)) does). */
  @Test
  void blockedLocalSitesAreRowKeyedToo() {
    double[][] seen = new double[1][];
    Model<long[]> m = ids -> {
      try (Plate p = plate("series", ids.length)) {
        seen[0] = sample("z", Normal.standard()).toArray();
      }
    };
    long[] ids = {3, 17};
    Model<long[]> hidden = Handlers.block(m, msg -> "z".equals(msg.name()));
    Trace t = Handlers.trace(Handlers.seedRows(hidden, KEY, "series", ids)).getTrace(ids);
    assertFalse(t.contains("z"));
    double[] blocked = seen[0];
    seedRows(m, ids);
    assertArrayEquals(seen[0], blocked, 0.0);
    seedRows(m, new long[] {17});
    assertEquals(seen[0][0], blocked[1], 0.0);
  }

  /** A scan hidden by block keeps the rows on its key: its body's local sites are row-keyed. */
  @Test
  void aBlockedScanIsRowKeyedInside() {
    double[][] last = new double[1][]; // the values of v at the last step
    Model<long[]> scanned = ids -> scan((Tensor prev, Tensor x) -> {
      try (Plate p = plate("series", ids.length)) {
        Tensor v = sample("v", Normal.of(prev, Tensor.scalar(1.0)));
        last[0] = v.toArray();
        return ScanStep.of(v, v);
      }
    }, Tensor.zeros(ids.length), null, 2, false);
    Model<long[]> hidden = Handlers.block(scanned, msg -> true);
    Handlers.seedRows(hidden, KEY, "series", new long[] {3, 17}).run(new long[] {3, 17});
    double[] two = last[0];
    Handlers.seedRows(hidden, KEY, "series", new long[] {17}).run(new long[] {17});
    double[] one = last[0];
    assertEquals(one[0], two[1], 0.0);
    Handlers.seedRows(scanned, KEY, "series", new long[] {17}).run(new long[] {17});
    assertEquals(last[0][0], one[0], 0.0, "block(scan) draws what scan draws");
  }

  /** prngKey() inside the plate returns the plain key that seed(key) would return. */
  @Test
  void prngKeyInsideThePlateIsThePlainKey() {
    RngKey[] got = new RngKey[2];
    Model<long[]> m = ids -> {
      try (Plate p = plate("series", ids.length)) {
        got[0] = prngKey();
      }
    };
    long[] ids = {1, 2};
    Handlers.seedRows(m, KEY, "series", ids).run(ids);
    RngKey rowSeeded = got[0];
    Handlers.seed(m, KEY).run(ids);
    assertEquals(got[0], rowSeeded);
    assertNull(rowSeeded.rows());
  }

  /** A plate name that no site uses changes nothing: every site draws what seed(key) draws. */
  @Test
  void aPlateNameThatNoSiteUsesIsANoOp() {
    long[] ids = {3, 17, 40};
    Trace plain = Handlers.trace(Handlers.seed(MODEL, KEY)).getTrace(ids);
    Trace other = Handlers.trace(Handlers.seedRows(MODEL, KEY, "no such plate", new long[] {5}))
        .getTrace(ids);
    assertEquals(plain.sites().keySet(), other.sites().keySet());
    for (String name : plain.sites().keySet()) {
      Tensor v = plain.get(name).value();
      if (v != null) {
        assertArrayEquals(v.toArray(), other.get(name).value().toArray(), 0.0, name);
      }
    }
  }

  @Test
  void errorsSayWhatIsWrong() {
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> Handlers.trace(Handlers.seedRows(MODEL, KEY, "series", new long[] {1, 2}))
            .getTrace(new long[] {1, 2, 3}));
    assertEquals("site 'z' in plate 'series': the plate has 3 rows in this batch, but the "
        + "row-keyed seed was given 2 row ids; give seedRows one id per row of the plate's current"
        + " batch", size.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> Handlers.seedRows(MODEL, KEY, "series", new long[] {8, 4, 4}));
    assertEquals("row keys for plate 'series': row id 4 appears more than once (at positions 1 "
        + "and 2); each row id names one row's random stream, so the ids of a batch must be "
        + "distinct", dup.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Handlers.seedRows(KEY, "series", new long[] {4, 4}));
    assertEquals(true, HandlerStack.isEmpty());
  }

  /** The scoped form draws what the wrapping form draws. */
  @Test
  void scopedAndWrappingFormsAgree() {
    long[] ids = {40, 17};
    Trace wrapped = seedRows(MODEL, ids);
    try (Trace tr = Handlers.trace(); Seed s = Handlers.seedRows(KEY, "series", ids)) {
      MODEL.run(ids);
      for (String name : wrapped.sites().keySet()) {
        assertArrayEquals(wrapped.get(name).value().toArray(), tr.get(name).value().toArray(),
            0.0, name);
      }
    }
  }

  /** A row-seeded model travels in a Spark closure and draws the same values afterwards. */
  @Test
  void aRowSeededModelIsSerializable() throws Exception {
    long[] ids = {3, 17, 40};
    Model<long[]> m = Handlers.seedRows(MODEL, KEY, "series", ids);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    Model<?> back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Model<?>) in.readObject();
    }
    @SuppressWarnings("unchecked")
    Model<long[]> typed = (Model<long[]>) back;
    assertArrayEquals(Handlers.trace(m).getTrace(ids).get("dir").value().toArray(),
        Handlers.trace(typed).getTrace(ids).get("dir").value().toArray(), 0.0);
  }
}
