package dev.cauce.resilience;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a call is retried: at most {@code maxAttempts} attempts in all; the n-th retry waits {@code
 * initialBackoff × multiplier^(n-1)}, randomised by ±{@code jitter} (a fraction: 0.5 is ±50%, 0 none),
 * and never longer than {@code maxBackoff}.
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff)
    implements Serializable {}
