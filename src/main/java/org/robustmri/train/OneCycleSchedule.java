package org.robustmri.train;

/**
 * PyTorch's OneCycleLR with linear annealing as the paper uses it: from {@code maxLr / divFactor} up to
 * {@code maxLr} over the first {@code pctStart} of the steps, then linearly down to
 * {@code maxLr / divFactor / finalDivFactor}; stepped every iteration. Step indices start at 0.
 */
public record OneCycleSchedule(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
    public OneCycleSchedule {
        if (totalSteps < 1) throw new IllegalArgumentException("total steps must be positive, got " + totalSteps);
        if (maxLr <= 0) throw new IllegalArgumentException("learning rate must be positive, got " + maxLr);
    }

    /** The paper's recipe: 1 % warm-up, initial and final lr = lr / 25. */
    public static OneCycleSchedule paper(double lr, long totalSteps) {
        return new OneCycleSchedule(lr, totalSteps, 0.01, 25.0, 1.0);
    }

    public double lr(long step) {
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        double warmEnd = pctStart * totalSteps - 1;
        double end = totalSteps - 1;
        if (warmEnd > 0 && step <= warmEnd) {
            return initial + (maxLr - initial) * (step / warmEnd);
        }
        double start = warmEnd; // PyTorch starts the decay at the warm-up's end step, even when it is negative
        if (end <= start) return maxLr;
        double pct = (step - start) / (end - start);
        return maxLr + (min - maxLr) * pct;
    }
}
