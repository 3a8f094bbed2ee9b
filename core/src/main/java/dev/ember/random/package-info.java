// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Explicit, splittable, counter-based randomness: {@link dev.ember.random.RngKey} (Threefry-2x32,
 * as JAX) and the pure samplers of {@link dev.ember.random.Samplers}. There is no global seed and
 * no ambient generator anywhere in Ember.
 */
package dev.ember.random;
