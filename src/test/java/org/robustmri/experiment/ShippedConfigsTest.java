package org.robustmri.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every shipped config (the paper's setups on its split CSVs, and their simulated counterparts) validates. */
class ShippedConfigsTest {
    @TempDir
    Path tmp;

    @Test
    void everyShippedConfigPassesDryRun() throws Exception {
        List<Path> configs;
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("configs", "paper")), Files.list(Path.of("configs", "sim")))) {
            configs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(configs).hasSizeGreaterThanOrEqualTo(7);
        for (Path c : configs) {
            CliTestSupport.Result r = CliTestSupport.run("experiment", c.toString(), "--dry-run", "--no-probe",
                    "--out", tmp.resolve(c.getFileName().toString()).toString());
            assertThat(r.code()).as(c + ": " + r.err()).isZero();
            assertThat(r.out()).contains("run(s)").contains("training steps");
            if (c.startsWith(Path.of("configs", "paper"))) {
                // the paper's CSVs name the authors' files: the plan says how many were found under the data root
                assertThat(r.out()).contains("data files: 0 of");
            }
        }
    }

    @Test
    void theEmbeddedDemoPassesDryRun() throws Exception {
        for (String name : java.util.List.of("demo.yaml", "demo-quick.yaml")) {
            Path c = tmp.resolve(name);
            try (var in = Experiment.class.getResourceAsStream(name)) {
                Files.write(c, in.readAllBytes());
            }
            // the full demo tests on the real brain scan the demo command writes next to its config
            Files.createDirectories(tmp.resolve("real-kspace"));
            for (String f : java.util.List.of("catalog.csv", "pulseq_invivo_brain_16ch.h5")) {
                try (var in = Experiment.class.getResourceAsStream("real-kspace/" + f)) {
                    Files.write(tmp.resolve("real-kspace").resolve(f), in.readAllBytes());
                }
            }
            CliTestSupport.Result r = CliTestSupport.run("experiment", c.toString(), "--dry-run", "--no-probe", "--out", tmp.resolve("out-" + name).toString());
            assertThat(r.code()).as(name + ": " + r.err()).isZero();
            assertThat(r.out()).contains("varnet-").contains("vit-").contains("unet-");
        }
    }
}
