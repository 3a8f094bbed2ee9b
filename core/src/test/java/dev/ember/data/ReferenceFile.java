// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A reference-value resource in the key format of {@code inference-reference.txt} and {@code
 * ar1-data-reference.txt}: one value per line,
 *
 * <pre>
 *   &lt;key&gt; &lt;value&gt;              a scalar
 *   &lt;key&gt; &lt;i&gt; &lt;value&gt;          entry i of a vector
 *   &lt;key&gt; &lt;i&gt; &lt;j&gt; &lt;value&gt;      entry (i, j) of a matrix
 * </pre>
 *
 * <p>Blank lines and lines starting with {@code #} are skipped. A key has one rank throughout the
 * file, each entry appears once, and a vector or matrix must be dense (every index from 0 to its
 * largest present); anything else fails at load time with the line number.
 *
 * <pre>{@code
 * ReferenceFile ref = ReferenceFile.load("/reference/inference-reference.txt");
 * double logZ = ref.scalar("ssm.logEvidence");
 * double[] y = ref.vector("ssm.y");               // [T]
 * double[][] cov = ref.matrix("ssm.postCov");     // [T, T]
 * }</pre>
 */
public final class ReferenceFile {

  /** The entries of one key: its rank and the value text by index. */
  private static final class Entry {
    final int rank;
    final int firstLine;
    final Map<Index, String> values = new LinkedHashMap<>();

    Entry(int rank, int firstLine) {
      this.rank = rank;
      this.firstLine = firstLine;
    }
  }

  private record Index(int i, int j) {}

  private final String resource;
  private final Map<String, Entry> entries;

  private ReferenceFile(String resource, Map<String, Entry> entries) {
    this.resource = resource;
    this.entries = entries;
  }

  /**
   * Reads a classpath resource, e.g. {@code "/reference/inference-reference.txt"}.
   *
   * @throws IllegalArgumentException if it is missing or malformed
   */
  public static ReferenceFile load(String resource) {
    InputStream in = ReferenceFile.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("ReferenceFile: no resource " + resource);
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        String s = line.trim();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        String[] f = s.split("\\s+");
        if (f.length < 2 || f.length > 4) {
          throw malformed(resource, lineNo, "expected 2 to 4 fields, got " + f.length);
        }
        int rank = f.length - 2;
        final int firstLine = lineNo;
        Entry e = entries.computeIfAbsent(f[0], k -> new Entry(rank, firstLine));
        if (e.rank != rank) {
          throw malformed(resource, lineNo, "key " + f[0] + " has rank " + rank
              + " here but rank " + e.rank + " on line " + e.firstLine);
        }
        Index index = new Index(rank >= 1 ? index(f[1], resource, lineNo) : 0,
            rank == 2 ? index(f[2], resource, lineNo) : 0);
        String value = f[f.length - 1];
        if (e.values.put(index, value) != null) {
          throw malformed(resource, lineNo, "duplicate entry for " + f[0]);
        }
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("ReferenceFile: cannot read " + resource, ex);
    }
    ReferenceFile file = new ReferenceFile(resource, entries);
    for (String key : entries.keySet()) {
      file.checkDense(key);
    }
    return file;
  }

  /** The keys, in the order of their first line. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  /** Whether the file has this key. */
  public boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The rank of a key: 0 scalar, 1 vector, 2 matrix. */
  public int rank(String key) {
    return entry(key, -1).rank;
  }

  /** A scalar value. */
  public double scalar(String key) {
    return parse(key, entry(key, 0).values.get(new Index(0, 0)));
  }

  /** A scalar that must be an integer, read exactly (e.g. sizes and seeds). */
  public long integer(String key) {
    String text = entry(key, 0).values.get(new Index(0, 0));
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(
          "ReferenceFile " + resource + ": " + key + " is not an integer: " + text, ex);
    }
  }

  /** A vector, as a fresh array. */
  public double[] vector(String key) {
    Entry e = entry(key, 1);
    double[] out = new double[e.values.size()];
    for (Map.Entry<Index, String> v : e.values.entrySet()) {
      out[v.getKey().i()] = parse(key, v.getValue());
    }
    return out;
  }

  /** A vector of integers read exactly (e.g. raw 64-bit generator outputs). */
  public long[] integerVector(String key) {
    Entry e = entry(key, 1);
    long[] out = new long[e.values.size()];
    for (Map.Entry<Index, String> v : e.values.entrySet()) {
      try {
        out[v.getKey().i()] = Long.parseLong(v.getValue());
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("ReferenceFile " + resource + ": " + key + "["
            + v.getKey().i() + "] is not an integer: " + v.getValue(), ex);
      }
    }
    return out;
  }

  /** A matrix, as fresh rows. */
  public double[][] matrix(String key) {
    Entry e = entry(key, 2);
    int rows = 0;
    int cols = 0;
    for (Index ix : e.values.keySet()) {
      rows = Math.max(rows, ix.i() + 1);
      cols = Math.max(cols, ix.j() + 1);
    }
    double[][] out = new double[rows][cols];
    for (Map.Entry<Index, String> v : e.values.entrySet()) {
      out[v.getKey().i()][v.getKey().j()] = parse(key, v.getValue());
    }
    return out;
  }

  @Override
  public String toString() {
    return "ReferenceFile[" + resource + ", " + entries.size() + " keys]";
  }

  private Entry entry(String key, int rank) {
    Entry e = entries.get(key);
    if (e == null) {
      throw new IllegalArgumentException("ReferenceFile " + resource + ": no key " + key);
    }
    if (rank >= 0 && e.rank != rank) {
      throw new IllegalArgumentException("ReferenceFile " + resource + ": " + key + " has rank "
          + e.rank + ", not " + rank);
    }
    return e;
  }

  private double parse(String key, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(
          "ReferenceFile " + resource + ": " + key + " is not a number: " + text, ex);
    }
  }

  private void checkDense(String key) {
    Entry e = entries.get(key);
    if (e.rank == 0) {
      return;
    }
    int rows = 0;
    int cols = 0;
    for (Index ix : e.values.keySet()) {
      rows = Math.max(rows, ix.i() + 1);
      cols = Math.max(cols, ix.j() + 1);
    }
    long expected = e.rank == 1 ? rows : (long) rows * cols;
    if (e.values.size() != expected) {
      throw new IllegalArgumentException("ReferenceFile " + resource + ": " + key + " (line "
          + e.firstLine + ") is not dense: " + e.values.size() + " entries for shape "
          + (e.rank == 1 ? Arrays.toString(new int[] {rows})
              : Arrays.toString(new int[] {rows, cols})));
    }
  }

  private static int index(String text, String resource, int lineNo) {
    try {
      int i = Integer.parseInt(text);
      if (i < 0) {
        throw malformed(resource, lineNo, "negative index " + i);
      }
      return i;
    } catch (NumberFormatException ex) {
      throw malformed(resource, lineNo, "index is not an integer: " + text);
    }
  }

  private static IllegalArgumentException malformed(String resource, int lineNo, String why) {
    return new IllegalArgumentException(
        "ReferenceFile " + resource + " line " + lineNo + ": " + why);
  }
}
