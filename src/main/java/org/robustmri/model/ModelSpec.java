package org.robustmri.model;

import java.util.Locale;

/**
 * What a model is, in enough detail to rebuild it: registered name, family and sizes.
 *
 * @param name     registered name (e.g. {@code unet-small}) or {@code custom}
 * @param family   architecture family, e.g. {@code unet}
 * @param chans    base channels
 * @param pools    number of pooling levels
 */
public record ModelSpec(String name, String family, int chans, int pools, int inChans, int outChans, double dropProb) {
    public ModelSpec {
        if (chans < 1) throw new IllegalArgumentException("chans must be positive, got " + chans);
        if (pools < 1) throw new IllegalArgumentException("pools must be positive, got " + pools);
    }

    public static ModelSpec unet(String name, int chans, int pools) {
        return new ModelSpec(name, "unet", chans, pools, 1, 1, 0.0);
    }

    /** A stable one-line description recorded next to every result. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s[family=%s,chans=%d,pools=%d,in=%d,out=%d,drop=%s,norm=per-image-mean-std]",
                name, family, chans, pools, inChans, outChans, dropProb);
    }
}
