// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
/**
 * Guides: automatic ones built from a model's prototype trace ({@link
 * dev.ember.infer.guides.AutoNormal}, {@link dev.ember.infer.guides.AutoDelta}, {@link
 * dev.ember.infer.guides.AutoMultivariateNormal}, {@link
 * dev.ember.infer.guides.AutoLowRankMultivariateNormal}) with their {@link
 * dev.ember.infer.guides.InitStrategy}, and building blocks for amortized guides ({@link
 * dev.ember.infer.guides.Dense}, {@link dev.ember.infer.guides.Mlp}) whose weights are params.
 */
package dev.ember.infer.guides;
