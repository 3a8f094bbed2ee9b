// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/** Inference on top of the handlers: the log joint density of a model ({@link dev.ember.infer.LogDensity}). */
package dev.ember.infer;
