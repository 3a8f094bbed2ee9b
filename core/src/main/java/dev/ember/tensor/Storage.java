// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * The elements a {@link Tensor} reads: a flat run of {@code double}s that one or many tensors
 * view, each through its own offset and strides. A slice, a row, a transpose or a broadcast of a
 * tensor is a new view of the same storage, not a copy.
 *
 * <p>Storage is never written through a tensor. The one writer is an {@link OwnedBuffer}, the
 * engine's buffers (gradient accumulators, optimizer state); each of its writes increases the
 * storage's {@link #version()}, and a tensor made before the write fails loudly when it is read
 * afterwards ({@link StaleTensorException}), so no tensor ever shows a value other than the one
 * it was made with.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3); // [2, 3]
 * Tensor row = x.select(0, 1);                                // [3]: 4, 5, 6, no copy
 * row.storage() == x.storage();                               // true
 * row.storage().length();                                     // 6
 * }</pre>
 *
 * <h2>Other storages</h2>
 *
 * <p>Today the one implementation is a Java {@code double[]} on the heap, which the CPU kernels
 * read directly. An off-heap or device storage (a {@code MemorySegment}, a GPU buffer) would plug
 * in as another implementation of this interface:
 *
 * <ol>
 *   <li>It implements {@link #length()}, {@link #get(int)}, {@link #copyTo} and {@link
 *       #version()}; tensors over it are made by the same view code (offset, shape and strides
 *       are the tensor's, not the storage's), so every view operation works unchanged.
 *   <li>The CPU kernels reach storage only through one package-private accessor of {@code
 *       Tensor} (its heap array); for another storage that accessor copies the elements to the
 *       heap with {@link #copyTo}, so every operation is correct from the first day, if slow.
 *   <li>To run on the device, the kernels of an operation would be chosen by the storage of its
 *       operands (a backend per storage kind, asked where the operation's result is allocated),
 *       with the heap copy as the fallback for operations the device does not have. The
 *       autodiff engine needs nothing new: its rules are tensor operations, and its gradient
 *       buffers are {@link OwnedBuffer}s, which would allocate on the operands' device.
 * </ol>
 */
public interface Storage {
  /** The number of elements. */
  int length();

  /** Element {@code index}, {@code 0 <= index < length()}. */
  double get(int index);

  /**
   * Copies elements {@code [from, from + count)} into {@code dst} from {@code dstOffset} on.
   *
   * @throws IndexOutOfBoundsException if a range lies outside the storage or {@code dst}
   */
  void copyTo(int from, double[] dst, int dstOffset, int count);

  /**
   * How many times the elements have been written since the storage was made: 0 for every
   * storage but an {@link OwnedBuffer}'s. A tensor remembers the version it was made at.
   */
  int version();
}
