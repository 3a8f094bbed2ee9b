// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * The primitives models are written with ({@link dev.ember.primitives.Primitives}: sample, param,
 * deterministic, factor, plate, subsample, prngKey) and {@link dev.ember.primitives.Scan}, the
 * probabilistic scan whose body the value-giving handlers reach at every step.
 */
package dev.ember.primitives;
