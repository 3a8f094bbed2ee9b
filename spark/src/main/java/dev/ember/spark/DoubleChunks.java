// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * Doubles appended in chunks, which then hold them for good (a partition's rows are read from
 * them; no copy into one array of the exact size, which would double the memory a partition
 * needs while it is built). The chunks grow from {@value #FIRST_CHUNK} doubles by doubling up to
 * {@value #LARGEST_CHUNK} (8 MB), so a small
 * partition allocates little, and the chunks that hold most of a large one are above the
 * collector's size for ordinary objects (G1's humongous objects, at most half a region of up to
 * 16 MB): they are placed where they stay, never copied by a young collection while the
 * partition is still being read. (Chunks of a fixed 256 KB were each copied by every young
 * collection until the partition was done: pauses of 100 to 250 ms while a partition of a
 * million rows was read.)
 *
 * <pre>{@code
 * DoubleChunks c = new DoubleChunks();
 * c.append(new double[] {1.5, 2.5});
 * c.appendChecked(UnsafeArrayData.fromPrimitiveArray(new double[] {3.0}));  // true
 * c.toArray();   // [1.5, 2.5, 3.0]
 * c.chunk(c.chunkOf(2))[2 - c.chunkStart(c.chunkOf(2))];   // 3.0, in place
 * }</pre>
 */
final class DoubleChunks implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int FIRST_CHUNK = 1 << 15;
  static final int LARGEST_CHUNK = 1 << 20;

  private final int first;
  private final int largest;
  private final ArrayList<double[]> chunks = new ArrayList<>();
  // where each chunk begins, in a plain array: chunkOf runs once per row a step reads
  private int[] starts = new int[8];
  private int size;

  DoubleChunks() {
    this(FIRST_CHUNK, LARGEST_CHUNK);
  }

  /** Chunks of {@code first} doubles, doubling up to {@code largest}. */
  DoubleChunks(int first, int largest) {
    this.first = first;
    this.largest = largest;
  }

  /** Appends {@code v}'s doubles. */
  void append(double[] v) {
    for (int done = 0; done < v.length; ) {
      double[] chunk = lastWithRoom();
      int at = size - starts[chunks.size() - 1];
      int piece = Math.min(v.length - done, chunk.length - at);
      System.arraycopy(v, done, chunk, at, piece);
      done += piece;
      size += piece;
    }
  }

  /** Appends {@code src}'s doubles at positions {@code from .. from + len}, chunk to chunk. */
  void append(DoubleChunks src, int from, int len) {
    int c = src.chunkOf(from);
    for (int done = 0; done < len; ) {
      double[] chunk = lastWithRoom();
      int at = size - starts[chunks.size() - 1];
      int o = from + done - src.chunkStart(c);
      if (o == src.chunk(c).length) { // src's next chunk
        c++;
        o = 0;
      }
      int piece = Math.min(len - done, Math.min(chunk.length - at, src.chunk(c).length - o));
      System.arraycopy(src.chunk(c), o, chunk, at, piece);
      done += piece;
      size += piece;
    }
  }

  /**
   * Appends an unsafe array's doubles, each checked as it is copied; if one is null (which Spark
   * reads as 0) or not finite, appends nothing and returns false. (Element by element: a native
   * copy per row and a second pass to check it took about 15% longer, at rows of 20 doubles.)
   */
  boolean appendChecked(UnsafeArrayData a) {
    int len = a.numElements();
    Object base = a.getBaseObject();
    long from = a.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(len);
    int start = size;
    for (int done = 0; done < len; ) {
      double[] chunk = lastWithRoom();
      int at = size - starts[chunks.size() - 1];
      int piece = Math.min(len - done, chunk.length - at);
      for (int k = 0; k < piece; k++) {
        double v = Platform.getDouble(base, from + 8L * (done + k));
        chunk[at + k] = v;
        if (!Double.isFinite(v) || (v == 0.0 && a.isNullAt(done + k))) {
          truncate(start);
          return false;
        }
      }
      done += piece;
      size += piece;
    }
    return true;
  }

  /** The chunk the next double goes to: the last one, or a new one when it is full or absent. */
  private double[] lastWithRoom() {
    int last = chunks.size() - 1;
    if (last < 0 || size - starts[last] == chunks.get(last).length) {
      chunks.add(new double[last < 0 ? first : Math.min(largest, 2 * chunks.get(last).length)]);
      if (chunks.size() > starts.length) {
        starts = Arrays.copyOf(starts, 2 * starts.length);
      }
      starts[chunks.size() - 1] = size;
    }
    return chunks.get(chunks.size() - 1);
  }

  /** Forgets everything from position {@code to} on (the chunks that begin there or later). */
  void truncate(int to) {
    while (!chunks.isEmpty() && starts[chunks.size() - 1] >= to) {
      chunks.remove(chunks.size() - 1);
    }
    size = to;
  }

  int size() {
    return size;
  }

  /**
   * Shrinks the last chunk to the doubles it holds (a copy of at most {@value #LARGEST_CHUNK}), so
   * that what is kept holds no unused tail: call when nothing more is appended.
   */
  void trim() {
    int last = chunks.size() - 1;
    if (last >= 0 && chunkUsed(last) < chunks.get(last).length) {
      chunks.set(last, Arrays.copyOf(chunks.get(last), chunkUsed(last)));
    }
  }

  /** The number of chunks. */
  int chunkCount() {
    return chunks.size();
  }

  /** Chunk {@code c} itself (read, never written, by those who hold these chunks). */
  double[] chunk(int c) {
    return chunks.get(c);
  }

  /** The position of chunk {@code c}'s first double. */
  int chunkStart(int c) {
    return starts[c];
  }

  /** How many of chunk {@code c}'s doubles are in use (all but the last chunk's tail). */
  int chunkUsed(int c) {
    return Math.min(chunks.get(c).length, size - starts[c]);
  }

  /** The chunk that holds position {@code pos}. */
  int chunkOf(int pos) {
    int c = Arrays.binarySearch(starts, 0, chunks.size(), pos);
    return c >= 0 ? c : -c - 2;
  }

  /** Copies {@code len} doubles from position {@code from} into {@code dst} at {@code at}. */
  void copyTo(int from, double[] dst, int at, int len) {
    int c = chunkOf(from);
    int done = 0;
    while (done < len) {
      int o = from + done - starts[c];
      int piece = Math.min(len - done, chunks.get(c).length - o);
      System.arraycopy(chunks.get(c), o, dst, at + done, piece);
      done += piece;
      c++;
    }
  }

  double[] toArray() {
    double[] out = new double[size];
    if (size > 0) {
      copyTo(0, out, 0, size);
    }
    return out;
  }
}
