package org.robustmri.cli;

import org.robustmri.model.ZeroFilled;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "zerofill", description = {"Writes the zero-filled RSS reconstruction of each input, cropped to the target size (or the header's recon size),",
        "undersampled with the test-time mask seeded from each input file's name (fastMRI's convention).",
        "Files that carry a 'mask' dataset (already undersampled test files) are used as they are.",
        "A folder goes on past files that fail and lists them in OUT/errors.csv (exit code 1)."})
final class ZerofillCommand implements Callable<Integer> {
    @Mixin
    FolderRunOptions folder;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return folder.run(spec.commandLine(), "zerofill", new ZeroFilled(), folder.mask.create(), false, Map.of("method",
                "zero-filled RSS as the U-Net input (UnetDataTransform): mask*k+0.0 without header padding, ifft2c, centre crop to target size, |.|, RSS over coils"));
    }
}
