// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example compiles, runs, and prints what its closed form says. */
class ReadmeExampleTest {

  private static String readmeExample() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher m =
        Pattern.compile("<!-- readme-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertTrue(m.find(), "README.md has a ```java block after <!-- readme-example -->");
    return m.group(1);
  }

  @Test
  void readmeExampleCompilesAndPrintsTheClosedForm(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("ReadmeExample.java");
    Files.writeString(src, readmeExample());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests need a JDK");
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc =
        javac.run(
            null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
            "-d", dir.toString(), src.toString());
    assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream old = System.out;
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      Method main = loader.loadClass("ReadmeExample").getMethod("main", String[].class);
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(old);
    }

    // y = (2.1, 1.9, 2.4, 1.6), mu = 1.8, sigma = 1: residuals r = (0.3, 0.1, 0.6, -0.2)
    List<Double> r = List.of(0.3, 0.1, 0.6, -0.2);
    double sumR = r.stream().mapToDouble(Double::doubleValue).sum();
    double sumR2 = r.stream().mapToDouble(v -> v * v).sum();
    double logp = -0.5 * sumR2 - 4 * 0.5 * Math.log(2 * Math.PI);
    String expected =
        String.format(
            Locale.ROOT, "log p = %.6f, d/dmu = %.6f, d/dlogSigma = %.6f%n",
            logp, sumR, sumR2 - 4);
    assertEquals(expected, printed.toString(StandardCharsets.UTF_8));
  }
}
