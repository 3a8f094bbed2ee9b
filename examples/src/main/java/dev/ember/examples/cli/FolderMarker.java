// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What Ember wrote in a folder: the file {@value #NAME} in it, listing the entries it wrote there
 * and what they are. It is how a later run recognises a folder as Ember's, so that it replaces
 * or deletes only what Ember wrote and never a user's own files. Its name starts with an
 * underscore, so Spark and Hadoop readers of the folder's data skip it.
 *
 * <pre>{@code
 * new FolderMarker("train-output", List.of("params.json", "loss.csv")).write(fs, dir);
 * Optional<FolderMarker> m = FolderMarker.read(fs, dir);   // the same marker
 * List<String> others = FolderMarker.foreignEntries(fs, dir, m); // entries it did not write
 * }</pre>
 *
 * <p>Format (UTF-8 lines): {@code format=ember-folder-v1}, {@code kind=KIND}, then one {@code
 * entry=NAME} per entry (a file or a folder directly inside). A file of that name in another
 * format is not taken for a marker.
 *
 * @param kind what the folder holds, e.g. {@code train-output}, {@code sequences}
 * @param entries the names of the entries Ember wrote there
 */
public record FolderMarker(String kind, List<String> entries) {
  /** The marker's file name. */
  public static final String NAME = "_EMBER_WRITTEN";

  private static final String FORMAT = "format=ember-folder-v1";

  /** A marker; {@code entries} are copied. */
  public FolderMarker {
    entries = List.copyOf(entries);
  }

  /**
   * The marker in {@code dir}, if there is one in this format.
   *
   * @throws IOException if the folder or the marker cannot be read
   */
  public static Optional<FolderMarker> read(FileSystem fs, Path dir) throws IOException {
    Path file = new Path(dir, NAME);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    if (lines.size() < 2 || !lines.get(0).equals(FORMAT) || !lines.get(1).startsWith("kind=")) {
      return Optional.empty();
    }
    List<String> entries = new ArrayList<>();
    for (String line : lines.subList(2, lines.size())) {
      if (line.startsWith("entry=")) {
        entries.add(line.substring("entry=".length()));
      }
    }
    return Optional.of(new FolderMarker(lines.get(1).substring("kind=".length()), entries));
  }

  /**
   * Writes this marker into {@code dir}, whole: to a temporary name first, then renamed over any
   * earlier marker.
   *
   * @throws IOException if it cannot be written
   */
  public void write(FileSystem fs, Path dir) throws IOException {
    StringBuilder sb = new StringBuilder(FORMAT).append('\n').append("kind=").append(kind)
        .append('\n');
    for (String e : entries) {
      sb.append("entry=").append(e).append('\n');
    }
    Path file = new Path(dir, NAME);
    Path temp = new Path(dir, "." + NAME + ".tmp");
    FileSystem raw = OutputFolder.plain(fs);
    try (OutputStream out = raw.create(temp, true)) {
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    raw.delete(file, false);
    if (!raw.rename(temp, file)) {
      throw new IOException("cannot rename " + temp + " to " + file);
    }
  }

  /**
   * The entries of {@code dir} that {@code marker}, the folder's marker, does not list, the marker
   * itself aside; all of them if there is no marker (a file of its name in another format
   * included). Sorted.
   *
   * @throws IOException if the folder cannot be listed
   */
  public static List<String> foreignEntries(FileSystem fs, Path dir,
      Optional<FolderMarker> marker) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      boolean ours = marker.isPresent()
          && (name.equals(NAME) || marker.get().entries().contains(name));
      if (!ours) {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }

  /** At most {@code max} of {@code names}, comma-separated, with how many more there are. */
  static String some(List<String> names, int max) {
    String shown = String.join(", ", names.subList(0, Math.min(max, names.size())));
    return names.size() <= max ? shown : shown + " and " + (names.size() - max) + " more";
  }
}
