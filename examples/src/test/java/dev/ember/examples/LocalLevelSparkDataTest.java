// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.examples.cli.Flags;
import dev.ember.examples.cli.FolderMarker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LocalLevelSpark --data DIR} never deletes what Ember did not write there: it used to
 * write in Spark's overwrite mode, which deleted everything in DIR, other files and folders too.
 */
@Timeout(240)
class LocalLevelSparkDataTest {
  static LocalLevelSpark.Fit run(Path data, Path out, int series, String... more) {
    List<String> a = new ArrayList<>(List.of("--series", Integer.toString(series), "--length",
        "8", "--steps", "2", "--batch-size", "10", "--master", "local[1]", "--conf",
        "spark.ui.enabled=false", "--forecast-series", "0", "--data", data.toString(), "--out",
        out.toString()));
    a.addAll(List.of(more));
    return LocalLevelSpark.run(a.toArray(new String[0]),
        new PrintStream(OutputStream.nullOutputStream()));
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static List<String> marked(Path dir) throws IOException {
    return FolderMarker.read(FileSystem.getLocal(new Configuration()),
        new org.apache.hadoop.fs.Path(dir.toUri())).orElseThrow().entries().stream().sorted()
        .toList();
  }

  /**
   * A folder with the user's files is refused; with --overwrite the data go beside them and only
   * they are read; a second run replaces Ember's files only (the fit sees the new series alone).
   */
  @Test
  void theUsersFilesInTheDataFolderAreKept(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("notes.txt"), "mine");
    Files.createDirectories(data.resolve("archive"));
    Files.writeString(data.resolve("archive/2025.csv"), "id,values\n");

    Flags.UsageException e = assertThrows(Flags.UsageException.class,
        () -> run(data, dir.resolve("out0"), 40));
    assertTrue(e.getMessage().startsWith("option --data: file:" + data + " holds what Ember did "
        + "not write there (archive, notes.txt); give a new or empty folder, or add --overwrite"),
        e.getMessage());
    assertEquals(List.of("archive", "notes.txt"), names(data));
    assertFalse(Files.exists(dir.resolve("out0")));

    LocalLevelSpark.Fit first = run(data, dir.resolve("out1"), 40, "--overwrite");
    assertEquals(40, first.series(), "the fit read Ember's files only");
    List<String> firstFiles = marked(data);
    assertFalse(firstFiles.isEmpty());
    assertTrue(firstFiles.stream().allMatch(n -> n.startsWith("part-") || n.startsWith(".part-")),
        firstFiles.toString());
    assertEquals("mine", Files.readString(data.resolve("notes.txt")));
    assertEquals("id,values\n", Files.readString(data.resolve("archive/2025.csv")));

    LocalLevelSpark.Fit second = run(data, dir.resolve("out2"), 30, "--overwrite");
    assertEquals(30, second.series(), "the earlier data are replaced, not added to");
    List<String> secondFiles = marked(data);
    assertTrue(secondFiles.stream().noneMatch(firstFiles::contains));
    List<String> want = new ArrayList<>(List.of("archive", "notes.txt", FolderMarker.NAME));
    for (String f : secondFiles) {
      want.addAll(List.of(f, "." + f + ".crc")); // Hadoop's local checksums go with their files
    }
    assertEquals(want.stream().sorted().toList(), names(data));
    assertEquals(List.of("data", "out1", "out2"), names(dir), "no temporary sibling is left");
  }

  /** A folder holding only a dataset Ember wrote is written again without --overwrite. */
  @Test
  void emberSDataFolderIsReplacedWithoutOverwrite(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    run(data, dir.resolve("out1"), 20);
    List<String> before = marked(data);
    assertEquals(24, run(data, dir.resolve("out2"), 24).series());
    assertTrue(marked(data).stream().noneMatch(before::contains));
    Files.writeString(dir.resolve("file"), "x");
    Flags.UsageException e = assertThrows(Flags.UsageException.class,
        () -> run(dir.resolve("file"), dir.resolve("out3"), 20));
    assertTrue(e.getMessage().startsWith("option --data: file:" + dir.resolve("file")
        + " is a file"), e.getMessage());
  }
}
