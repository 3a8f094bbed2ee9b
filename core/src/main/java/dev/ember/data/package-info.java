// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Reproducible synthetic data sets for examples, tests and benchmarks: {@link
 * dev.ember.data.Ar1Data}, noisy observations of latent AR(1) series, drawn from {@link
 * java.util.SplittableRandom} so that a seed gives the same data on every JVM.
 */
package dev.ember.data;
