package org.robustmri.cli;

import org.robustmri.experiment.Experiment;

import java.io.PrintStream;

/** Draws each phase of an experiment as its own progress bar. */
final class ExperimentProgress implements Experiment.Listener {
    private final PrintStream err = System.err;
    private ProgressBar bar;
    private int phase;

    @Override
    public synchronized void phase(String name, long total, String unit) {
        if (bar != null) bar.close();
        phase++;
        bar = new ProgressBar("[" + phase + "] " + name, total, unit, err);
    }

    @Override
    public synchronized void step(String detail) {
        if (bar == null) return;
        if (!detail.isEmpty()) bar.suffix(detail);
        bar.step();
    }

    @Override
    public synchronized void endPhase() {
        if (bar != null) bar.close();
        bar = null;
    }

    @Override
    public void message(String text) {
        err.println(text);
    }
}
