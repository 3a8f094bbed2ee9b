// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.GUIDE;
import static dev.ember.spark.SparkTestModels.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint resumes only the run that wrote it, and one run at a time writes a checkpoint
 * folder. Before, a resume on other data or with another learning rate was accepted silently
 * (the loss curve then mixed two runs), a resume was announced only in a hidden INFO line, and
 * two runs on one folder both finished, one run's checkpoints lost.
 */
@Timeout(300)
class CheckpointRunTest {
  static SparkSession spark;
  static final List<Row> ROWS = SparkTestModels.rows(24, 6);

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ember-checkpoint-run")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi.Builder builder(String ck) {
    return SparkSvi.builder(MODEL, GUIDE).optimizer(Adam.of(0.05)).batchSize(8).seed(5)
        .progress(false).checkpoint(ck, 5).console(CheckpointFiles.quiet());
  }

  /**
   * After a finished run, a resume with other data, another learning rate, batch size, seed,
   * annealing, model spec or fewer steps is refused before any work, naming each difference, and
   * the checkpoints stay as they were; the same run resumes, saying so on the console, and runs
   * no step.
   */
  @Test
  void aResumeWithAnyDifferenceIsRefusedNamingEach(@TempDir Path dir) throws Exception {
    String ck = dir.resolve("ck").toString();
    SparkSviModel done = builder(ck).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 10);
    byte[] header = Files.readAllBytes(dir.resolve("ck/step-000000000010/header.json"));
    List<Row> changed = new ArrayList<>(ROWS);
    @SuppressWarnings("unchecked") // SparkTestModels.rows holds java.util.Lists
    List<Double> values = new ArrayList<>((List<Double>) changed.get(3).get(1));
    values.set(0, values.get(0) + 1e-9);
    changed.set(3, RowFactory.create(changed.get(3).getLong(0), values));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder(ck)
        .optimizer(Adam.of(0.5)).build().fit(SparkTestModels.dataset(spark, changed, 2), 10));
    String m = e.getMessage();
    assertTrue(m.startsWith("fit: refused to resume from step 10 of " + ck + ", written by "
        + "another run: data: 24 series, hash "), m);
    assertTrue(m.contains("optimizer: Adam(lr=constant(0.05), b1=0.9, b2=0.999, eps=1.0E-8) in "
        + "the checkpoint, Adam(lr=constant(0.5), b1=0.9, b2=0.999, eps=1.0E-8) now"), m);
    assertTrue(m.endsWith("Resume with the same data and settings, or use another checkpoint "
        + "folder"), m);
    assertEquals(2, m.split("; ").length, "data and optimizer only: " + m);

    IllegalStateException more = assertThrows(IllegalStateException.class, () -> builder(ck)
        .batchSize(6).seed(6).annealing(AnnealingSchedule.linear(0.5, 1.0, 5), "z")
        .modelSpec("ar1 with the amortized guide").build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 12));
    for (String named : List.of("model: model lambda in dev.ember.spark.SparkTestModels, guide "
        + "lambda in dev.ember.spark.SparkTestModels in the checkpoint, ar1 with the amortized "
        + "guide now", "annealing: none in the checkpoint, linear:0.5->1.0@5 on [z] now",
        "batch size: 8 in the checkpoint, 6 now", "seed: 5 in the checkpoint, 6 now",
        "steps: 10 in the checkpoint, 12 now")) {
      assertTrue(more.getMessage().contains(named), named + " in " + more.getMessage());
    }

    IllegalStateException fewer = assertThrows(IllegalStateException.class,
        () -> builder(ck).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 7));
    assertTrue(fewer.getMessage().startsWith("fit: refused: the checkpoint in " + ck + " is at "
        + "step 10, past the 7 steps asked for, and a fit does not go back; ask for the 10 steps "
        + "it was started with"), fewer.getMessage());

    assertArrayEquals(header, Files.readAllBytes(dir.resolve("ck/step-000000000010/header.json")),
        "refused runs leave the checkpoints alone");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SparkSviModel again = builder(ck).console(new PrintStream(console, true,
        StandardCharsets.UTF_8)).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 10);
    assertEquals("resuming from step 10 of " + ck + System.lineSeparator(),
        console.toString(StandardCharsets.UTF_8));
    assertEquals(0, again.timings().steps(), "no step run");
    assertArrayEquals(done.losses(), again.losses(), 0.0);
  }

  /**
   * Two fits on one folder at once: the second is refused at once, naming the first (this
   * process), which finishes with whole checkpoints that a later run resumes.
   */
  @Test
  void twoRunsAtOnceOnOneFolder(@TempDir Path dir) throws Exception {
    String ck = dir.resolve("ck").toString();
    Path lock = dir.resolve("ck").resolve(CheckpointLock.FILE);
    CompletableFuture<SparkSviModel> first = CompletableFuture.supplyAsync(
        () -> builder(ck).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 30));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(lock) && !first.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertFalse(first.isDone(), "the first run is still running");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> builder(ck).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 30));
    assertTrue(e.getMessage().startsWith("checkpoint folder " + ck + " is in use by another run: "
        + "pid " + ProcessHandle.current().pid() + " on host "), e.getMessage());
    SparkSviModel done = first.get(240, TimeUnit.SECONDS);
    assertFalse(Files.exists(lock), "released");
    try (var files = Files.list(dir.resolve("ck"))) {
      assertEquals(List.of("step-000000000025", "step-000000000030"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    SparkSviModel again = builder(ck).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 30);
    assertArrayEquals(done.losses(), again.losses(), 0.0);
  }

  /** A lock left by a dead run is named as stale, with how to proceed, and taken over on request. */
  @Test
  void aStaleLockIsNamedAndTakenOverOnRequest(@TempDir Path dir) throws Exception {
    Path ck = dir.resolve("ck");
    Files.createDirectories(ck);
    Instant old = Instant.now().minusSeconds(3600);
    Files.writeString(ck.resolve(CheckpointLock.FILE), "{\"host\": \"node7\", \"pid\": 31, "
        + "\"user\": \"ana\", \"started\": \"" + old + "\", \"heartbeat\": \"" + old
        + "\", \"token\": \"t\"}");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> builder(ck.toString()).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 5));
    assertTrue(e.getMessage().contains("has a stale lock") && e.getMessage().contains(
        "pid 31 on host node7 (user ana)") && e.getMessage().contains("--take-over-stale-lock"),
        e.getMessage());
    SparkSviModel r = builder(ck.toString()).takeOverStaleLock(true).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 5);
    assertEquals(5, r.losses().length);
    assertFalse(Files.exists(ck.resolve(CheckpointLock.FILE)));
  }
}
