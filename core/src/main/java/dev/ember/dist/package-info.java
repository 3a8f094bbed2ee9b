// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Probability distributions, one family per file, with the {@link dev.ember.dist.Distribution}
 * contract (shapes, sampling, reparameterized sampling, log-densities, moments, parameters by
 * name) and closed-form KL divergences ({@link dev.ember.dist.Kl}).
 */
package dev.ember.dist;
