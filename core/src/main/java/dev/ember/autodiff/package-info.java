// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Reverse-mode automatic differentiation of functions written with {@link
 * dev.ember.tensor.Tensor} operations.
 *
 * <p>{@link dev.ember.autodiff.Autodiff#valueAndGrad} is the entry point; {@link
 * dev.ember.autodiff.GradCheck} compares its gradients with finite differences. The graph hangs
 * off the tensors and recording is switched per thread, so concurrent tasks in one JVM (Spark
 * executors) never share state.
 */
package dev.ember.autodiff;
