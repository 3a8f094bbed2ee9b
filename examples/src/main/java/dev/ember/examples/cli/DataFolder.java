// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A folder a user named for a dataset that Ember generates and writes as Parquet (the examples'
 * {@code --data DIR}), written so that nothing else in it is ever deleted.
 *
 * <pre>{@code
 * DataFolder data = DataFolder.check("data", "/tmp/ar1", false, conf);  // before generating
 * List<String> files = data.write(rows);       // the Parquet files written
 * Dataset<Row> back = spark.read().parquet(files.toArray(new String[0]));
 * }</pre>
 *
 * <p>Rules: a new or empty folder is written; so is one whose {@link FolderMarker} lists every
 * entry in it (a dataset Ember wrote there before), whose files are then replaced. Any other
 * non-empty folder is refused unless {@code overwrite}: the new files are then written beside
 * the user's, and only a dataset Ember wrote there before is deleted. The data are read back
 * from the files written, never by listing the folder, so the user's files do not mix in.
 *
 * <p>Order of writing, so that the marker always covers every file of Ember's in the folder: Spark
 * writes into a temporary sibling (deleted on failure and on SIGINT or SIGTERM); the marker is
 * rewritten to list the old and the new files; the new files are renamed in; the old ones are
 * deleted; the marker is rewritten to list the new ones only.
 */
public final class DataFolder {
  /** The marker's kind for a sequence dataset. */
  static final String KIND = "sequences";

  private final String flag;
  private final FileSystem fs;
  private final Path dir;

  private DataFolder(String flag, FileSystem fs, Path dir) {
    this.flag = flag;
    this.fs = fs;
    this.dir = dir;
  }

  /**
   * Checks that {@code path} can take a dataset, before it is generated.
   *
   * @param flag the option that named the folder, for messages
   * @param path the folder, any Hadoop path
   * @param overwrite whether a non-empty folder of the user's may take the dataset beside its files
   * @param conf the Hadoop configuration
   * @throws Flags.UsageException if it is a file, or holds what Ember did not write and {@code
   *     overwrite} is not given
   */
  public static DataFolder check(String flag, String path, boolean overwrite, Configuration conf) {
    FileSystem fs;
    Path dir;
    boolean isFile;
    List<String> foreign;
    try {
      Path p = new Path(path);
      fs = p.getFileSystem(conf);
      dir = fs.makeQualified(p);
      boolean exists = fs.exists(dir);
      isFile = exists && !fs.getFileStatus(dir).isDirectory();
      foreign = !exists || isFile ? List.of()
          : FolderMarker.foreignEntries(fs, dir, marker(fs, dir));
    } catch (IOException | IllegalArgumentException e) {
      throw new Flags.UsageException("option --" + flag + ": cannot use '" + path + "': "
          + e.getMessage(), e);
    }
    if (isFile) {
      throw new Flags.UsageException("option --" + flag + ": " + dir + " is a file; give a "
          + "folder (new, empty, or one Ember wrote its data to)");
    }
    if (!foreign.isEmpty() && !overwrite) {
      throw new Flags.UsageException("option --" + flag + ": " + dir + " holds what Ember did "
          + "not write there (" + FolderMarker.some(foreign, 5) + "); give a new or empty "
          + "folder, or add --overwrite to write the data beside them (they are kept: only data "
          + "Ember wrote there is ever deleted)");
    }
    return new DataFolder(flag, fs, dir);
  }

  /** The folder's marker if it holds a sequence dataset of Ember's. */
  private static Optional<FolderMarker> marker(FileSystem fs, Path dir) throws IOException {
    return FolderMarker.read(fs, dir).filter(m -> m.kind().equals(KIND));
  }

  /** The folder, qualified. */
  public String path() {
    return dir.toString();
  }

  /**
   * Writes {@code rows} as Parquet into the folder, replacing the dataset Ember wrote there
   * before, if any, and nothing else.
   *
   * @return the Parquet files written, qualified, to read the data back from
   */
  public List<String> write(Dataset<Row> rows) {
    Path staging = OutputFolder.sibling(dir, "ember-tmp");
    DeleteOnShutdown guard = DeleteOnShutdown.register(fs, staging);
    try {
      rows.write().parquet(staging.toString());
      return moveIn(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("option --" + flag + ": cannot write the data into " + dir,
          e);
    } finally {
      try {
        fs.delete(staging, true);
      } catch (IOException e) {
        System.err.println("could not delete the temporary data " + staging + ": "
            + e.getMessage());
      }
      guard.close();
    }
  }

  private List<String> moveIn(Path staging) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(staging)) {
      String name = s.getPath().getName();
      // the data files (Hadoop's local file system moves their checksum files with them, and
      // lists them only on a raw listing); Spark's _SUCCESS stays behind
      if (s.isFile() && (name.startsWith("part-") || name.startsWith(".part-"))) {
        names.add(name);
      }
    }
    fs.mkdirs(dir);
    Optional<FolderMarker> old = marker(fs, dir);
    List<String> oldNames = old.map(FolderMarker::entries).orElse(List.of());
    for (String n : names) {
      if (fs.exists(new Path(dir, n)) && !oldNames.contains(n)) {
        throw new IOException(new Path(dir, n) + " exists and is not Ember's");
      }
    }
    Set<String> both = new LinkedHashSet<>(oldNames);
    both.addAll(names);
    new FolderMarker(KIND, new ArrayList<>(both)).write(fs, dir);
    for (String n : names) {
      fs.delete(new Path(dir, n), false); // an old file of Ember's of the same name
      if (!fs.rename(new Path(staging, n), new Path(dir, n))) {
        throw new IOException("cannot rename " + new Path(staging, n) + " into " + dir);
      }
    }
    for (String n : oldNames) {
      if (!names.contains(n)) {
        fs.delete(new Path(dir, n), true);
      }
    }
    new FolderMarker(KIND, names).write(fs, dir);
    List<String> files = new ArrayList<>();
    for (String n : names) {
      if (!n.startsWith(".")) {
        files.add(new Path(dir, n).toString());
      }
    }
    return files;
  }
}
