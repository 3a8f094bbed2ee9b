// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder under {@code java.io.tmpdir} for one run's intermediate data, removed when the run
 * ends: normally, on an error, and when the JVM is stopped by SIGINT or SIGTERM ({@link
 * DeleteOnShutdown}).
 *
 * <pre>{@code
 * try (TemporaryFolder tmp = TemporaryFolder.create("ember-ar1-data")) {
 *   String dir = tmp.resolve("sequences.parquet");   // file:/tmp/ember-ar1-data.../sequences.parquet
 *   ...
 * }                                                   // deleted
 * }</pre>
 */
public final class TemporaryFolder implements AutoCloseable {
  private final FileSystem fs;
  private final Path dir;
  private final DeleteOnShutdown guard;

  private TemporaryFolder(FileSystem fs, Path dir, DeleteOnShutdown guard) {
    this.fs = fs;
    this.dir = dir;
    this.guard = guard;
  }

  /** A new empty folder named {@code prefix} and a unique suffix under {@code java.io.tmpdir}. */
  public static TemporaryFolder create(String prefix) {
    try {
      FileSystem local = FileSystem.getLocal(new Configuration());
      Path dir = local.makeQualified(new Path(Files.createTempDirectory(prefix).toUri()));
      return new TemporaryFolder(local, dir, DeleteOnShutdown.register(local, dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder under "
          + System.getProperty("java.io.tmpdir"), e);
    }
  }

  /** The path of {@code name} inside the folder, qualified ({@code file:/...}). */
  public String resolve(String name) {
    return new Path(dir, name).toString();
  }

  /** Deletes the folder and all in it. */
  @Override
  public void close() {
    try {
      fs.delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the temporary folder " + dir, e);
    } finally {
      guard.close();
    }
  }
}
