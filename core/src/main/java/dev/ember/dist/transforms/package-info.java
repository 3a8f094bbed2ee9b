// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Differentiable bijections with log-Jacobians, and {@link
 * dev.ember.dist.transforms.Transforms#bijectTo}, which maps every continuous constraint to its
 * bijection from unconstrained space.
 */
package dev.ember.dist.transforms;
