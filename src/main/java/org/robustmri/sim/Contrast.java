package org.robustmri.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Image contrasts the simulator produces; the lower-case name is used in YAML and in the file attribute {@code contrast}. */
public enum Contrast {
    /** Proton density weighted spin echo: long TR, short TE. */
    PD,
    /** Proton density weighted with fat saturation: fat signal suppressed (imperfectly, varying over the field of view). */
    PDFS,
    /** T1 weighted spin echo: short TR, short TE. */
    T1,
    /** T1 weighted after gadolinium: T1 shortened in lesions, vessels and other enhancing tissue. */
    T1POST,
    /** T2 weighted: long TR, long TE. */
    T2,
    /** Fluid-attenuated inversion recovery: inversion time nulling CSF, long TE. */
    FLAIR,
    /** Spoiled gradient echo: weighted by the flip angle, T1 and T2* (low flip angles: nearly proton density, weak contrast). */
    GRE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean fatSuppressed() {
        return this == PDFS;
    }

    public boolean postContrast() {
        return this == T1POST;
    }

    public static Contrast parse(String s) {
        for (Contrast c : values()) {
            if (c.id().equals(s)) return c;
        }
        throw new IllegalArgumentException("unknown contrast '" + s + "'; expected one of: "
                + Arrays.stream(values()).map(Contrast::id).collect(Collectors.joining(", ")));
    }
}
