// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Immutable float64 tensors with NumPy broadcasting: the numerical kernel of Ember.
 *
 * <p>{@link dev.ember.tensor.Tensor} is the one public value type; its operations are grouped by
 * kind in package-private classes that keep each operation's backward rule next to its forward
 * loop. Elementwise operations are plain loops over {@code double[]} with one allocation for the
 * result; views (broadcast, permute, slice, flip, diagonal) are strided gathers; large matrix
 * products and factorizations call netlib BLAS/LAPACK.
 */
package dev.ember.tensor;
