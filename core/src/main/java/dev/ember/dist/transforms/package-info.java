// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Differentiable bijections with their inverses and log-Jacobians, and {@link
 * dev.ember.dist.transforms.Transforms#bijectTo}, which maps every continuous constraint to its
 * bijection from unconstrained space.
 *
 * <pre>{@code
 * Transform t = Transforms.bijectTo(Constraints.simplex());  // stick breaking
 * Tensor x = Tensor.zeros(2);                                // unconstrained, [K - 1]
 * Tensor y = t.forward(x);                                   // [1/3, 1/3, 1/3]
 * Tensor ladj = t.logAbsDetJacobian(x, y);                   // [], log |det dy_{<K}/dx|
 * }</pre>
 *
 * <p>Every transform is written with {@link dev.ember.tensor.Tensor} operations, so gradients
 * flow through {@code forward}, {@code inverse} and {@code logAbsDetJacobian}. Where NumPyro
 * clamps to keep values strictly inside a support (sigmoid, the partial correlations of {@link
 * dev.ember.dist.transforms.CorrCholeskyTransform}) Ember clamps too, and each class says where.
 *
 * <p>References: Stan Reference Manual, chapter "Constraint Transforms"; Lewandowski, Kurowicka
 * and Joe, "Generating random correlation matrices based on vines and extended onion method",
 * J. Multivariate Analysis 100 (2009); NumPyro's {@code numpyro.distributions.transforms}.
 */
package dev.ember.dist.transforms;
