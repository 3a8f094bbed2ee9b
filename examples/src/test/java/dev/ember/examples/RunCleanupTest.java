// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run leaves behind when it ends other than normally, run in a JVM of its own: the
 * temporary data folder of LocalLevelSpark (no --data) is removed on an error and when the JVM
 * is stopped by SIGTERM or SIGINT (it used to stay, about 80 MB at the default size), and no
 * partial output appears; the console shows Ember's progress lines but not Spark's INFO lines.
 */
@Timeout(180)
class RunCleanupTest {
  /** A small fit that would run for a long time: the signal comes while it runs. */
  static final String[] LONG_FIT = {"--series", "300", "--length", "20", "--steps", "1000000",
      "--batch-size", "50", "--report-every", "1", "--master", "local[1]", "--conf",
      "spark.ui.enabled=false", "--out", "out"};

  static List<String> entries(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean holdsData(Path tmp) {
    return entries(tmp).stream().anyMatch(n -> n.startsWith("ember-ar1-data"));
  }

  void stoppedBy(String signal, Path dir) throws Exception {
    ChildJvm c = ChildJvm.start(dir, "dev.ember.examples.LocalLevelSpark", LONG_FIT);
    try {
      assertTrue(c.await(() -> read(c).contains("step 3/"), 120),
          "the fit did not get to step 3:\n" + read(c) + c.stderr());
      assertTrue(holdsData(c.tmp), "the temporary data is there while the fit runs: "
          + entries(c.tmp));
      c.signal(signal);
      int status = c.waitFor(60);
      assertTrue(status != 0, "stopped by SIG" + signal + ": " + status);
    } finally {
      c.destroy();
    }
    assertFalse(holdsData(c.tmp), "SIG" + signal + " left the temporary data: "
        + entries(c.tmp));
    assertEquals(List.of("stderr.txt", "stdout.txt", "tmp"), entries(dir),
        "no output, whole or partial, and no temporary output beside it");
    String stdout = c.stdout();
    assertTrue(stdout.contains("step 1/1000000 loss "), "the progress lines stay:\n" + stdout);
    assertFalse(c.stderr().contains(" INFO "), "Spark's INFO lines are off:\n" + c.stderr());
  }

  static String read(ChildJvm c) {
    try {
      return c.stdout();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void sigtermRemovesTheTemporaryData(@TempDir Path dir) throws Exception {
    stoppedBy("TERM", dir);
  }

  @Test
  void sigintRemovesTheTemporaryData(@TempDir Path dir) throws Exception {
    stoppedBy("INT", dir);
  }

  /**
   * A fit that fails (an Adam step of 1e300 sends the params to infinity, and a task fails on
   * the infinite scale): one line on standard error, exit status 1, no stack trace, and the
   * temporary data gone.
   */
  @Test
  void aFailedFitRemovesTheTemporaryDataAndSaysWhyInOneLine(@TempDir Path dir) throws Exception {
    ChildJvm c = ChildJvm.start(dir, "dev.ember.examples.LocalLevelSpark", "--series", "100",
        "--length", "10", "--steps", "50", "--batch-size", "20", "--lr", "1e300", "--master",
        "local[1]", "--conf", "spark.ui.enabled=false", "--out", "out");
    int status;
    try {
      status = c.waitFor(120);
    } finally {
      c.destroy();
    }
    String err = c.stderr();
    assertEquals(1, status, err);
    // Spark's scheduler says once that it aborts the job; the failure itself is one line
    List<String> lines = err.lines().filter(l -> !l.contains(" ERROR TaskSetManager: ")).toList();
    assertEquals(1, lines.size(), err);
    assertTrue(lines.get(0).startsWith("LocalLevelSpark: ") && lines.get(0).endsWith(
        " (--verbose prints the stack trace)"), err);
    assertTrue(c.stdout().contains("written to file:" + c.tmp), c.stdout());
    assertFalse(holdsData(c.tmp), "the failure left the temporary data: " + entries(c.tmp));
    assertEquals(List.of("stderr.txt", "stdout.txt", "tmp"), entries(dir));
  }

  /**
   * A user error in Train (a --data path that does not exist): exactly one line on standard
   * error, naming the option and the path, and exit status 2. It used to be Spark's INFO lines of
   * the session's start and an AnalysisException's stack trace.
   */
  @Test
  void aMissingDataPathIsOneLine(@TempDir Path dir) throws Exception {
    ChildJvm c = ChildJvm.start(dir, "dev.ember.examples.cli.Train", "--data",
        dir.resolve("no-such-data").toString(), "--out", "out", "--master", "local[1]", "--conf",
        "spark.ui.enabled=false");
    int status;
    try {
      status = c.waitFor(120);
    } finally {
      c.destroy();
    }
    assertEquals(2, status, c.stderr());
    assertEquals(List.of("Train: option --data: nothing at " + dir.resolve("no-such-data")
        + "; give an existing file or folder (any Hadoop path: /local, hdfs://..., s3a://...)"),
        c.stderr().lines().toList());
    assertEquals(List.of("stderr.txt", "stdout.txt", "tmp"), entries(dir));
  }
}
