package org.robustmri.convert;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Hdf5Array;
import org.robustmri.io.NdArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every preset against the paper's own converters ({@code tools/golden/presets/gen_preset_vectors.py} ran their
 * {@code cli_main} on small constructed inputs): the same file names, k-space and targets to float precision.
 */
class PresetGoldenTest {
    static final Path DIR = Path.of("src/test/resources/presets");

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyPresetMatchesThePapersConverter() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(DIR)) {
            for (Path c : cases.sorted().toList()) {
                String name = c.getFileName().toString();
                String preset = name.equals("nyu-chopy0") ? "nyu" : name;
                tests.add(DynamicTest.dynamicTest(name, () -> check(c, preset)));
            }
        }
        assertThat(tests).hasSize(16);
        List<String> presets = tests.stream().map(DynamicTest::getDisplayName).toList();
        for (Preset p : Preset.values()) assertThat(presets).as("every preset has a golden case").contains(p.id());
        return tests.stream();
    }

    private static void check(Path c, String preset) throws IOException {
        Path out = tmp.resolve(c.getFileName().toString());
        CliTestSupport.Result r = CliTestSupport.run("convert", "--preset", preset, c.resolve("in").toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Stream<Path> s = Files.list(c.resolve("expected"))) {
            for (Path expected : s.sorted().toList()) {
                Path got = out.resolve(expected.getFileName());
                assertThat(got).as("the paper's file name").exists();
                NdArray ek = Hdf5Array.read(expected, FastMriFile.KSPACE), gk = Hdf5Array.read(got, FastMriFile.KSPACE);
                assertThat(gk.shape()).isEqualTo(trailingPair(ek.shape()));
                assertThat(relativeError(gk.data(), ek.data())).as("k-space of " + expected).isLessThan(1e-6);
                NdArray et = Hdf5Array.read(expected, FastMriFile.TARGET_RSS), gt = Hdf5Array.read(got, FastMriFile.TARGET_RSS);
                assertThat(gt.shape()).isEqualTo(et.shape());
                assertThat(relativeError(gt.data(), et.data())).as("target of " + expected).isLessThan(1e-6);
                try (FastMriFile f = FastMriFile.open(got)) {
                    assertThat(f.stringAttribute("converter_preset")).contains(preset);
                    assertThat(f.stringAttribute("dataset_name")).isPresent();
                }
            }
        }
    }

    /** The paper writes complex64 as a compound; robustmri as float32 with a trailing (re, im) axis. */
    private static long[] trailingPair(long[] shape) {
        long[] s = java.util.Arrays.copyOf(shape, shape.length + 1);
        s[shape.length] = 2;
        return s;
    }

    private static double relativeError(float[] got, float[] expected) {
        assertThat(got).hasSameSizeAs(expected);
        double max = 0, err = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(got[i] - expected[i]));
        }
        return err / max;
    }
}
