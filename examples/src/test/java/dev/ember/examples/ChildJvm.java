// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A main run in a JVM of its own, as a user runs it, with this JVM's class path, its Spark
 * module options and its own {@code java.io.tmpdir}; standard output and error go to files. For
 * tests that signal or kill the process, or read exactly what it prints.
 *
 * <pre>{@code
 * ChildJvm c = ChildJvm.start(dir, "dev.ember.examples.cli.Train", "--help");
 * c.waitFor(60);
 * c.stdout();
 * }</pre>
 */
final class ChildJvm {
  final Process process;
  final Path tmp;
  final Path out;
  final Path err;

  private ChildJvm(Process process, Path tmp, Path out, Path err) {
    this.process = process;
    this.tmp = tmp;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code main} with {@code args}; {@code dir} gets its tmpdir and output files. */
  static ChildJvm start(Path dir, String main, String... args) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> cmd = new ArrayList<>();
    if (ignoresSigint()) {
      // a child inherits an ignored SIGINT, and a JVM then never handles it: reset it first
      cmd.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
        cmd.add(a);
      }
    }
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(err.toFile()).directory(dir.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return new ChildJvm(pb.start(), tmp, out, err);
  }

  /** Whether this process ignores SIGINT (bit 2 of SigIgn; Linux only, else false). */
  static boolean ignoresSigint() throws IOException {
    File status = new File("/proc/self/status");
    if (!status.exists()) {
      return false;
    }
    for (String line : Files.readAllLines(status.toPath())) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 2L) != 0;
      }
    }
    return false;
  }

  String stdout() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Waits until {@code condition} holds, at most {@code seconds}; false if it never did. */
  boolean await(BooleanSupplier condition, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (!process.isAlive()) {
        return condition.getAsBoolean();
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Sends {@code signal} (e.g. "INT", "TERM") to the JVM. */
  void signal(String signal) throws IOException, InterruptedException {
    long pid = process.descendants().filter(h -> h.info().command().orElse("").endsWith("java"))
        .findFirst().map(ProcessHandle::pid).orElse(process.pid());
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  /** Waits for the exit, at most {@code seconds}, then kills it; its exit status. */
  int waitFor(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the child JVM did not end within " + seconds + " s; killed");
    }
    return process.exitValue();
  }

  /** Kills it if it still runs (a test's clean-up). */
  void destroy() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
