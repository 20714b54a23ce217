/**
 * Simulated multi-coil MRI data: the embedded default datasets, written in the exact fastMRI layout.
 *
 * <p>A {@link org.robustmri.sim.DistributionRecipe} (from the YAML {@link org.robustmri.sim.DistributionLibrary})
 * fixes anatomy, contrast, field strength, receive array, sequence timing, noise and scanner identity.
 * {@link org.robustmri.sim.Simulator#simulate} draws a subject (procedural brain or knee made of implicit
 * shapes), turns its tissues into signal with the {@link org.robustmri.sim.SignalModel}, applies coil
 * sensitivities, transforms on a grid twice as fine as the output, keeps the central (2M, M) block of
 * k-space, adds correlated noise and computes the RSS target. {@link org.robustmri.sim.SimulationRun} does
 * this for many volumes in parallel and writes them through {@link org.robustmri.io.FastMriWriter};
 * Everything is deterministic for a seed ({@link org.robustmri.eval.Preview} draws a PNG sheet of the files).
 */
package org.robustmri.sim;
