// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs are whole or absent: a non-empty folder is refused unless --overwrite, and then only
 * an earlier output of Ember's is replaced, once the new one is complete; nothing is visible at
 * the target before the commit; a user's folder is never deleted.
 */
class OutputFolderTest {
  static final Configuration CONF = new Configuration();

  static OutputFolder open(Path out, boolean overwrite) {
    return OutputFolder.open("out", out.toString(), overwrite, CONF, "test-output");
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theOutputAppearsWholeAtTheCommitAndNothingIsLeftBeside(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("run1");
    try (OutputFolder o = open(out, false)) {
      o.writeText("params.json", "{}\n");
      o.write("loss.png", new byte[] {1, 2, 3});
      assertFalse(Files.exists(out), "nothing at the target before the commit");
      assertEquals(1, names(dir).size(), "one temporary sibling: " + names(dir));
      assertTrue(names(dir).get(0).startsWith(".run1.ember-tmp-"), names(dir).toString());
      assertEquals("file:" + out, o.commit());
    }
    assertEquals(List.of("run1"), names(dir));
    assertEquals(List.of(FolderMarker.NAME, "loss.png", "params.json"), names(out),
        "no checksum files beside them");
    assertEquals("{}\n", Files.readString(out.resolve("params.json")));
    FolderMarker m = FolderMarker.read(FileSystem.getLocal(CONF),
        new org.apache.hadoop.fs.Path(out.toUri())).orElseThrow();
    assertEquals("test-output", m.kind());
    assertEquals(List.of("loss.png", "params.json"), m.entries().stream().sorted().toList());
  }

  /**
   * The reported mix: an earlier run's series-params/ stayed beside a new params.json. Now a
   * second run is refused without --overwrite, and with it the whole output is replaced.
   */
  @Test
  void anEarlierOutputIsRefusedWithoutOverwriteAndReplacedWholeWithIt(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("run");
    try (OutputFolder o = open(out, false)) {
      o.writeText("params.json", "old");
      Files.createDirectories(Path.of(java.net.URI.create(o.stagingPath("series-params"))));
      Files.writeString(Path.of(java.net.URI.create(o.stagingPath("series-params/part-0"))), "x");
      o.commit();
    }
    Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> open(out, false));
    assertTrue(e.getMessage().startsWith("option --out: file:" + out + " holds an earlier output "
        + "(params.json, series-params); give a new or empty folder, or add --overwrite"),
        e.getMessage());
    assertEquals(List.of("run"), names(dir), "the refusal left nothing behind");

    try (OutputFolder o = open(out, true)) {
      o.writeText("params.json", "new");
      assertEquals("old", Files.readString(out.resolve("params.json")),
          "the old output stays until the new one is complete");
      o.commit();
    }
    assertEquals(List.of(FolderMarker.NAME, "params.json"), names(out), "no stale series-params");
    assertEquals("new", Files.readString(out.resolve("params.json")));
    assertEquals(List.of("run"), names(dir), "the old output is deleted, no sibling is left");
  }

  /** A failed run (no commit) leaves an earlier output as it was and no temporary folder. */
  @Test
  void aRunThatFailsBeforeTheCommitChangesNothing(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    try (OutputFolder o = open(out, false)) {
      o.writeText("a.csv", "1");
      o.commit();
    }
    assertThrows(IllegalStateException.class, () -> {
      try (OutputFolder o = open(out, true)) {
        o.writeText("a.csv", "2");
        throw new IllegalStateException("the fit failed");
      }
    });
    assertEquals("1", Files.readString(out.resolve("a.csv")));
    assertEquals(List.of("run"), names(dir));
  }

  /** A folder holding anything Ember did not write there is never replaced, --overwrite or not. */
  @Test
  void aUsersFolderIsNeverReplaced(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("mine");
    Files.createDirectories(out.resolve("notes"));
    Files.writeString(out.resolve("thesis.tex"), "years of work");
    for (boolean overwrite : new boolean[] {false, true}) {
      Flags.UsageException e = assertThrows(Flags.UsageException.class,
          () -> open(out, overwrite));
      assertTrue(e.getMessage().startsWith("option --out: file:" + out + " is not empty and holds "
          + "what Ember did not write there (notes, thesis.tex); give a new or empty folder"),
          e.getMessage());
    }
    // an earlier output of Ember's to which a user added a file is theirs now, too
    Path ours = dir.resolve("ours");
    try (OutputFolder o = open(ours, false)) {
      o.writeText("loss.csv", "step,loss\n");
      o.commit();
    }
    Files.writeString(ours.resolve("my-notes.txt"), "keep");
    Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> open(ours, true));
    assertTrue(e.getMessage().contains("(my-notes.txt)") && e.getMessage().endsWith(
        "(--overwrite replaces only an earlier output of Ember's)"), e.getMessage());
    assertEquals("years of work", Files.readString(out.resolve("thesis.tex")));
    assertEquals("keep", Files.readString(ours.resolve("my-notes.txt")));
  }

  /** An empty folder is written; a file, or a folder under a file, is named before any work. */
  @Test
  void emptyFoldersAreWrittenAndUnwritablePlacesNamedAtOnce(@TempDir Path dir) throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    try (OutputFolder o = open(empty, false)) {
      o.writeText("x", "1");
      o.commit();
    }
    assertEquals("1", Files.readString(empty.resolve("x")));

    Path file = Files.writeString(dir.resolve("file.txt"), "a file", StandardCharsets.UTF_8);
    Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> open(file, true));
    assertEquals("option --out: file:" + file + " is a file; give a folder (new or empty)",
        e.getMessage());
    e = assertThrows(Flags.UsageException.class, () -> open(file.resolve("out"), false));
    assertTrue(e.getMessage().startsWith("option --out: cannot write in file:" + file),
        e.getMessage());
    assertEquals("a file", Files.readString(file));
  }
}
