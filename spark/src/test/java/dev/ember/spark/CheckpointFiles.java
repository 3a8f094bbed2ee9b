// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the checkpoint tests do to checkpoint folders on the local disk. */
final class CheckpointFiles {
  private CheckpointFiles() {}

  /** A console that prints nothing. */
  static PrintStream quiet() {
    return new PrintStream(OutputStream.nullOutputStream());
  }

  /** Deletes {@code p} and everything under it. */
  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** Copies the folder {@code from} to {@code to}. */
  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  /**
   * Replaces {@code file}'s content, dropping the file system's checksum next to it ({@code
   * .NAME.crc}, which Hadoop's local file system would check first), as a disk or a copy that
   * damages a file would.
   */
  static void rewrite(Path file, byte[] content) throws IOException {
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    Files.write(file, content);
  }

  /** Cuts {@code file} to its first {@code bytes} bytes. */
  static void truncate(Path file, int bytes) throws IOException {
    byte[] all = Files.readAllBytes(file);
    rewrite(file, java.util.Arrays.copyOf(all, Math.min(bytes, all.length)));
  }

  /** Flips the lowest bit of the byte at {@code offset} (counted from the end if negative). */
  static void flipBit(Path file, int offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int at = offset < 0 ? all.length + offset : offset;
    all[at] ^= 1;
    rewrite(file, all);
  }
}
