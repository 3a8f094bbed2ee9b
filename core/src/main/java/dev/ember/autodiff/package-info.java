// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Reverse-mode automatic differentiation of functions written with {@link
 * dev.ember.tensor.Tensor} operations.
 *
 * <p>{@link dev.ember.autodiff.Autodiff#valueAndGrad} is the entry point; {@link
 * dev.ember.autodiff.GradCheck} compares its gradients with finite differences. A rule ({@link
 * dev.ember.autodiff.BackwardFn}) hands all its inputs' gradients to {@link
 * dev.ember.autodiff.Gradients} at once; the engine alone writes in place, into buffers it owns.
 * The graph hangs off the tensors and recording is switched per thread, so concurrent tasks in
 * one JVM (Spark executors) never share state.
 */
package dev.ember.autodiff;
