package org.robustmri.cli;

import org.robustmri.mask.Mask1D;
import org.robustmri.mask.MaskFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "mask", description = {"Prints a fastMRI undersampling mask as one line of 0/1 and num_low_frequencies=N.",
        "Bit-identical to fastMRI for the same seed: --seed-from NAME seeds numpy's RandomState with the code points of NAME (test-time masks), --seed N with the integer N."})
final class MaskCommand implements Callable<Integer> {
    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "equispaced | equispaced-fraction | random")
    String type;

    @Option(names = "--accelerations", split = ",", required = true, paramLabel = "R", description = "Acceleration(s), comma-separated.")
    List<Double> accelerations;

    @Option(names = "--center-fractions", split = ",", required = true, paramLabel = "F", description = "Centre fraction(s), one per acceleration.")
    List<Double> centerFractions;

    @Option(names = "--width", required = true, paramLabel = "W", description = "Number of phase-encode columns.")
    int width;

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
        Mask1D m = seed.name != null ? f.maskForFile(width, seed.name)
                : f.sample(width, new org.robustmri.mask.NumpyRandomState(seed.value));
        var out = spec.commandLine().getOut();
        out.println(m.toBitString());
        out.println("num_low_frequencies=" + m.numLowFrequencies());
        return 0;
    }
}
