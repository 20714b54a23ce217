package org.robustmri.cli;

import org.robustmri.convert.ConvertOptions;
import org.robustmri.convert.Converter;
import org.robustmri.convert.IsmrmrdConversion;
import org.robustmri.convert.VolumeFields;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "convert", description = {
        "Converts raw k-space of other tools into fastMRI-layout files (kspace (slices, coils, readout, phase encode),",
        "reconstruction_rss cropped to the recon size, ismrmrd_header, root attributes) that catalog, select, zerofill, train and",
        "studies take: ISMRMRD raw data (Cartesian 2-D and 3-D), BART .cfl/.hdr, numpy .npy, MATLAB .mat (v5 and v7.3), or",
        "fastMRI files to re-label. A folder goes on past files that fail and lists them in OUT/errors.csv (exit code 1)."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IN", arity = "1..*", description = "Files or folders (their .h5, .cfl, .npy and .mat files).")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (new, empty, or one convert made).")
    Path out;

    @Option(names = "--from", paramLabel = "FORMAT", description = "ismrmrd | cfl | npy | mat | fastmri (default: detected from each file).")
    String from;

    @Option(names = "--preset", paramLabel = "NAME", description = "The paper's converter conventions for one source (see README's preset table).")
    String preset;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = {"A field the source does not state (repeatable): vendor, model, field_strength,",
            "institution, protocol, anatomy, contrast, dataset_name, patient_id, fov_mm (x,y,z)."})
    List<String> set;

    @Option(names = "--key", paramLabel = "NAME", description = "The variable of a MATLAB file.")
    String key;

    @Option(names = "--layout", paramLabel = "LETTERS", description = {"What each array dimension is, in the file's own order: H readout, W phase encode,",
            "C coils, S slices, Z 3-D partition encode, 1 singleton (default: cfl HWSC, npy SCHW/CHW/HW, mat HWSC/HWC/HW)."})
    String layout;

    @Option(names = "--image-domain", description = "The array holds coil images (transformed to k-space with fft2c).")
    boolean imageDomain;

    @Option(names = "--recon-size", paramLabel = "HxW", description = "Target size (default: the header's recon size, else the whole image).")
    String reconSize;

    @Option(names = "--remove-readout-oversampling", description = {"Cut the readout to the recon height in the image domain (inverse FFT, centre crop,",
            "FFT, as twixtools' remove_os); fastMRI's own files keep the oversampling."})
    boolean removeReadoutOversampling;

    @Option(names = "--prewhiten", description = "ISMRMRD: whiten the coils with the noise scans' covariance.")
    boolean prewhiten;

    @Option(names = "--average", defaultValue = "mean", paramLabel = "mean|N", description = "ISMRMRD: combine the averages, or keep one (default: ${DEFAULT-VALUE}).")
    String average;

    @Option(names = "--repetition", defaultValue = "all", paramLabel = "all|mean|N",
            description = "ISMRMRD: a file per repetition, their mean, or one (default: ${DEFAULT-VALUE}).")
    String repetition;

    @Option(names = "--contrast", defaultValue = "all", paramLabel = "all|N", description = "ISMRMRD: a file per contrast, or one (default: ${DEFAULT-VALUE}).")
    String contrast;

    @Option(names = "--slice-axis", defaultValue = "z", paramLabel = "z|x|y",
            description = "ISMRMRD 3-D: inverse-FFT along this axis and cut 2-D slices along it (default: ${DEFAULT-VALUE}).")
    String sliceAxis;

    @Option(names = "--group", defaultValue = "dataset", paramLabel = "NAME", description = "ISMRMRD: the dataset group (default: ${DEFAULT-VALUE}).")
    String group;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConvertOptions o = new ConvertOptions(from, preset, VolumeFields.parse(set), key, layout, imageDomain, ConvertOptions.size(reconSize), removeReadoutOversampling,
                new IsmrmrdConversion.Options(average, repetition, contrast, sliceAxis, prewhiten, group));
        List<Path> files = Converter.inputs(inputs);
        Converter.Result r;
        long t0 = System.nanoTime();
        try (ProgressBar bar = new ProgressBar("convert", files.size(), "files")) {
            r = Converter.run(files, out, o, f -> bar.step());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter w = spec.commandLine().getOut();
        int slices = r.outputs().stream().mapToInt(Converter.Output::slices).sum();
        w.printf(java.util.Locale.ROOT, "wrote %d file(s), %d slices, to %s in %.1f s (%.1f slices/s); provenance %s%n", r.outputs().size(), slices,
                out, seconds, slices / Math.max(seconds, 1e-9), r.provenance());
        return FailureReport.exitCode(spec.commandLine(), r.failures(), r.errors());
    }
}
