// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.infer.SviState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A fit's position, written atomically through Hadoop's {@link FileSystem} (local disk, HDFS and
 * object stores alike): the SVI state (params, optimizer state, key, step), the seed and batch
 * size that fix the minibatch sequence (so the epoch position follows from the step), the
 * annealing schedule's text, the loss history, and where the per-series params are (a directory
 * of per-series states written by the executors, {@link SeriesTraining#checkpoint}).
 *
 * <p>Each checkpoint is one file {@code step-<12 digits>.ckpt}, written to a temporary name and
 * renamed: a write interrupted before the rename leaves only a temporary file, which {@link
 * #latest} ignores, so the previous checkpoint stays the one resumed from.
 *
 * <pre>{@code
 * Checkpoint.write(dir, conf, new Checkpoint(Checkpoint.FORMAT, state, seed, 256, "constant:1.0", losses));
 * Checkpoint last = Checkpoint.latest(dir, conf);   // null when there is none
 * }</pre>
 *
 * @param format the format version ({@link #FORMAT})
 * @param state the SVI state after {@code state.step()} steps
 * @param seed the fit's seed
 * @param batchSize the minibatch size
 * @param annealing the annealing schedule's spec, or "" for none
 * @param losses the loss of every step so far
 * @param series the per-series params ({@link SeriesParams#none()} if there are none)
 * @param seriesDir the directory, inside the checkpoint directory, holding every series' params
 *     and moments at this step ("" if there are none); written before this file, which commits it
 */
public record Checkpoint(int format, SviState state, long seed, int batchSize, String annealing,
    double[] losses, SeriesParams series, String seriesDir) implements Serializable {

  /** The current format version: 2 added the per-series params. */
  public static final int FORMAT = 2;

  /** A checkpoint of a fit without per-series params. */
  public Checkpoint(int format, SviState state, long seed, int batchSize, String annealing,
      double[] losses) {
    this(format, state, seed, batchSize, annealing, losses, SeriesParams.none(), "");
  }

  private static final String PREFIX = "step-";
  private static final String SUFFIX = ".ckpt";

  /** Writes {@code c} into {@code dir} (created if needed): temporary file, then rename. */
  public static void write(String dir, Configuration conf, Checkpoint c) {
    try {
      Path d = new Path(dir);
      FileSystem fs = d.getFileSystem(conf);
      fs.mkdirs(d);
      String name = String.format("%s%012d%s", PREFIX, c.state().step(), SUFFIX);
      Path tmp = new Path(d, "." + name + "." + java.util.UUID.randomUUID() + ".tmp");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(c);
      }
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        out.write(bytes.toByteArray());
      }
      Path target = new Path(d, name);
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint: writing to " + dir + " failed", e);
    }
  }

  /** The checkpoint of the highest step in {@code dir}, or null if there is none. */
  public static Checkpoint latest(String dir, Configuration conf) {
    try {
      Path d = new Path(dir);
      FileSystem fs = d.getFileSystem(conf);
      if (!fs.exists(d)) {
        return null;
      }
      Path best = null;
      for (FileStatus st : fs.listStatus(d)) {
        String n = st.getPath().getName();
        if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)
            && (best == null || n.compareTo(best.getName()) > 0)) {
          best = st.getPath();
        }
      }
      if (best == null) {
        return null;
      }
      try (FSDataInputStream in = fs.open(best);
          ObjectInputStream obj = new ObjectInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
        Checkpoint c = (Checkpoint) obj.readObject();
        if (c.format() != FORMAT) {
          throw new IllegalStateException("checkpoint " + best + " has format " + c.format()
              + "; this version reads format " + FORMAT);
        }
        return c;
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("checkpoint: reading " + dir + " failed: " + e, e);
    }
  }
}
