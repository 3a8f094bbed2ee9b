// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.MODEL;
import static dev.ember.spark.SparkTestModels.SERIES_GUIDE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.infer.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged checkpoint costs one interval, not the run: the last two complete checkpoints are
 * kept, each with its per-series folder; a latest one that is unfinished, empty, truncated or
 * fails a checksum (header, arrays, per-series Parquet files) is skipped with a warning naming
 * what is wrong, and the previous one is resumed, to the same result as a run never
 * interrupted. Before, only the latest per-series folder was kept, and a damaged latest
 * checkpoint (a Java-serialized file) failed the fit.
 */
@Timeout(300)
class CheckpointFallbackTest {
  static SparkSession spark;
  static final List<Row> ROWS = SparkTestModels.rows(24, 6);
  static final int STEPS = 12;
  @TempDir
  static Path shared;
  static Path pristine; // checkpoints of steps 9 and 12 of the per-series fit
  static SparkSviModel fitted;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ember-checkpoint-fallback")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    pristine = shared.resolve("pristine");
    fitted = builder().checkpoint(pristine.toString(), 3).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), STEPS);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi.Builder builder() {
    return SparkSvi.builder(MODEL, SERIES_GUIDE).optimizer(Adam.of(0.05)).batchSize(8).seed(5)
        .progress(false).console(CheckpointFiles.quiet());
  }

  @Test
  void theLastTwoCheckpointsAreKeptEachWithItsPerSeriesState() throws Exception {
    try (Stream<Path> s = Files.list(pristine)) {
      assertEquals(List.of("step-000000000009", "step-000000000012"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    for (String step : List.of("step-000000000009", "step-000000000012")) {
      Path folder = pristine.resolve(step);
      assertTrue(Files.exists(folder.resolve("header.json")), step);
      assertTrue(Files.exists(folder.resolve("arrays.bin")), step);
      try (Stream<Path> s = Files.list(folder.resolve("series"))) {
        assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")), step);
      }
    }
  }

  /**
   * Each kind of damage to the latest checkpoint, found before a step runs: the previous one is
   * resumed and the console names what was wrong.
   */
  @Test
  void aDamagedLatestCheckpointIsSkippedForThePreviousOne(@TempDir Path dir) throws Exception {
    Path header = Path.of("step-000000000012", "header.json");
    Path arrays = Path.of("step-000000000012", "arrays.bin");
    expectFallback(dir, "unfinished", "unfinished: it has no header.json",
        ck -> delete(ck.resolve(header)));
    expectFallback(dir, "empty", "header.json is empty",
        ck -> damage(() -> CheckpointFiles.truncate(ck.resolve(header), 0)));
    expectFallback(dir, "truncated", "header.json fails its checksum",
        ck -> damage(() -> CheckpointFiles.truncate(ck.resolve(header), 400)));
    expectFallback(dir, "a loss altered", "header.json fails its checksum",
        ck -> damage(() -> CheckpointFiles.flipBit(ck.resolve(header), -8)));
    expectFallback(dir, "arrays truncated", "arrays.bin has ",
        ck -> damage(() -> CheckpointFiles.truncate(ck.resolve(arrays), 30)));
    expectFallback(dir, "arrays altered", "arrays.bin has ",
        ck -> damage(() -> CheckpointFiles.flipBit(ck.resolve(arrays), -1)));
    expectFallback(dir, "series file truncated", " bytes, not ",
        ck -> damage(() -> CheckpointFiles.truncate(parquet(ck), 100)));
    expectFallback(dir, "series file missing", " is missing",
        ck -> delete(parquet(ck)));
    expectFallback(dir, "series file altered", "per-series folder",
        ck -> damage(() -> {
          byte[] b = Files.readAllBytes(parquet(ck));
          // a value inside the first data page: Parquet's page checksum or the header's hash
          // catches it
          b[b.length / 3] ^= 0x10;
          CheckpointFiles.rewrite(parquet(ck), b);
        }));
  }

  /** A fit resumed after its latest checkpoint was damaged equals the uninterrupted one. */
  @Test
  void aFitResumedFromThePreviousCheckpointEqualsTheUninterruptedFit(@TempDir Path dir)
      throws Exception {
    SparkSviModel straight = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 2),
        STEPS);
    Path ck = dir.resolve("ck");
    CheckpointFiles.copy(pristine, ck);
    CheckpointFiles.truncate(ck.resolve("step-000000000012").resolve("header.json"), 100);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SparkSviModel resumed = builder().checkpoint(ck.toString(), 3)
        .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), STEPS);
    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("resuming from step 9 of " + ck), printed);
    assertEquals(3, resumed.timings().steps());
    assertArrayEquals(straight.losses(), resumed.losses(), 0.0);
    for (String k : straight.params().keySet()) {
      assertArrayEquals(straight.params().get(k).toArray(), resumed.params().get(k).toArray(), 0.0);
    }
    // the damaged checkpoint was written again, whole
    assertEquals(12, resume(ck, new ByteArrayOutputStream()).state().step());
  }

  @Test
  void whenNoCheckpointIsWholeEachIsNamed(@TempDir Path dir) throws Exception {
    Path ck = dir.resolve("ck");
    CheckpointFiles.copy(pristine, ck);
    CheckpointFiles.truncate(ck.resolve("step-000000000012").resolve("header.json"), 0);
    CheckpointFiles.truncate(ck.resolve("step-000000000009").resolve("arrays.bin"), 0);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> resume(ck, new ByteArrayOutputStream()));
    assertTrue(e.getMessage().startsWith("checkpoint folder " + ck + " holds no whole "
        + "checkpoint: step-000000000012 (header.json is empty); step-000000000009 (arrays.bin "
        + "has 0 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("use another checkpoint folder"), e.getMessage());
  }

  /** A folder of the earlier Java-serialized format, or of a newer format, is refused. */
  @Test
  void anotherFormatIsRefused(@TempDir Path dir) throws Exception {
    Path old = dir.resolve("old");
    Files.createDirectories(old);
    Files.write(old.resolve("step-000000000005.ckpt"), new byte[] {(byte) 0xac, (byte) 0xed});
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> builder().checkpoint(old.toString(), 3).build()
            .fit(SparkTestModels.dataset(spark, ROWS, 2), STEPS));
    assertTrue(e.getMessage().contains("format 2, Java serialization"), e.getMessage());
    Path newer = dir.resolve("newer");
    CheckpointFiles.copy(pristine, newer);
    Path header = newer.resolve("step-000000000012").resolve("header.json");
    String text = Files.readString(header).replace("\"format\" : 3", "\"format\" : 4");
    CheckpointFiles.rewrite(header, withChecksum(text));
    IllegalStateException e4 = assertThrows(IllegalStateException.class,
        () -> resume(newer, new ByteArrayOutputStream()));
    assertTrue(e4.getMessage().contains("has format 4, written by a newer Ember; this version "
        + "reads formats up to 3"), e4.getMessage());
  }

  /**
   * The header with its checksum recomputed as the format documents it: the CRC-32C of the
   * file's bytes with the checksum's 8 hexadecimal digits replaced by '0'.
   */
  private static byte[] withChecksum(String header) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("^\\{\\s*\"checksum\" : \"([0-9a-f]{8})\"").matcher(header);
    assertTrue(m.find(), header);
    byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
    byte[] zeroed = (header.substring(0, m.start(1)) + "00000000" + header.substring(m.end(1)))
        .getBytes(StandardCharsets.UTF_8);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(zeroed);
    byte[] digits = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, bytes, m.start(1), 8);
    return bytes;
  }

  /** Copies the pristine folder, damages it, and resumes from it at the store's level. */
  private static void expectFallback(Path dir, String what, String reason, Consumer<Path> damage)
      throws Exception {
    Path ck = dir.resolve(what.replace(' ', '-'));
    CheckpointFiles.copy(pristine, ck);
    damage.accept(ck);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Checkpoint c = resume(ck, console);
    String printed = console.toString(StandardCharsets.UTF_8);
    assertEquals(9, c.state().step(), what + ": " + printed);
    assertTrue(printed.contains("warning: checkpoint " + ck + "/step-000000000012 is damaged: ")
        && printed.contains(reason) && printed.contains("falling back to the previous one")
        && printed.contains("resuming from step 9 of " + ck), what + ": " + printed);
  }

  /** What a fit of the pristine run would resume from in {@code ck}. */
  private static Checkpoint resume(Path ck, ByteArrayOutputStream console) throws Exception {
    org.apache.hadoop.fs.Path good = new org.apache.hadoop.fs.Path(
        pristine.resolve("step-000000000012").toUri());
    RunDefinition run = CheckpointFormat.read(FileSystem.getLocal(
        spark.sparkContext().hadoopConfiguration()), good, STEPS).run();
    try (CheckpointStore store = CheckpointStore.open(ck.toString(), spark,
        CheckpointLock.DEFAULT_STALE_AFTER, false,
        new PrintStream(console, true, StandardCharsets.UTF_8))) {
      return store.resume(run, fitted.state(), fitted.seriesLayout());
    }
  }

  private static Path parquet(Path ck) {
    try (Stream<Path> s = Files.list(ck.resolve("step-000000000012").resolve("series"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted()
          .findFirst().orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    damage(() -> CheckpointFiles.rewrite(file, new byte[0]));
    damage(() -> Files.delete(file));
  }

  /** A damage that may throw. */
  interface Damage {
    void apply() throws Exception;
  }

  private static void damage(Damage d) {
    try {
      d.apply();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
