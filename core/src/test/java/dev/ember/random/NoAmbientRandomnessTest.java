// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Randomness in core is explicit and keyed: no ambient generators in its main sources. */
class NoAmbientRandomnessTest {
  @Test
  void coreMainSourcesUseNoJavaUtilRandom() throws IOException {
    Path main = Path.of("src/main/java");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(main)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(NoAmbientRandomnessTest::mentionsAmbientRandom)
              .map(Path::toString)
              .collect(Collectors.toList());
    }
    assertEquals(List.of(), offenders, "use RngKey and Samplers instead of java.util.Random");
  }

  private static boolean mentionsAmbientRandom(Path p) {
    try {
      String s = Files.readString(p);
      return s.contains("java.util.Random")
          || s.contains("java.util.SplittableRandom")
          || s.contains("Math.random(")
          || s.contains("ThreadLocalRandom");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
