// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Immutable float64 tensors with NumPy broadcasting: the numerical kernel of Ember.
 *
 * <p>{@link dev.ember.tensor.Tensor} is the one public value type: a view of a {@link
 * dev.ember.tensor.Storage} through an offset, a shape and strides. Its operations are grouped by
 * kind in package-private classes that keep each operation's backward rule next to its forward
 * loop. Elementwise operations are plain loops that read strided operands in place, with one
 * allocation for the result; views (select, slice, reshape, broadcast, permute, flip, diagonal,
 * constant fills) share their operand's storage; large matrix products and factorizations call
 * netlib BLAS/LAPACK. Storage is written only by an {@link dev.ember.tensor.OwnedBuffer}, which
 * makes earlier views stale ({@link dev.ember.tensor.StaleTensorException}); new values come in
 * through copies or a {@link dev.ember.tensor.TensorBuilder}.
 */
package dev.ember.tensor;
