// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock of a checkpoint folder: one holder at a time, named to the next; a stale lock (dead
 * run) recognised by its heartbeat's age, named with how to proceed, and taken over only on
 * request; a run whose lock was taken over finds out before it writes; released on close and
 * when the JVM is stopped.
 */
@Timeout(60)
class CheckpointLockTest {
  private static final Configuration CONF = new Configuration();
  private static final Duration STALE = Duration.ofMinutes(2);

  @Test
  void aSecondRunIsRefusedNamingTheHolder(@TempDir Path dir) throws Exception {
    String ck = dir.resolve("ck").toString();
    try (CheckpointLock first = CheckpointLock.acquire(ck, CONF, STALE, false)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> CheckpointLock.acquire(ck, CONF, STALE, true));
      String m = e.getMessage();
      assertTrue(m.contains("checkpoint folder " + ck + " is in use by another run: pid "
          + ProcessHandle.current().pid() + " on host "), m);
      assertTrue(m.contains("(user " + System.getProperty("user.name") + "), started "), m);
      assertTrue(m.contains("give this run another checkpoint folder"), m);
      first.checkHeld();
    }
    assertFalse(Files.exists(dir.resolve("ck").resolve(CheckpointLock.FILE)), "released");
    CheckpointLock.acquire(ck, CONF, STALE, false).close(); // free again
  }

  @Test
  void aStaleLockIsNamedWithHowToProceedAndTakenOverOnlyOnRequest(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve(CheckpointLock.FILE);
    Instant old = Instant.now().minus(Duration.ofMinutes(30));
    Files.writeString(file, holder("gone-host", 4242, old, "their-token"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CheckpointLock.acquire(dir.toString(), CONF, STALE, false));
    String m = e.getMessage();
    assertTrue(m.contains("has a stale lock") && m.contains("pid 4242 on host gone-host (user "
        + "someone)") && m.contains("last heartbeat 30 min ago"), m);
    assertTrue(m.contains("--take-over-stale-lock") && m.contains("delete " + file.toUri()
        .getPath().replaceAll("/$", "")), m);
    try (CheckpointLock mine = CheckpointLock.acquire(dir.toString(), CONF, STALE, true)) {
      CheckpointLock.Holder now = read(file);
      assertEquals(ProcessHandle.current().pid(), now.pid());
      mine.checkHeld();
    }
    // a live lock (fresh heartbeat) is never taken over
    Files.writeString(file, holder("busy-host", 7, Instant.now(), "live-token"));
    IllegalStateException live = assertThrows(IllegalStateException.class,
        () -> CheckpointLock.acquire(dir.toString(), CONF, STALE, true));
    assertTrue(live.getMessage().contains("in use by another run: pid 7 on host busy-host"),
        live.getMessage());
    assertEquals("live-token", read(file).token(), "left as it was");
  }

  /** An unreadable lock (say, empty after a crash) is judged by its file's age. */
  @Test
  void anUnreadableLockIsJudgedByItsAge(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(CheckpointLock.FILE);
    Files.writeString(file, "");
    IllegalStateException fresh = assertThrows(IllegalStateException.class,
        () -> CheckpointLock.acquire(dir.toString(), CONF, STALE, true));
    assertTrue(fresh.getMessage().contains("in use by another run: an unreadable lock file"),
        fresh.getMessage());
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
    IllegalStateException stale = assertThrows(IllegalStateException.class,
        () -> CheckpointLock.acquire(dir.toString(), CONF, STALE, false));
    assertTrue(stale.getMessage().contains("stale lock") && stale.getMessage().contains(
        "an unreadable lock file (modified 3 h ago)"), stale.getMessage());
    CheckpointLock.acquire(dir.toString(), CONF, STALE, true).close();
  }

  /**
   * The heartbeat renews the lock; when another run has taken it over, the heartbeat finds out
   * and the run is stopped before its next write, and closing it leaves the other's lock.
   */
  @Test
  void aRunWhoseLockWasTakenOverStopsBeforeItWrites(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(CheckpointLock.FILE);
    try (CheckpointLock mine = CheckpointLock.acquire(dir.toString(), CONF,
        Duration.ofMillis(1200), false)) {
      Instant started = read(file).heartbeat();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!read(file).heartbeat().isAfter(started) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(read(file).heartbeat().isAfter(started), "renewed");
      mine.checkHeld();
      Files.writeString(file, holder("other-host", 99, Instant.now(), "other-token"));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      IllegalStateException e = null;
      while (e == null && System.nanoTime() < deadline) {
        try {
          mine.checkHeld();
          Thread.sleep(50);
        } catch (IllegalStateException lost) {
          e = lost;
        }
      }
      assertTrue(e != null && e.getMessage().contains("taken over by pid 99 on host other-host")
          && e.getMessage().contains("this run stops"), String.valueOf(e));
    }
    assertEquals("other-token", read(file).token(), "the other run's lock stays");
  }

  /** A fit stopped by SIGTERM releases its lock (a JVM shutdown hook). */
  @Test
  void theLockIsReleasedWhenTheJvmIsStopped(@TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(),
        dir.toString()).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("locked")) {
        // Hadoop's start-up messages
      }
      assertEquals("locked", line);
      assertTrue(Files.exists(dir.resolve(CheckpointLock.FILE)));
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
    assertFalse(Files.exists(dir.resolve(CheckpointLock.FILE)), "released at shutdown");
  }

  /** Takes the lock of the folder {@code args[0]} and waits to be stopped. */
  static final class HoldLock {
    private HoldLock() {}

    public static void main(String[] args) throws Exception {
      CheckpointLock lock = CheckpointLock.acquire(args[0], new Configuration(), STALE, false);
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(60_000);
      lock.close();
    }
  }

  private static String holder(String host, long pid, Instant heartbeat, String token) {
    return "{\"host\": \"" + host + "\", \"pid\": " + pid + ", \"user\": \"someone\", "
        + "\"started\": \"" + heartbeat.minusSeconds(60) + "\", \"heartbeat\": \"" + heartbeat
        + "\", \"token\": \"" + token + "\"}";
  }

  private static CheckpointLock.Holder read(Path file) throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.toUri());
    return CheckpointLock.read(FileSystem.get(p.toUri(), CONF), p);
  }
}
