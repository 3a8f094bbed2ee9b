// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * User errors print one line naming what failed and exit non-zero; the stack trace comes with
 * --verbose. (A bad option used to print two lines; a missing path or a folder that is not
 * Parquet, Spark's stack trace.)
 */
@Timeout(180)
class FailureReportTest {
  /** What Train prints on standard error for {@code args}, and its exit status. */
  record Outcome(int status, List<String> lines) {}

  static Outcome train(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = FailureReport.run("Train", args, () -> Train.run(args, TrainTest.quiet()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  static final List<String> LOCAL = List.of("--master", "local[1]", "--conf",
      "spark.ui.enabled=false");

  static String[] with(String... args) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(args), LOCAL.stream())
        .toArray(String[]::new);
  }

  @Test
  void aBadOptionIsOneLineAndStatus2() {
    Outcome o = train("--data", "d", "--out", "o", "--stesp", "3");
    assertEquals(2, o.status());
    assertEquals(1, o.lines().size(), o.lines().toString());
    assertTrue(o.lines().get(0).startsWith("Train: unknown option --stesp; the options are"),
        o.lines().get(0));
  }

  @Test
  void aMissingPathIsOneLineNamingTheOptionAndThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nothing-here");
    Outcome o = train(with("--data", missing.toString(), "--out", dir.resolve("o").toString()));
    assertEquals(new Outcome(2, List.of("Train: option --data: nothing at " + missing + "; give "
        + "an existing file or folder (any Hadoop path: /local, hdfs://..., s3a://...)")), o);
  }

  /** A folder of CSV files read as Parquet; with --verbose the stack trace follows the line. */
  @Test
  void aFolderThatIsNotParquetIsOneLineAndVerboseAddsTheTrace(@TempDir Path dir)
      throws Exception {
    Path csv = Files.createDirectories(dir.resolve("csv"));
    Files.writeString(csv.resolve("part-0.csv"), "id,values\n1,0.5 0.25\n");
    Outcome o = train(with("--data", csv.toString(), "--out", dir.resolve("o").toString()));
    assertEquals(2, o.status());
    assertEquals(1, o.lines().size(), o.lines().toString());
    assertTrue(o.lines().get(0).startsWith("Train: option --data: " + csv + " is not Parquet "
        + "data (") && o.lines().get(0).endsWith("); give a Parquet file or folder, or --format "
        + "csv or json for text data"), o.lines().get(0));

    Outcome verbose = train(with("--data", csv.toString(), "--out", dir.resolve("o").toString(),
        "--verbose"));
    assertEquals(2, verbose.status());
    assertEquals(o.lines().get(0), verbose.lines().get(0));
    assertTrue(verbose.lines().size() > 5 && verbose.lines().get(1).startsWith(
        "dev.ember.examples.cli.Flags$UsageException: option --data")
        && verbose.lines().stream().anyMatch(l -> l.startsWith("\tat ")), verbose.lines()
        .toString());
  }

  /**
   * A failure in a Spark task (an empty series, found by the validation pass on the executors)
   * is reported by the task's own message, in one line, with status 1.
   */
  @Test
  void aTaskFailureIsReportedByItsCauseInOneLine(@TempDir Path dir) throws Exception {
    Path json = Files.writeString(dir.resolve("bad.json"),
        "{\"id\": 1, \"values\": [0.5, 0.25]}\n{\"id\": 2, \"values\": []}\n");
    Outcome o = train(with("--data", json.toString(), "--format", "json", "--out",
        dir.resolve("o").toString(), "--steps", "2"));
    assertEquals(1, o.status(), o.lines().toString());
    assertEquals(1, o.lines().size(), o.lines().toString());
    assertTrue(o.lines().get(0).startsWith("Train: ") && o.lines().get(0).contains("2")
        && o.lines().get(0).endsWith(" (--verbose prints the stack trace)")
        && !o.lines().get(0).contains("Job aborted"), o.lines().get(0));
  }

  @Test
  void oneLineTakesTheWrappersMessageAndTheRootCause() {
    RuntimeException wrapped = new java.io.UncheckedIOException("cannot write params.json",
        new java.io.IOException("No space left on device"));
    assertEquals("cannot write params.json: IOException: No space left on device",
        FailureReport.oneLine(wrapped));
    assertEquals("NullPointerException", FailureReport.oneLine(new NullPointerException()));
    assertEquals("row 3: values[2] is NaN", FailureReport.oneLine(
        new org.apache.spark.SparkException("Job aborted due to stage failure: ...\n\tat x",
            new IllegalArgumentException("row 3: values[2] is NaN\nmore"))));
  }
}
