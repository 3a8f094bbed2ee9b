// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.infer.SviState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint folder, on any Hadoop file system, while one fit writes it: it holds the folder's
 * lock ({@link CheckpointLock}) from {@link #open} to {@link #close}; it resumes from the newest
 * checkpoint that is whole ({@link #resume}), skipping with a warning one that is damaged; and it
 * writes checkpoints in {@link CheckpointFormat}, keeping the last two complete ones, each with
 * its per-series folder, so that a damaged checkpoint costs one interval, not the run.
 *
 * <pre>{@code
 * try (CheckpointStore store = CheckpointStore.open(dir, spark, staleAfter, false, System.err)) {
 *   Checkpoint resumed = store.resume(run, initialState, seriesLayout);   // null: none yet
 *   ...
 *   String seriesFolder = store.prepare(step);     // the executors write per-series state there
 *   store.commit(new Checkpoint(run, state, losses, seriesLayout, seriesSummary));
 * }
 * }</pre>
 *
 * <p>Only what Ember names is ever deleted: {@code step-<12 digits>} folders older than the two
 * kept, and unfinished ones; other files in the folder are left alone. A folder of an earlier
 * format (Java-serialized {@code step-*.ckpt} files) is refused.
 */
final class CheckpointStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final Pattern STEP = Pattern.compile("step-(\\d{12})");
  private static final Pattern OLD_FORMAT = Pattern.compile("step-\\d{12}\\.ckpt");

  /** Complete checkpoints kept: the newest, and one to fall back to. */
  static final int KEPT = 2;

  private final String dir;
  private final FileSystem fs;
  private final SparkSession spark;
  private final PrintStream console;
  private final CheckpointLock lock;
  private final java.util.Set<Long> damaged = new java.util.HashSet<>(); // found by resume

  private CheckpointStore(String dir, FileSystem fs, SparkSession spark, PrintStream console,
      CheckpointLock lock) {
    this.dir = dir;
    this.fs = fs;
    this.spark = spark;
    this.console = console;
    this.lock = lock;
  }

  /**
   * The checkpoint folder {@code dir}, locked for this fit.
   *
   * @param console where the notices go: resuming, and damaged checkpoints skipped
   * @throws IllegalStateException if another run holds the folder ({@link CheckpointLock}) or
   *     it holds checkpoints of an earlier format
   */
  static CheckpointStore open(String dir, SparkSession spark, Duration staleAfter,
      boolean takeOverStale, PrintStream console) {
    Path d = new Path(dir);
    FileSystem fs;
    try {
      fs = d.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(d)) {
        for (FileStatus f : fs.listStatus(d)) {
          if (OLD_FORMAT.matcher(f.getPath().getName()).matches()) {
            throw new IllegalStateException("checkpoint folder " + dir + " holds " + f.getPath()
                .getName() + ", a checkpoint of an earlier Ember (format 2, Java serialization) "
                + "that this version cannot read; finish that run with the version that wrote "
                + "it, or use another checkpoint folder");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint folder " + dir + " cannot be read: "
          + e.getMessage(), e);
    }
    CheckpointLock lock = CheckpointLock.acquire(dir, spark.sparkContext().hadoopConfiguration(),
        staleAfter, takeOverStale);
    return new CheckpointStore(dir, fs, spark, console, lock);
  }

  /**
   * The newest whole checkpoint, attached to the resuming model ({@link
   * CheckpointContents#attach}), or null if there is none; the console says "resuming from step
   * S of DIR". A checkpoint that is damaged (interrupted, empty, truncated, failing a checksum,
   * per-series files missing or altered) is skipped with a warning on the console, and the
   * previous one is used.
   *
   * @param now the resuming run's definition
   * @param initial the model's initial state (its params' names, shapes and constraints)
   * @param layout the guide's per-series params
   * @throws IllegalStateException if the newest readable checkpoint was written by another run
   *     (naming each difference), is past the steps asked for, or holds other params; or if the
   *     folder holds checkpoints but none is whole
   */
  Checkpoint resume(RunDefinition now, SviState initial, SeriesParams layout) {
    List<String> skipped = new ArrayList<>();
    for (long step : stepsNewestFirst()) {
      Path folder = folder(step);
      CheckpointContents c;
      try {
        if (!fs.exists(new Path(folder, CheckpointFormat.HEADER))) {
          throw new CheckpointFormat.Damaged("unfinished: it has no " + CheckpointFormat.HEADER
              + " (the run was stopped while writing it)");
        }
        c = CheckpointFormat.read(fs, folder, step);
        refuseAnotherRun(c, now);
        Checkpoint attached = c.attach(initial, layout);
        if (c.seriesState() != null) {
          checkSeriesFolder(folder, c.seriesState());
        }
        notice("resuming from step " + step + " of " + dir);
        return attached;
      } catch (CheckpointFormat.Damaged e) {
        skipped.add(folder.getName() + " (" + e.getMessage() + ")");
        damaged.add(step);
        notice("warning: checkpoint " + folder + " is damaged: " + e.getMessage()
            + "; falling back to the previous one");
      } catch (IOException e) {
        throw new UncheckedIOException("checkpoint folder " + dir + ": reading " + folder
            + " failed: " + e.getMessage(), e);
      }
    }
    if (!skipped.isEmpty()) {
      throw new IllegalStateException("checkpoint folder " + dir + " holds no whole checkpoint: "
          + String.join("; ", skipped) + "; move those folders away to start afresh, or use "
          + "another checkpoint folder");
    }
    return null;
  }

  /**
   * The per-series folder for the checkpoint of {@code step}, its step folder emptied of what an
   * earlier, unfinished or damaged write of the same step left.
   */
  String prepare(long step) {
    lock.checkHeld();
    Path folder = folder(step);
    try {
      fs.delete(folder, true);
      fs.mkdirs(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint: preparing " + folder + " failed: "
          + e.getMessage(), e);
    }
    return new Path(folder, CheckpointFormat.SERIES).toString();
  }

  /** The per-series folder of the checkpoint of {@code step}, as {@link #resume} found it. */
  String seriesFolder(long step) {
    return new Path(folder(step), CheckpointFormat.SERIES).toString();
  }

  /**
   * Writes {@code c} into the folder of its step (after {@link #prepare} and the per-series
   * state), which commits it, and then deletes the complete checkpoints before the last {@value
   * #KEPT} and any unfinished or damaged one before it.
   */
  void commit(Checkpoint c) {
    lock.checkHeld();
    long step = c.state().step();
    try {
      CheckpointFormat.write(fs, folder(step), c);
      List<Long> complete = new ArrayList<>();
      damaged.remove(step);
      for (long s : stepsNewestFirst()) {
        boolean whole = !damaged.contains(s)
            && fs.exists(new Path(folder(s), CheckpointFormat.HEADER));
        if (s <= step && whole) {
          complete.add(s);
        }
        if (s < step && (!whole || complete.size() > KEPT)) {
          fs.delete(folder(s), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint: writing " + folder(step) + " failed: "
          + e.getMessage(), e);
    }
  }

  /** Releases the folder's lock. */
  @Override
  public void close() {
    lock.close();
  }

  /** Refuses a checkpoint of another run, or one past the steps asked for. */
  private void refuseAnotherRun(CheckpointContents c, RunDefinition now) {
    List<String> differences = c.run().differences(now);
    if (c.step() > now.steps()) {
      throw new IllegalStateException("fit: refused: the checkpoint in " + dir + " is at step "
          + c.step() + ", past the " + now.steps() + " steps asked for, and a fit does not go "
          + "back; ask for the " + c.run().steps() + " steps it was started with, or use another "
          + "checkpoint folder (differences: " + String.join("; ", differences) + ")");
    }
    if (!differences.isEmpty()) {
      throw new IllegalStateException("fit: refused to resume from step " + c.step() + " of "
          + dir + ", written by another run: " + String.join("; ", differences) + ". Resume "
          + "with the same data and settings, or use another checkpoint folder");
    }
  }

  /** Reads the per-series folder on the executors and compares it with the header's summary. */
  private void checkSeriesFolder(Path folder, SeriesStateFiles.Summary expected)
      throws CheckpointFormat.Damaged {
    String path = new Path(folder, CheckpointFormat.SERIES).toString();
    SeriesStateFiles.Summary found;
    try {
      spark.sparkContext().setJobDescription("ember checkpoint check " + folder.getName());
      found = SeriesStateFiles.summarize(SeriesStateFiles.read(spark, path));
    } catch (Exception e) { // Spark rethrows a task's IOException undeclared
      throw new CheckpointFormat.Damaged("its per-series folder cannot be read: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!found.equals(expected)) {
      throw new CheckpointFormat.Damaged("its per-series folder holds " + found.rows()
          + " series that fail their checksum (the header records " + expected.rows() + ")");
    }
  }

  private void notice(String message) {
    console.println(message);
    console.flush();
    LOG.info("ember: {}", message);
  }

  private Path folder(long step) {
    return new Path(dir, String.format("step-%012d", step));
  }

  /** The steps of the {@code step-*} folders, newest first. */
  private List<Long> stepsNewestFirst() {
    List<Long> out = new ArrayList<>();
    try {
      Path d = new Path(dir);
      if (!fs.exists(d)) {
        return out;
      }
      for (FileStatus f : fs.listStatus(d)) {
        Matcher m = STEP.matcher(f.getPath().getName());
        if (f.isDirectory() && m.matches()) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint folder " + dir + " cannot be listed: "
          + e.getMessage(), e);
    }
    out.sort(java.util.Comparator.reverseOrder());
    return out;
  }
}
