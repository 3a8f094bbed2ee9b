// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * One writer per checkpoint folder: a lock file {@value #FILE} created atomically through
 * Hadoop's {@link FileSystem} (create with overwrite off), holding its owner (host, pid, user), its
 * start time and a heartbeat that a daemon thread renews every {@code staleAfter / 6} (at most
 * every 10 s). A second run on the folder is refused with a message naming the holder; a lock
 * whose heartbeat is older than {@code staleAfter} is stale (its run died without releasing it),
 * and the message says how to proceed: take it over ({@code takeOverStale}) or delete the file.
 * The lock is released by {@link #close} and, if the JVM is stopped (SIGTERM, SIGINT), by a
 * shutdown hook; a run killed outright (SIGKILL) leaves a lock that becomes stale.
 *
 * <pre>{@code
 * try (CheckpointLock lock = CheckpointLock.acquire(dir, conf, Duration.ofMinutes(2), false)) {
 *   ...
 *   lock.checkHeld();     // before each write: throws if another run took the folder over
 * }
 * }</pre>
 *
 * <p>On file systems where an exclusive create is a check followed by a create (Hadoop's local
 * file system), two runs starting in the same millisecond could both create the file: the lock
 * holds a random token, so the run whose token was overwritten finds out when it reads the file
 * back right after creating it, or at its next heartbeat, and stops before its next write.
 * Heartbeats are compared with the reader's clock: hosts' clocks must agree to well within
 * {@code staleAfter}.
 */
final class CheckpointLock implements AutoCloseable {
  /** The lock file's name in the checkpoint folder. */
  static final String FILE = "ember.lock";

  /** How old a heartbeat must be for the lock to count as stale, by default. */
  static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(2);

  private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(10);
  private static final int READ_TRIES = 5;

  private final FileSystem fs;
  private final Path file;
  private final Holder mine;
  private final Duration staleAfter;
  private final ScheduledExecutorService heartbeat;
  private final Runnable releaseAtShutdown = this::release;
  private volatile String lost; // why the lock is no longer this run's, or null
  private volatile Instant lastRenewed;
  private boolean released;

  /**
   * Who holds a lock.
   *
   * @param host the holder's host name
   * @param pid its process id
   * @param user its user
   * @param started when it took the lock
   * @param heartbeat when it last renewed it
   * @param token a random token that tells two holders apart
   */
  record Holder(String host, long pid, String user, Instant started, Instant heartbeat,
      String token) {

    /** The holder as a message names it, with the heartbeat's age at {@code now}. */
    String describe(Instant now) {
      return "pid " + pid + " on host " + host + " (user " + user + "), started " + started
          + ", last heartbeat " + age(Duration.between(heartbeat, now)) + " ago";
    }

    ObjectNode toJson() {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("host", host);
      o.put("pid", pid);
      o.put("user", user);
      o.put("started", started.toString());
      o.put("heartbeat", heartbeat.toString());
      o.put("token", token);
      return o;
    }

    static Holder fromJson(JsonNode o) {
      return new Holder(Json.text(o, "host"), Json.number(o, "pid").longValue(),
          Json.text(o, "user"), Instant.parse(Json.text(o, "started")),
          Instant.parse(Json.text(o, "heartbeat")), Json.text(o, "token"));
    }
  }

  private CheckpointLock(FileSystem fs, Path file, Holder mine, Duration staleAfter) {
    this.fs = fs;
    this.file = file;
    this.mine = mine;
    this.staleAfter = staleAfter;
    this.lastRenewed = mine.heartbeat();
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ember checkpoint lock heartbeat " + file);
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(100, Math.min(MAX_HEARTBEAT.toMillis(), staleAfter.toMillis() / 6));
    heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    ShutdownHookManager.get().addShutdownHook(releaseAtShutdown,
        FileSystem.SHUTDOWN_HOOK_PRIORITY + 1); // before Hadoop closes its file systems
  }

  /**
   * Takes the lock of checkpoint folder {@code dir} (created if needed).
   *
   * @param staleAfter the heartbeat age after which a lock counts as left by a dead run
   * @param takeOverStale whether to replace a stale lock (a live one is never taken over)
   * @throws IllegalStateException naming the holder, if another run holds the lock or left it
   *     stale (and {@code takeOverStale} is off)
   */
  static CheckpointLock acquire(String dir, Configuration conf, Duration staleAfter,
      boolean takeOverStale) {
    Path file = new Path(dir, FILE);
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (fs instanceof ChecksumFileSystem checksummed) {
        // no checksum file beside the lock: a lock rewritten or deleted by hand stays readable
        fs = checksummed.getRawFileSystem();
      }
      fs.mkdirs(file.getParent());
      Holder mine = newHolder();
      for (int attempt = 0; attempt < 2; attempt++) {
        if (create(fs, file, mine)) {
          Holder there = read(fs, file);
          if (there != null && there.token().equals(mine.token())) {
            return new CheckpointLock(fs, file, mine, staleAfter);
          }
        }
        Holder other = read(fs, file);
        Instant now = Instant.now();
        Instant beat = other != null ? other.heartbeat()
            : Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime());
        String who = other != null ? other.describe(now)
            : "an unreadable lock file (modified " + age(Duration.between(beat, now)) + " ago)";
        if (Duration.between(beat, now).compareTo(staleAfter) < 0) {
          throw new IllegalStateException("checkpoint folder " + dir + " is in use by another "
              + "run: " + who + "; wait for it to finish, or give this run another checkpoint "
              + "folder");
        }
        if (!takeOverStale) {
          throw new IllegalStateException("checkpoint folder " + dir + " has a stale lock " + file
              + " left by " + who + " (a running fit renews it every few seconds), so that run "
              + "has probably stopped; if no run uses the folder, take the lock over with "
              + "--take-over-stale-lock (SparkSvi.Builder#takeOverStaleLock) or delete " + file);
        }
        Holder again = read(fs, file);
        if (other == null ? again == null : again != null && again.token().equals(other.token())) {
          fs.delete(file, false); // still the stale lock: no one took it over meanwhile
        }
      }
      throw new IllegalStateException("checkpoint folder " + dir + ": another run took over the "
          + "stale lock " + file + " at the same time; give this run another checkpoint folder");
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint folder " + dir + ": taking the lock " + file
          + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Throws if this run no longer holds the lock (another run took it over as stale, it was
   * deleted, or it could not be renewed for {@code staleAfter}): the run must not write.
   */
  void checkHeld() {
    String why = lost;
    if (why != null) {
      throw new IllegalStateException("the lock " + file + " is no longer this run's (" + why
          + "); this run stops so as not to mix its checkpoints with another run's");
    }
  }

  /** Stops the heartbeat and deletes the lock file if it is still this run's. */
  @Override
  public void close() {
    release();
    try {
      ShutdownHookManager.get().removeShutdownHook(releaseAtShutdown);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs (or ran) release, which is idempotent
    }
  }

  private synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    heartbeat.shutdownNow();
    try {
      Holder there = read(fs, file);
      if (there != null && there.token().equals(mine.token())) {
        fs.delete(file, false);
      }
    } catch (IOException | RuntimeException e) {
      // the lock stays and becomes stale; its message says how to remove it
    }
  }

  /** One heartbeat: rewrites the lock with the time, unless it is no longer this run's. */
  private synchronized void renew() {
    if (released || lost != null) {
      return;
    }
    Instant now = Instant.now();
    try {
      Holder there = read(fs, file);
      if (there == null || !there.token().equals(mine.token())) {
        lost = there == null ? "the lock file was deleted or cannot be read"
            : "it was taken over by " + there.describe(now);
        heartbeat.shutdown();
        return;
      }
      write(fs, file, new Holder(mine.host(), mine.pid(), mine.user(), mine.started(), now,
          mine.token()), true);
      lastRenewed = now;
    } catch (IOException | RuntimeException e) {
      if (Duration.between(lastRenewed, now).compareTo(staleAfter) >= 0) {
        lost = "it could not be renewed for " + age(Duration.between(lastRenewed, now)) + ": " + e;
        heartbeat.shutdown();
      }
    }
  }

  private static Holder newHolder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    Instant now = Instant.now();
    return new Holder(host, ProcessHandle.current().pid(), System.getProperty("user.name", "?"),
        now, now, UUID.randomUUID().toString());
  }

  /** Creates the lock file holding {@code h}; false if it exists already. */
  private static boolean create(FileSystem fs, Path file, Holder h) throws IOException {
    try {
      write(fs, file, h, false);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) {
        return false; // a file system that reports an existing file otherwise
      }
      throw e;
    }
  }

  private static void write(FileSystem fs, Path file, Holder h, boolean overwrite)
      throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(h.toJson());
    try (FSDataOutputStream out = fs.create(file, overwrite)) {
      out.write(bytes);
    }
  }

  /**
   * The holder in the lock file, or null if there is none or it cannot be read (tried a few
   * times: a heartbeat may be rewriting it).
   */
  static Holder read(FileSystem fs, Path file) throws IOException {
    for (int i = 0; i < READ_TRIES; i++) {
      if (!fs.exists(file)) {
        return null;
      }
      try (var in = fs.open(file)) {
        return Holder.fromJson(Json.parse(in.readAllBytes()));
      } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    return null;
  }

  /** A duration as people read it: "3 s", "12 min", "5 h". */
  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
  }
}
