package org.robustmri.cli;

import org.robustmri.mask.MaskFunction;
import picocli.CommandLine.Option;

import java.util.List;

/** The mask options shared by every command that undersamples. */
final class MaskOptions {
    @Option(names = "--mask", paramLabel = "TYPE", defaultValue = "equispaced",
            description = "equispaced | equispaced-fraction | random | variable-density-2d (rows x columns; not for VarNet) | none (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--accelerations", split = ",", paramLabel = "R", defaultValue = "4",
            description = "Acceleration(s), comma-separated (default: ${DEFAULT-VALUE}).")
    List<Double> accelerations;

    @Option(names = "--center-fractions", split = ",", paramLabel = "F", defaultValue = "0.08",
            description = "Centre fraction(s), one per acceleration (default: ${DEFAULT-VALUE}).")
    List<Double> centerFractions;

    /** The mask function, or null for {@code --mask none}. */
    MaskFunction create() {
        if ("none".equals(type)) return null;
        return MaskFunction.fromName(type, accelerations, centerFractions);
    }
}
