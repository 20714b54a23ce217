package org.robustmri.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CliTest {
    @TempDir
    Path tmp;

    static CliTestSupport.Result run(String... args) {
        return CliTestSupport.run(args);
    }

    @Test
    void maskPrintsBitsAndLowFrequencies() {
        CliTestSupport.Result r = run("mask", "--type", "equispaced", "--accelerations", "4", "--center-fractions", "0.08",
                "--width", "368", "--seed-from", "file1000001.h5");
        assertThat(r.code()).isZero();
        String[] lines = r.out().trim().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).hasSize(368).matches("[01]+");
        // numpy: RandomState(tuple(map(ord, "file1000001.h5"))).randint(0, 4) == 3
        assertThat(lines[0]).startsWith("0001000100010001");
        assertThat(lines[0].substring(170, 199)).isEqualTo("1".repeat(29));
        assertThat(lines[1]).isEqualTo("num_low_frequencies=29");
        CliTestSupport.Result seeded = run("mask", "--type", "random", "--accelerations", "8", "--center-fractions", "0.04",
                "--width", "320", "--seed", "42");
        assertThat(seeded.code()).isZero();
        assertThat(seeded.out()).contains("num_low_frequencies=13");
    }

    @Test
    void maskUsageErrorsExitTwo() {
        assertThat(run("mask", "--type", "equispaced", "--accelerations", "4", "--center-fractions", "0.08",
                "--width", "368").code()).isEqualTo(2); // no seed
        CliTestSupport.Result r = run("mask", "--type", "spiral", "--accelerations", "4", "--center-fractions", "0.08",
                "--width", "368", "--seed", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown mask type 'spiral'");
        assertThat(run("mask", "--type", "random", "--accelerations", "4,8", "--center-fractions", "0.08",
                "--width", "368", "--seed", "1").code()).isEqualTo(2);
    }

    @Test
    void infoPrintsHeaderAndPaddingAsJson() throws IOException {
        CliTestSupport.Result r = run("info", TestFiles.REAL_KSPACE.resolve("pulseq_phantom_16ch.h5").toString(), "--json");
        assertThat(r.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/kspace/coils").asInt()).isEqualTo(16);
        assertThat(j.at("/datasets/kspace/dtype").asText()).isEqualTo("complex64");
        assertThat(j.at("/header/receiverChannels").asInt()).isEqualTo(16);
        assertThat(j.at("/header/paddingRight").asInt()).isEqualTo(128);
        assertThat(j.at("/attributes/acquisition").asText()).isEqualTo("AX_GRE_PHANTOM");
    }

    @Test
    void zerofillThenMetricsAgreeAcrossTheDirectory() throws IOException {
        Path out = tmp.resolve("zf");
        CliTestSupport.Result z = run("zerofill", TestFiles.REAL_KSPACE.toString(), "--out", out.toString());
        assertThat(z.code()).as(z.err()).isZero();
        assertThat(Files.exists(out.resolve("provenance.json"))).isTrue();
        CliTestSupport.Result m = run("metrics", "--target", TestFiles.REAL_KSPACE.toString(), "--recon", out.toString(), "--json");
        assertThat(m.code()).as(m.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(m.out());
        assertThat(j.get("volumes")).hasSize(5);
        assertThat(j.at("/summary/ssim_volume/spec").asText()).contains("agg=volume");
        // each volume's scores as numpy and scikit-image compute them (tools/golden/gen_zerofill_vectors.py, 4x / 0.08)
        double sum = 0;
        for (JsonNode v : j.get("volumes")) {
            JsonNode g = zeroFillGolden(v.get("volume").asText());
            assertThat(v.get("ssim").asDouble()).as(v.get("volume").asText()).isCloseTo(g.get("ssim").asDouble(), within(1e-5));
            assertThat(v.get("psnr").asDouble()).as(v.get("volume").asText()).isCloseTo(g.get("psnr").asDouble(), within(1e-4));
            sum += g.get("ssim").asDouble();
        }
        double s = j.at("/summary/ssim_volume/value").asDouble();
        assertThat(s).isCloseTo(sum / 5, within(1e-5));
        // one slice per volume: both aggregations coincide
        assertThat(j.at("/summary/ssim_slice/value").asDouble()).isEqualTo(s);
    }

    @Test
    void metricsScoresPathologyBoxes() throws IOException {
        Path out = tmp.resolve("zf");
        assertThat(run("zerofill", TestFiles.REAL_KSPACE.toString(), "--out", out.toString()).code()).isZero();
        Path boxes = tmp.resolve("boxes.csv");
        Files.writeString(boxes, "file,slice,study_level,x,y,width,height,label\n"
                + "pulseq_phantom_16ch,0,No,40,50,30,20,Large thing\n"
                + "pulseq_phantom_16ch.h5,0,No,60,60,4,3,Small thing\n"
                + "pulseq_invivo_brain_16ch,0,Yes,,,,,Normal for age\n");
        CliTestSupport.Result m = run("metrics", "--target", TestFiles.REAL_KSPACE.toString(), "--recon", out.toString(), "--boxes", boxes.toString(), "--json");
        assertThat(m.code()).as(m.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(m.out());
        assertThat(j.get("boxes")).hasSize(2);
        assertThat(j.get("study_level_rows_skipped").asInt()).isEqualTo(1);
        JsonNode large = j.get("boxes").get(0), small = j.get("boxes").get(1);
        assertThat(large.get("size_class").asText()).isEqualTo("large"); // 600 / 128^2 = 3.7 %
        assertThat(small.get("size_class").asText()).isEqualTo("small");
        assertThat(large.get("file").asText()).isEqualTo("pulseq_phantom_16ch");
        JsonNode goldenBoxes = zeroFillGolden("pulseq_phantom_16ch.h5").get("boxes");
        for (int i = 0; i < 2; i++) {
            JsonNode b = j.get("boxes").get(i), g = goldenBoxes.get(i);
            assertThat(b.get("x").asInt()).isEqualTo(g.get("x").asInt());
            assertThat(b.get("ssim").asDouble()).as("box " + i).isCloseTo(g.get("ssim").asDouble(), within(1e-5));
        }
        // one file against one file, as a table
        CliTestSupport.Result self = run("metrics", "--target", TestFiles.REAL_KSPACE.resolve("pulseq_phantom_16ch.h5").toString(), "--recon",
                out.resolve("pulseq_phantom_16ch.h5").toString(), "--boxes", boxes.toString());
        assertThat(self.code()).as(self.err()).isZero();
        assertThat(self.out()).contains("size large").contains("size small").contains("1 study-level row(s)");
        // a box whose volume has no file is an error naming it
        Files.writeString(boxes, "file,slice,study_level,x,y,width,height,label\nfile_nowhere,0,No,1,1,8,8,L\n");
        CliTestSupport.Result bad = run("metrics", "--target", TestFiles.REAL_KSPACE.toString(), "--recon", out.toString(), "--boxes", boxes.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: ").contains("file_nowhere.h5").contains("boxes.csv");
    }

    @Test
    void metricsRefusesAMissingVolume() throws IOException {
        Path out = tmp.resolve("zf");
        assertThat(run("zerofill", TestFiles.REAL_KSPACE.resolve("pulseq_phantom_32ch.h5").toString(), "--out",
                out.resolve("pulseq_phantom_32ch.h5").toString()).code()).isZero();
        CliTestSupport.Result m = run("metrics", "--target", TestFiles.REAL_KSPACE.toString(), "--recon", out.toString());
        assertThat(m.code()).isEqualTo(1);
        assertThat(m.err()).contains("volumes missing on one side").contains("pulseq_invivo_brain_16ch.h5");
    }

    @Test
    void metricsRefusesAShapeMismatch() {
        Path recon = tmp.resolve("pulseq_phantom_16ch.h5");
        org.robustmri.io.FastMriWriter.writeReconstruction(recon, new float[64 * 64], 1, 64, 64, null);
        CliTestSupport.Result m = run("metrics", "--target", TestFiles.REAL_KSPACE.resolve("pulseq_phantom_16ch.h5").toString(),
                "--recon", recon.toString());
        assertThat(m.code()).isEqualTo(1);
        assertThat(m.err()).contains("pulseq_phantom_16ch.h5").contains("shape [1, 64, 64]");
    }

    @Test
    void badInputsExitOneWithAClearMessageAndNoOutput() throws IOException {
        Path notH5 = tmp.resolve("text.h5");
        Files.writeString(notH5, "plain text");
        Path truncated = tmp.resolve("truncated.h5");
        byte[] all = Files.readAllBytes(TestFiles.REAL_KSPACE.resolve("pulseq_phantom_16ch.h5"));
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length - 100_000));
        String[][] cases = {
                {notH5.toString(), "text.h5", "not a readable HDF5 file"},
                {truncated.toString(), "truncated.h5", "truncated"},
                {TestFiles.FIXTURES.resolve("no_kspace.h5").toString(), "no_kspace.h5", "no 'kspace' dataset"},
                {TestFiles.FIXTURES.resolve("kspace_rank2.h5").toString(), "kspace_rank2.h5", "rank 2"},
                {TestFiles.FIXTURES.resolve("nan_kspace.h5").toString(), "nan_kspace.h5", "NaN"},
        };
        for (String[] c : cases) {
            Path outDir = Files.createDirectories(tmp.resolve("out-" + c[1]));
            CliTestSupport.Result r = run("zerofill", c[0], "--out", outDir.resolve("r.h5").toString());
            assertThat(r.code()).as(c[1]).isEqualTo(1);
            assertThat(r.err()).as(c[1]).startsWith("error: ").contains(c[1]).contains(c[2]);
            assertThat(r.err().trim().lines().count()).as(c[1]).isEqualTo(1);
            try (var files = Files.list(outDir)) {
                assertThat(files.toList()).as(c[1] + " leaves no output").isEmpty();
            }
        }
        CliTestSupport.Result info = run("info", TestFiles.FIXTURES.resolve("kspace_rank2.h5").toString());
        assertThat(info.code()).isEqualTo(1);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("zerofill", "x.h5", "--out", "y.h5", "--bogus").code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
    }

    @Test
    void maskPrintsA2DMaskRowByRow() {
        CliTestSupport.Result r = run("mask", "--type", "variable-density-2d", "--accelerations", "4", "--center-fractions", "0.08",
                "--width", "48", "--height", "40", "--seed", "3");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().trim().split("\n");
        assertThat(lines).hasSize(41);
        long ones = 0;
        for (int i = 0; i < 40; i++) {
            assertThat(lines[i]).hasSize(48).matches("[01]+");
            ones += lines[i].chars().filter(c -> c == '1').count();
        }
        assertThat(lines[40]).startsWith("sampled=" + ones + " realised_acceleration=");
        assertThat(run("mask", "--type", "variable-density-2d", "--accelerations", "4", "--center-fractions", "0.08",
                "--width", "48", "--seed", "3").err()).contains("--height");
        assertThat(run("mask", "--type", "equispaced", "--accelerations", "4", "--center-fractions", "0.08",
                "--width", "48", "--height", "4", "--seed", "3").code()).isEqualTo(2);
    }

    /** The compressed-sensing baseline from the command line, on simulated data, with a column and a 2-D mask. */
    @Test
    void compressedSensingBeatsZeroFillingOnSimulatedData() throws IOException {
        Path sim = tmp.resolve("sim");
        assertThat(run("simulate", "--distributions", "brain-t2-3T-16ch", "--volumes", "1", "--slices", "1", "--matrix", "64",
                "--out", sim.toString()).code()).isZero();
        for (String mask : new String[]{"equispaced", "variable-density-2d"}) {
            Path zf = tmp.resolve("zf-" + mask), cs = tmp.resolve("cs-" + mask);
            CliTestSupport.Result z = run("zerofill", sim.toString(), "--out", zf.toString(), "--mask", mask);
            assertThat(z.code()).as(z.err()).isZero();
            CliTestSupport.Result c = run("reconstruct", "--model", "cs:reg=tv,iterations=100", sim.toString(), "--out", cs.toString(),
                    "--mask", mask);
            assertThat(c.code()).as(c.err()).isZero();
            JsonNode prov = new ObjectMapper().readTree(cs.resolve("provenance.json").toFile());
            assertThat(prov.get("model").asText()).contains("cs-tv-l0.001-i100");
            assertThat(prov.get("mask").asText()).contains(mask);
            double ssimZf = ssim(zf, sim), ssimCs = ssim(cs, sim);
            assertThat(ssimCs).as(mask).isGreaterThan(ssimZf + 0.02); // measured +0.10 (columns), +0.04 (2-D)
        }
        Path catalog = tmp.resolve("catalog.csv"), dist = tmp.resolve("t2.yaml");
        assertThat(run("catalog", sim.toString(), "--out", catalog.toString()).code()).isZero();
        Files.writeString(dist, "- {datasetName: brain-t2-3T-16ch}\n");
        CliTestSupport.Result train = run("train", "--model", "cs-tv", "--catalog", catalog.toString(),
                "--train", "t2=" + dist, "--out", tmp.resolve("run").toString());
        assertThat(train.code()).isEqualTo(2);
        assertThat(train.err()).contains("cs-tv has no weights to train");
        assertThat(run("reconstruct", "--model", "cs-tv", "--arch", "unet-small", sim.toString(), "--out", tmp.resolve("x").toString())
                .err()).contains("--arch is for checkpoints");
        assertThat(run("reconstruct", "--model", "unet-small", sim.toString(), "--out", tmp.resolve("y").toString()).err())
                .contains("no such checkpoint");
    }

    /**
     * Mixed precision from the command line: a bf16 run writes float32 checkpoints that differ from the fp32 run's
     * (autocast ran) while scoring alike on validation, and records its precision; fp16 is refused on the CPU.
     */
    @Test
    void aBfloat16RunTrainsWithFloat32CheckpointsAndRecordsItsPrecision() throws IOException {
        Path catalog = simulatedBrainCatalog(2), dist = tmp.resolve("t2.yaml");
        Files.writeString(dist, "- {datasetName: brain-t2-3T-16ch}\n");
        java.util.Map<String, Path> runs = new java.util.LinkedHashMap<>();
        for (String p : new String[]{"fp32", "bf16"}) {
            Path out = tmp.resolve("run-" + p);
            CliTestSupport.Result r = run("train", "--model", "unet", "--chans", "4", "--pools", "2", "--epochs", "1", "--catalog", catalog.toString(),
                    "--train", "t2=" + dist, "--validation-holdout", "0.5", "--precision", p, "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            runs.put(p, out);
        }
        assertThat(Files.readString(runs.get("bf16").resolve("config.yaml"))).contains("precision: \"bf16\"");
        assertThat(Files.readString(runs.get("bf16").resolve("run.json"))).contains("bf16 autocast forward");
        var a = org.robustmri.io.Safetensors.read(runs.get("fp32").resolve("checkpoints").resolve("last.safetensors")).tensors();
        var b = org.robustmri.io.Safetensors.read(runs.get("bf16").resolve("checkpoints").resolve("last.safetensors")).tensors();
        double diff = 0;
        for (String k : a.keySet()) {
            assertThat(b.get(k).scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            diff = Math.max(diff, a.get(k).sub(b.get(k)).abs().max().item_double());
        }
        assertThat(diff).isGreaterThan(0);
        double va = lastValidation(runs.get("fp32")), vb = lastValidation(runs.get("bf16"));
        assertThat(vb).isCloseTo(va, org.assertj.core.data.Offset.offset(0.02));
        CliTestSupport.Result changed = run("train", "--resume", runs.get("bf16").toString(), "--precision", "fp32", "--epochs", "2");
        assertThat(changed.code()).isNotZero();
        assertThat(changed.err()).contains("precision");
        CliTestSupport.Result half = run("train", "--model", "unet", "--chans", "4", "--pools", "2", "--epochs", "1", "--catalog", catalog.toString(),
                "--train", "t2=" + dist, "--precision", "fp16", "--out", tmp.resolve("run-fp16").toString());
        assertThat(half.code()).isNotZero();
        assertThat(half.err()).contains("fp16 needs a CUDA device");
    }

    /** The paper's own run config from the command line: its augment_data, masks and batching reach the run. */
    @Test
    void thePapersRunConfigTrainsWithItsAugmentationMasksAndBatching() throws IOException {
        Path catalog = simulatedBrainCatalog(1), config = tmp.resolve("unet-small_t2.yml");
        Files.writeString(config, Files.readString(Path.of("configs/paper/splits/training_examples/unet-small_pd.yml"))
                .replace("augment_data: False", "augment_data: True")
                .replaceFirst("(?s)train_attr:.*?\n\n", "train_attr:\n  - datasetName: brain-t2-3T-16ch\n\n"));
        Path out = tmp.resolve("paper-run");
        CliTestSupport.Result r = run("train", "--config", config.toString(), "--catalog", catalog.toString(), "--model", "unet",
                "--chans", "4", "--pools", "2", "--epochs", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String stored = Files.readString(out.resolve("config.yaml"));
        assertThat(stored).contains("augment: true").contains("batching: \"paper\"").contains("unet-small_t2:").contains("brain-t2-3T-16ch");
        assertThat(Files.readAllLines(out.resolve("train_log.csv"))).hasSizeGreaterThan(2);
    }

    /** A catalog of {@code volumes} simulated brain T2 volumes (2 slices, 32 x 32). */
    private Path simulatedBrainCatalog(int volumes) {
        Path sim = tmp.resolve("sim"), catalog = tmp.resolve("catalog.csv");
        assertThat(run("simulate", "--distributions", "brain-t2-3T-16ch", "--volumes", String.valueOf(volumes), "--slices", "2",
                "--matrix", "32", "--out", sim.toString()).code()).isZero();
        assertThat(run("catalog", sim.toString(), "--out", catalog.toString()).code()).isZero();
        return catalog;
    }

    private static double lastValidation(Path run) throws IOException {
        List<String> rows = Files.readAllLines(run.resolve("train_log.csv"));
        String[] last = rows.get(rows.size() - 1).split(",", -1);
        return Double.parseDouble(last[4]);
    }

    private static double ssim(Path recon, Path target) throws IOException {
        CliTestSupport.Result m = run("metrics", "--target", target.toString(), "--recon", recon.toString(), "--json");
        assertThat(m.code()).as(m.err()).isZero();
        return new ObjectMapper().readTree(m.out()).at("/summary/ssim_volume/value").asDouble();
    }

    /** The 4x / 0.08 case of a real sample in the independent zero-fill golden. */
    private static JsonNode zeroFillGolden(String file) throws IOException {
        for (JsonNode c : new ObjectMapper().readTree(Path.of("src/test/resources/golden/zerofill.json").toFile()).get("cases")) {
            if (c.get("file").asText().equals(file) && c.get("acceleration").asInt() == 4) return c;
        }
        throw new AssertionError("no golden for " + file);
    }
}
