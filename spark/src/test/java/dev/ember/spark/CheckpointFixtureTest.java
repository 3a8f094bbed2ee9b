// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.MODEL;
import static dev.ember.spark.SparkTestModels.SERIES_GUIDE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.infer.optim.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint compatibility: every checkpoint format ever written resumes in this version, to the
 * same result as a fit never interrupted. {@code src/test/resources/checkpoints/v3} is a fit of
 * the per-series guide asked for 8 steps and stopped after its checkpoint of step 4, written by
 * format 3 (global params and moments in {@code arrays.bin}, per-series state as Parquet).
 *
 * <p><b>When the format changes</b> ({@link CheckpointFormat#VERSION}): keep the old fixtures and
 * their tests, write the new version's fixture with {@link #writeFixture} (its command below)
 * into {@code checkpoints/v<N>}, and add a test like {@link #formatThreeResumes} for
 * it.
 */
@Timeout(300)
class CheckpointFixtureTest {
  static SparkSession spark;
  static final List<Row> ROWS = SparkTestModels.rows(24, 6);
  static final int STEPS = 8;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ember-checkpoint-fixture")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The fixture's run: a stable model spec, so that moving the test models breaks nothing. */
  static SparkSvi.Builder builder() {
    return SparkSvi.builder(MODEL, SERIES_GUIDE).modelSpec("SparkTestModels.MODEL, SERIES_GUIDE")
        .optimizer(Adam.of(0.05)).batchSize(8).seed(5).progress(false)
        .console(CheckpointFiles.quiet());
  }

  /**
   * The fixture resumes: its first 4 losses come back as it recorded them, bit for bit, and the 4
   * steps run from its state equal a fit never interrupted. The fixture was written before each
   * partition's terms were weighted and differentiated in one backward pass (the same loss and
   * gradient, summed in another order), so the uninterrupted fit of this version differs from
   * the fixture's history in the last bits, and the comparison is to 1e-10 relative, as for any
   * two orders of the same sums.
   */
  @Test
  void formatThreeResumes(@TempDir Path dir) throws Exception {
    SparkSviModel straight = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 2),
        STEPS);
    Path ck = dir.resolve("ck");
    CheckpointFiles.copy(Path.of(getClass().getResource("/checkpoints/v3").toURI()), ck);
    double[] recorded = CheckpointFormat.read(
        org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
        new org.apache.hadoop.fs.Path(ck.resolve("step-000000000004").toString()), 4).losses();
    SparkSviModel resumed = builder().checkpoint(ck.toString(), 4).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), STEPS);
    assertEquals(4, resumed.timings().steps(), "resumed at step 4");
    assertArrayEquals(recorded, java.util.Arrays.copyOf(resumed.losses(), 4), 0.0,
        "the fixture's history, as recorded");
    close(straight.losses(), resumed.losses(), "losses");
    for (String k : straight.params().keySet()) {
      close(straight.params().get(k).toArray(), resumed.params().get(k).toArray(), k);
    }
    Map<Long, Map<String, double[]>> a = SparkSeriesParamsTest.perSeries(straight);
    Map<Long, Map<String, double[]>> b = SparkSeriesParamsTest.perSeries(resumed);
    assertEquals(a.keySet(), b.keySet());
    for (long id : a.keySet()) {
      for (String name : List.of("z_loc", "z_scale")) {
        close(a.get(id).get(name), b.get(id).get(name), name + " of " + id);
      }
    }
  }

  static void close(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-10 * Math.max(1, Math.abs(expected[i])),
          what + " [" + i + "]");
    }
  }

  /**
   * Writes the fixture of this version's format into the folder the system property {@code
   * ember.checkpoint.fixture} names (then checked in by hand):
   *
   * <pre>
   * mvn -B -pl spark -am test -Dtest=CheckpointFixtureTest#writeFixture \
   *   -Dsurefire.failIfNoSpecifiedTests=false \
   *   -Dember.checkpoint.fixture=$PWD/spark/src/test/resources/checkpoints/v3
   * </pre>
   *
   * <p>It runs the fit asked for {@value #STEPS} steps with checkpoints every 4 and keeps the
   * checkpoint of step 4 only (as a run stopped after it), without the local file system's
   * {@code .crc} files and Spark's {@code _SUCCESS} marker, which the format does not need.
   */
  @Test
  @EnabledIfSystemProperty(named = "ember.checkpoint.fixture", matches = ".+")
  void writeFixture(@TempDir Path dir) throws Exception {
    Path out = Path.of(System.getProperty("ember.checkpoint.fixture"));
    Path ck = dir.resolve("ck");
    builder().checkpoint(ck.toString(), 4).build().fit(SparkTestModels.dataset(spark, ROWS, 2),
        STEPS);
    CheckpointFiles.deleteRecursively(ck.resolve("step-000000000008"));
    CheckpointFiles.deleteRecursively(out);
    CheckpointFiles.copy(ck, out);
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.endsWith(".crc") || n.equals("_SUCCESS")) {
          Files.delete(f);
        }
      }
    }
  }
}
