// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's output folder, whole or absent: opened before the work (so a folder that cannot be
 * written is named before a fit, not after it), written in a temporary sibling, and renamed into
 * place when complete. Everything goes through Hadoop's {@link FileSystem}, so the folder may be
 * on local disk, HDFS or an object store.
 *
 * <pre>{@code
 * try (OutputFolder out = OutputFolder.open("out", "/tmp/run1", false, conf, "train-output")) {
 *   // ... the fit ...
 *   out.writeText("params.json", json);
 *   fit.seriesParams().write().parquet(out.stagingPath("series-params"));
 *   out.commit();   // now /tmp/run1 holds both, or (on any failure before) nothing new
 * }
 * }</pre>
 *
 * <p>Rules: a new or empty folder is written. A non-empty one is refused unless {@code
 * overwrite}, and even then only if it is an earlier output that Ember wrote: its {@link
 * FolderMarker} lists every entry in it. It is then replaced only once the new output is complete
 * (renamed aside, the new one renamed in, the old one deleted). A folder holding anything else is
 * never deleted. On a failure, or when the JVM is stopped by SIGINT or SIGTERM, the temporary
 * sibling is deleted ({@link DeleteOnShutdown}).
 */
public final class OutputFolder implements AutoCloseable {
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final String kind;
  private final boolean replace;
  private final DeleteOnShutdown guard;
  private boolean committed;

  private OutputFolder(FileSystem fs, Path target, Path staging, String kind, boolean replace,
      DeleteOnShutdown guard) {
    this.fs = fs;
    this.target = target;
    this.staging = staging;
    this.kind = kind;
    this.replace = replace;
    this.guard = guard;
  }

  /**
   * Checks that {@code path} can take the output and creates its temporary sibling.
   *
   * @param flag the option that named the folder, for messages
   * @param path the folder, any Hadoop path (no scheme: the default file system)
   * @param overwrite whether an earlier output of Ember's there may be replaced
   * @param conf the Hadoop configuration (Spark's, so that its {@code spark.hadoop.*} apply)
   * @param kind what the output is, recorded in its marker
   * @throws Flags.UsageException if the folder is a file, holds what Ember did not write, or is not
   *     empty without {@code overwrite}, or if its parent cannot be written
   */
  public static OutputFolder open(String flag, String path, boolean overwrite, Configuration conf,
      String kind) {
    Path target;
    FileSystem fs;
    try {
      Path p = new Path(path);
      fs = p.getFileSystem(conf);
      target = fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new Flags.UsageException("option --" + flag + ": cannot use '" + path + "': "
          + e.getMessage(), e);
    }
    if (target.getParent() == null) {
      throw new Flags.UsageException("option --" + flag + ": " + target + " is the root of its "
          + "file system; give a folder inside it");
    }
    boolean replace;
    try {
      replace = checkTarget(flag, fs, target, overwrite);
    } catch (IOException e) {
      throw new Flags.UsageException("option --" + flag + ": cannot read " + target + ": "
          + e.getMessage(), e);
    }
    Path staging = sibling(target, "ember-tmp");
    DeleteOnShutdown guard = DeleteOnShutdown.register(fs, staging);
    try {
      if (!fs.mkdirs(staging)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      guard.close();
      throw new Flags.UsageException("option --" + flag + ": cannot write in "
          + target.getParent() + " (" + e.getMessage() + "); give a folder you can write", e);
    }
    return new OutputFolder(fs, target, staging, kind, replace, guard);
  }

  /** Whether there is an output to replace; refuses what may not be written over. */
  private static boolean checkTarget(String flag, FileSystem fs, Path target, boolean overwrite)
      throws IOException {
    if (!fs.exists(target)) {
      return false;
    }
    if (!fs.getFileStatus(target).isDirectory()) {
      throw new Flags.UsageException("option --" + flag + ": " + target + " is a file; give a "
          + "folder (new or empty)");
    }
    FileStatus[] inside = fs.listStatus(target);
    if (inside.length == 0) {
      return false;
    }
    Optional<FolderMarker> marker = FolderMarker.read(fs, target);
    List<String> foreign = FolderMarker.foreignEntries(fs, target, marker);
    if (!foreign.isEmpty()) {
      throw new Flags.UsageException("option --" + flag + ": " + target + " is not empty and holds "
          + "what Ember did not write there (" + FolderMarker.some(foreign, 5) + "); give a new or "
          + "empty folder" + (overwrite ? " (--overwrite replaces only an earlier output of "
          + "Ember's)" : ""));
    }
    if (!overwrite) {
      throw new Flags.UsageException("option --" + flag + ": " + target + " holds an earlier "
          + "output (" + FolderMarker.some(marker.get().entries().stream().sorted().toList(), 5)
          + "); give a new or empty folder, or add --overwrite to replace it once the new "
          + "output is complete");
    }
    return true;
  }

  /** A hidden sibling of {@code target} with a unique name: {@code .NAME.TAG-UUID}. */
  static Path sibling(Path target, String tag) {
    return new Path(target.getParent(), "." + target.getName() + "." + tag + "-"
        + UUID.randomUUID());
  }

  /** The folder the output will be in, qualified. */
  public String target() {
    return target.toString();
  }

  /** The path of {@code entry} in the temporary folder, for writers such as Spark's. */
  public String stagingPath(String entry) {
    return new Path(staging, entry).toString();
  }

  /** The temporary folder itself, for a writer that fills the whole output (Spark's Parquet). */
  public String stagingPath() {
    return staging.toString();
  }

  /** Writes {@code bytes} as the file {@code entry} of the output. */
  public void write(String entry, byte[] bytes) {
    try (OutputStream out = plain(fs).create(new Path(staging, entry), false)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + entry + " into " + staging, e);
    }
  }

  /** Writes {@code text} (UTF-8) as the file {@code entry} of the output. */
  public void writeText(String entry, String text) {
    write(entry, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Puts the complete output in place: records its entries in a {@link FolderMarker}, then
   * renames the temporary folder to the target (an earlier output being replaced is renamed
   * aside first and deleted last; if the rename in fails, it is put back).
   *
   * @return the target, qualified
   */
  public String commit() {
    try {
      List<String> entries = new ArrayList<>();
      for (FileStatus s : fs.listStatus(staging)) {
        entries.add(s.getPath().getName());
      }
      new FolderMarker(kind, entries).write(fs, staging);
      Path old = null;
      if (fs.exists(target)) {
        if (!replace && fs.listStatus(target).length > 0) {
          throw new IllegalStateException(target + " was written by someone else during this run; "
              + "the new output is discarded, and what is there is left as it is");
        }
        old = sibling(target, "ember-old");
        if (!fs.rename(target, old)) {
          throw new IOException("cannot rename " + target + " aside to " + old);
        }
      }
      if (!fs.rename(staging, target)) {
        if (old != null && !fs.exists(target)) {
          fs.rename(old, target);
        }
        throw new IOException("cannot rename " + staging + " to " + target);
      }
      committed = true;
      if (old != null) {
        fs.delete(old, true);
      }
      return target.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot put the output in place at " + target, e);
    }
  }

  /** Deletes the temporary folder unless the output was committed. */
  @Override
  public void close() {
    try {
      if (!committed) {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the temporary output " + staging, e);
    } finally {
      guard.close();
    }
  }

  /**
   * The file system for files Ember writes itself: Hadoop's local file system without its
   * checksum files ({@code .NAME.crc} beside each), any other as it is.
   */
  static FileSystem plain(FileSystem fs) {
    return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
  }
}
