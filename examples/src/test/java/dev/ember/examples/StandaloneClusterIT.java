// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ember.examples.cli.JobIo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The application jar on a real Spark standalone cluster: a Master and two Workers (one core
 * each) as separate JVMs on 127.0.0.1, with a SPARK_HOME whose {@code jars/} are links to the
 * build's own resolved Spark classpath ({@code target/spark-classpath.txt}, written by the
 * dependency plugin). {@link LocalLevelSpark} is submitted through {@code
 * org.apache.spark.deploy.SparkSubmit} (what {@code spark-submit} runs) and must write the same
 * params and losses as a {@code local[2]} run of the same command in this JVM (1e-10; the engine
 * is deterministic given seed, batch size and data); then again with one executor JVM killed
 * mid-run, which must not change the result; and with the per-series guide, whose params live on
 * the executors and in checkpoints, killed after a checkpoint, against its own local run.
 *
 * <p>Every JVM gets Spark's environment (SPARK_HOME, SPARK_SCALA_VERSION, SPARK_LOCAL_IP, local
 * and temp dirs in this test's folder), the {@code --add-opens} list, a small heap and the quick
 * JIT settings; the Master's REST server is off. Each daemon and the driver run under {@link
 * Watchdog}, which kills the JVM and its children when this JVM disappears, so a killed test run
 * leaves nothing behind. Every wait has a deadline.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final String JIT = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  static final int STEPS = 80;

  static Path root;
  static Path sparkHome;
  static Path watchdogDir;
  static Map<String, String> env;
  static int masterPort;
  static Process master;
  static final List<Process> WORKERS = new ArrayList<>();
  static final List<Process> DRIVERS = new ArrayList<>();
  static Map<String, Double> localParams;
  static List<String> localLosses;

  /**
   * Runs {@code mainClass} in this JVM and kills the JVM, with its child processes, when the
   * process {@code args[0]} (the test JVM) is gone. Loaded alone from its own folder, so it must
   * not touch its enclosing class.
   */
  static final class Watchdog {
    private Watchdog() {}

    /** {@code parentPid mainClass args...}. */
    public static void main(String[] args) throws Exception {
      long parent = Long.parseLong(args[0]);
      Thread t = new Thread(() -> {
        Optional<ProcessHandle> p = ProcessHandle.of(parent);
        p.ifPresent(h -> h.onExit().join());
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(137);
      }, "ember-watchdog");
      t.setDaemon(true);
      t.start();
      Method main = Class.forName(args[1]).getMethod("main", String[].class);
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("ember-cluster-it");
    sparkHome = root.resolve("spark-home");
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    String cp = Files.readString(Path.of(property("ember.spark.classpath"))).strip();
    for (String jar : cp.split(java.io.File.pathSeparator)) {
      Path p = Path.of(jar);
      Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
    }
    watchdogDir = root.resolve("watchdog");
    String name = Watchdog.class.getName().replace('.', '/') + ".class";
    Path target = watchdogDir.resolve(name);
    Files.createDirectories(target.getParent());
    try (InputStream in = Watchdog.class.getClassLoader().getResourceAsStream(name)) {
      Files.copy(in, target);
    }
    Files.createDirectories(root.resolve("tmp"));
    Files.createDirectories(root.resolve("local"));
    Files.createDirectories(root.resolve("logs"));
    env = Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_HOSTNAME", "127.0.0.1",
        "SPARK_LOCAL_DIRS", root.resolve("local").toString());

    masterPort = freePort();
    master = launch("master", "org.apache.spark.deploy.master.Master", List.of(
        "-Dspark.master.rest.enabled=false"), List.of("--host", "127.0.0.1", "--port",
        Integer.toString(masterPort), "--webui-port", Integer.toString(freePort())));
    // Workers only once the Master is ALIVE: starting them together costs registration retries
    await("the Master to be ALIVE", 30, () -> log("master").contains("New state: ALIVE"));
    for (int i = 0; i < 2; i++) {
      Path work = Files.createDirectories(root.resolve("work-" + i));
      WORKERS.add(launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", List.of(),
          List.of("spark://127.0.0.1:" + masterPort, "--cores", "1", "--memory", "1g", "--host",
              "127.0.0.1", "--port", "0", "--webui-port", "0", "--work-dir", work.toString())));
    }
    for (int i = 0; i < 2; i++) {
      String w = "worker-" + i;
      await(w + " to register", 30, () -> log(w).contains("Successfully registered with master"));
    }
  }

  @AfterAll
  static void stopCluster() {
    if (System.getProperty("ember.it.keep") != null) {
      System.out.println("StandaloneClusterIT: keeping " + root);
    }
    List<Process> all = new ArrayList<>(DRIVERS);
    all.addAll(WORKERS);
    if (master != null) {
      all.add(master);
    }
    for (Process p : all) {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
    if (root != null && System.getProperty("ember.it.keep") == null) {
      try (Stream<Path> s = Files.walk(root)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp folder left behind is harmless
      }
    }
  }

  /** The example's arguments: small data, an output folder of its own. */
  static List<String> args(String run) {
    return List.of("--series", "400", "--length", "30", "--variable-lengths", "--steps",
        Integer.toString(STEPS), "--batch-size", "100", "--seed", "7", "--report-every", "5",
        "--forecast-series", "3", "--data", root.resolve("data-" + run).toString(), "--out",
        root.resolve("out-" + run).toString());
  }

  @Test
  @Order(1)
  void localReference() throws Exception {
    List<String> a = new ArrayList<>(args("local"));
    a.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"));
    LocalLevelSpark.Fit fit = LocalLevelSpark.run(a.toArray(new String[0]),
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    assertEquals(STEPS, fit.losses().length);
    localParams = JobIo.readScalarParams(root.resolve("out-local/params.json"));
    localLosses = Files.readAllLines(root.resolve("out-local/loss.csv"));
    assertEquals(STEPS + 1, localLosses.size());
  }

  @Test
  @Order(2)
  void onTheClusterTheResultEqualsTheLocalOne() throws Exception {
    Process driver = submit("cluster");
    assertTrue(driver.waitFor(90, TimeUnit.SECONDS), "the job did not finish in 90 s:\n"
        + tail("driver-cluster"));
    assertEquals(0, driver.exitValue(), tail("driver-cluster"));
    assertTrue(log("driver-cluster").contains("spark://127.0.0.1:" + masterPort),
        tail("driver-cluster"));
    // spark-submit installs Spark's INFO profile; the job turns it off as its session starts,
    // after Spark's three lines of its version (Ember's own messages, "ember ...", stay)
    List<String> info = log("driver-cluster").lines()
        .filter(l -> l.contains(" INFO ") && !l.contains(": ember")).toList();
    assertTrue(info.size() <= 3 && info.stream().allMatch(l -> l.contains(" INFO SparkContext: ")),
        String.join("\n", info));
    assertSameResult("cluster");
  }

  @Test
  @Order(3)
  void killingAnExecutorMidRunChangesNothing() throws Exception {
    killAnExecutorAfter(submit("kill"), "kill", 10);
    assertSameResult("kill");
  }

  /**
   * The per-series guide, whose params live in the executors' memory and in the checkpoint
   * directory (every 20 steps): killed after step 30, the lost executor's series are recomputed
   * from the checkpoint of step 20 and the steps since; params, losses and the forecasts from the
   * series' own states equal a {@code local[2]} run of the same command.
   */
  @Test
  @Order(4)
  void perSeriesParamsSurviveAKilledExecutor() throws Exception {
    List<String> a = new ArrayList<>(args("series-local"));
    a.addAll(perSeries("series-local"));
    a.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"));
    LocalLevelSpark.run(a.toArray(new String[0]),
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    killAnExecutorAfter(submit("series-kill", perSeries("series-kill")), "series-kill", 30);
    assertSameOutputs("series-local", "series-kill");
    assertEquals(Files.readAllLines(root.resolve("out-series-local/forecast.csv")).size(), 4);
    List<String> want = Files.readAllLines(root.resolve("out-series-local/forecast.csv"));
    List<String> got = Files.readAllLines(root.resolve("out-series-kill/forecast.csv"));
    for (int i = 1; i < want.size(); i++) {
      String[] w = want.get(i).split(",");
      String[] g = got.get(i).split(",");
      assertEquals(w[0], g[0]);
      for (int c = 3; c < w.length; c++) {
        double x = Double.parseDouble(w[c]);
        assertEquals(x, Double.parseDouble(g[c]), 1e-10 * Math.max(1, Math.abs(x)),
            "forecast.csv row " + i + " column " + c);
      }
    }
  }

  static List<String> perSeries(String run) {
    return List.of("--guide", "per-series", "--checkpoint-dir",
        root.resolve("ck-" + run).toString(), "--checkpoint-every", "20");
  }

  /** Kills one executor JVM once the driver has logged step {@code step}; the job must finish. */
  static void killAnExecutorAfter(Process driver, String run, int step) throws Exception {
    String name = "driver-" + run;
    // the executors start during the data's write, which takes 30-40 s on a loaded 2-core machine
    await("step " + step + " on the cluster", 120,
        () -> log(name).contains("step " + step + "/" + STEPS));
    assertTrue(driver.isAlive(), "the job ended before the kill:\n" + tail(name));
    ProcessHandle executor = WORKERS.stream().flatMap(Process::children)
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .findFirst().orElseThrow(() -> new AssertionError("no executor JVM among the Workers' "
            + "children:\n" + tail(name)));
    executor.destroyForcibly();
    assertTrue(executor.onExit().get(10, TimeUnit.SECONDS) != null);
    String atKill = log(name);
    assertFalse(atKill.contains("step " + STEPS + "/" + STEPS), "the kill came too late");
    System.out.println("StandaloneClusterIT: killed executor JVM " + executor.pid() + " at: "
        + atKill.lines().filter(l -> l.startsWith("step ")).reduce((x, y) -> y).orElse("?"));
    assertTrue(driver.waitFor(90, TimeUnit.SECONDS), "the job did not finish in 90 s after the "
        + "kill:\n" + tail(name));
    assertEquals(0, driver.exitValue(), tail(name));
    String after = log(name);
    assertTrue(after.contains("Lost executor"), "the driver saw no executor loss:\n" + tail(name));
    after.lines().filter(l -> l.contains("Lost executor") || l.contains("fit:"))
        .forEach(l -> System.out.println("StandaloneClusterIT: driver: " + l));
  }

  /** params.json and loss.csv of {@code run} equal those of {@code reference} (1e-10). */
  static void assertSameOutputs(String reference, String run) throws IOException {
    Map<String, Double> want = JobIo.readScalarParams(root.resolve("out-" + reference + "/params.json"));
    Map<String, Double> params = JobIo.readScalarParams(root.resolve("out-" + run + "/params.json"));
    assertEquals(want.keySet(), params.keySet());
    for (Map.Entry<String, Double> e : want.entrySet()) {
      assertEquals(e.getValue(), params.get(e.getKey()), 1e-10 * Math.max(1, Math.abs(e.getValue())),
          e.getKey());
    }
    List<String> wantLosses = Files.readAllLines(root.resolve("out-" + reference + "/loss.csv"));
    List<String> losses = Files.readAllLines(root.resolve("out-" + run + "/loss.csv"));
    assertEquals(wantLosses.size(), losses.size());
    for (int i = 1; i < losses.size(); i++) {
      double w = Double.parseDouble(wantLosses.get(i).split(",")[1]);
      double got = Double.parseDouble(losses.get(i).split(",")[1]);
      assertEquals(w, got, 1e-10 * Math.abs(w), "loss at step " + i);
    }
  }

  static void assertSameResult(String run) throws IOException {
    if (localParams == null) {
      fail("the local reference run failed");
    }
    assertSameOutputs("local", run);
  }

  /** Submits the example to the cluster through SparkSubmit, client mode. */
  static Process submit(String run) throws IOException {
    return submit(run, List.of());
  }

  /** As {@link #submit(String)}, with {@code extra} arguments for the example. */
  static Process submit(String run, List<String> extra) throws IOException {
    List<String> a = new ArrayList<>(List.of("--master", "spark://127.0.0.1:" + masterPort,
        "--deploy-mode", "client", "--class", LocalLevelSpark.class.getName(),
        "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=768m",
        "--conf", "spark.executor.extraJavaOptions=" + JIT + " -Djava.io.tmpdir=" + root.resolve("tmp"),
        property("ember.app.jar")));
    a.addAll(args(run));
    a.addAll(extra);
    Process p = launch("driver-" + run, "org.apache.spark.deploy.SparkSubmit", List.of(), a);
    DRIVERS.add(p);
    return p;
  }

  /** Starts {@code main} under the watchdog in a JVM of its own, output to logs/{name}.log. */
  static Process launch(String name, String main, List<String> jvm, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    cmd.addAll(List.of(JIT.split(" ")));
    cmd.addAll(List.of(property("ember.spark.jvm").trim().split("\\s+")));
    cmd.add("-Djava.io.tmpdir=" + root.resolve("tmp"));
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(watchdogDir + java.io.File.pathSeparator + sparkHome.resolve("jars") + "/*");
    cmd.add(Watchdog.class.getName());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(main);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(root.resolve("logs").resolve(name + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static String log(String name) {
    try {
      Path p = root.resolve("logs").resolve(name + ".log");
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(String name) {
    String s = log(name);
    return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
  }

  static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + seconds + " s waiting for " + what + "; master log:\n"
            + tail("master"));
      }
      Thread.sleep(100);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String property(String key) {
    String v = System.getProperty(key);
    if (v == null) {
      throw new IllegalStateException("system property " + key + " is not set; run this test "
          + "through Maven (failsafe sets it)");
    }
    return v;
  }
}
