package org.robustmri.io;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbered commit steps, for fault injection: every durable step (a file made visible by its rename, a manifest
 * written) calls {@link #step}. With {@code -Drobustmri.crash-at=K} the process stops dead at the K-th step
 * ({@code Runtime.halt}, as a kill would); tests use {@link #arm} to throw {@link SimulatedCrash} there instead.
 * Unarmed, a step costs one atomic increment.
 */
public final class Faults {
    private static final AtomicLong STEPS = new AtomicLong();
    private static volatile long crashAt = Long.getLong("robustmri.crash-at", -1L);
    private static volatile boolean halt = crashAt > 0;

    private Faults() {
    }

    /** Thrown at the armed step by tests: an Error, so ordinary error handling does not swallow it. */
    public static final class SimulatedCrash extends Error {
        public SimulatedCrash(long step, String what) {
            super("simulated crash at commit step " + step + " (" + what + ")");
        }
    }

    /** Counts one commit step; stops here when armed for it. */
    public static void step(String what) {
        long n = STEPS.incrementAndGet();
        if (n == crashAt) {
            if (halt) {
                System.err.println("robustmri: stopping at commit step " + n + " (" + what + ") as asked by robustmri.crash-at");
                System.err.flush();
                Runtime.getRuntime().halt(137);
            }
            throw new SimulatedCrash(n, what);
        }
    }

    /** Test seam: counts from zero and throws {@link SimulatedCrash} at step {@code k} (0 or less: never). */
    public static void arm(long k) {
        STEPS.set(0);
        halt = false;
        crashAt = k;
    }

    /** Steps counted since the last {@link #arm} (or the start). */
    public static long steps() {
        return STEPS.get();
    }
}
