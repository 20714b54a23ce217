package org.robustmri.cli;

import org.robustmri.mask.Mask1D;
import org.robustmri.mask.Mask2D;
import org.robustmri.mask.NumpyRandomState;
import org.robustmri.mask.MaskFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "mask", description = {"Prints a fastMRI undersampling mask as one line of 0/1 and num_low_frequencies=N;",
        "a 2-D mask (variable-density-2d, needs --height) as H lines of 0/1 and its realised acceleration.",
        "Bit-identical to fastMRI for the same seed: --seed-from NAME seeds numpy's RandomState with the code points of NAME (test-time masks), --seed N with the integer N."})
final class MaskCommand implements Callable<Integer> {
    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "equispaced | equispaced-fraction | random | variable-density-2d")
    String type;

    @Option(names = "--accelerations", split = ",", required = true, paramLabel = "R", description = "Acceleration(s), comma-separated.")
    List<Double> accelerations;

    @Option(names = "--center-fractions", split = ",", required = true, paramLabel = "F", description = "Centre fraction(s), one per acceleration.")
    List<Double> centerFractions;

    @Option(names = "--width", required = true, paramLabel = "W", description = "Number of phase-encode columns.")
    int width;

    @Option(names = "--height", paramLabel = "H", description = "Number of rows (readout samples); 2-D masks only.")
    Integer height;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Seed seed;

    static final class Seed {
        @Option(names = "--seed-from", paramLabel = "NAME", description = "Seed from a file name, as fastMRI does at test time.")
        String name;

        @Option(names = "--seed", paramLabel = "N", description = "Integer seed (numpy RandomState(N)).")
        Long value;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (width <= 0) throw new Main.UsageException("--width must be positive, got " + width);
        MaskFunction f = MaskFunction.fromName(type, accelerations, centerFractions);
        var out = spec.commandLine().getOut();
        if (f.isTwoDimensional()) {
            if (height == null || height <= 0) throw new Main.UsageException("--height (positive) is required for a 2-D mask (" + type + ")");
            NumpyRandomState rng = seed.name != null ? NumpyRandomState.seedFromName(seed.name) : new NumpyRandomState(seed.value);
            Mask2D m = f.sample2D(height, width, rng);
            StringBuilder row = new StringBuilder(width);
            for (int y = 0; y < height; y++) {
                row.setLength(0);
                for (int x = 0; x < width; x++) row.append(m.isSampled(y, x) ? '1' : '0');
                out.println(row);
            }
            out.println("sampled=" + m.sampledCount() + " realised_acceleration=" + String.format(java.util.Locale.ROOT, "%.4f", m.realisedAcceleration()));
            return 0;
        }
        if (height != null) throw new Main.UsageException("--height is for 2-D masks; " + type + " is a column mask");
        Mask1D m = seed.name != null ? f.maskForFile(width, seed.name)
                : f.sample(width, new NumpyRandomState(seed.value));
        out.println(m.toBitString());
        out.println("num_low_frequencies=" + m.numLowFrequencies());
        return 0;
    }
}
