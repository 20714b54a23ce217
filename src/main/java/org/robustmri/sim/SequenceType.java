package org.robustmri.sim;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Pulse sequence families; the name is written as the file attribute {@code sequence_type}. */
public enum SequenceType {
    SPIN_ECHO("SpinEcho"),
    TURBO_SPIN_ECHO("TurboSpinEcho"),
    INVERSION_RECOVERY("InversionRecovery"),
    /** Spoiled gradient echo: flip-angle and T2*-weighted, no refocusing (no echo train). */
    GRADIENT_ECHO("GradientEcho");

    private final String id;

    SequenceType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * Echo trains with closely spaced refocusing pulses suppress J-coupling in fat, so fat keeps more signal
     * at long TE than its T2 alone predicts (bright fat on turbo spin echo and FLAIR images).
     */
    boolean echoTrain() {
        return this == TURBO_SPIN_ECHO || this == INVERSION_RECOVERY;
    }

    public static SequenceType parse(String s) {
        for (SequenceType t : values()) {
            if (t.id.equals(s)) return t;
        }
        throw new IllegalArgumentException("unknown sequence type '" + s + "'; expected one of: "
                + Arrays.stream(values()).map(SequenceType::id).collect(Collectors.joining(", ")));
    }
}
