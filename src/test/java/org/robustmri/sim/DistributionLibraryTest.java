package org.robustmri.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistributionLibraryTest {
    @TempDir
    Path tmp;

    static final List<String> REQUIRED_NAMES = List.of("brain-t2-3T-16ch", "brain-flair-3T-16ch", "brain-t1-1.5T-8ch",
            "brain-t1post-1.5T-12ch", "knee-pd-3T-15ch", "knee-pdfs-3T-15ch", "knee-pd-1.5T-15ch", "knee-pdfs-1.5T-8ch");

    @Test
    void builtInLibraryHasTheNamedDistributionsWithConsistentParameters() {
        DistributionLibrary lib = DistributionLibrary.builtIn();
        assertThat(lib.names()).containsAll(REQUIRED_NAMES).hasSizeGreaterThanOrEqualTo(8);
        for (DistributionRecipe d : lib.all()) {
            // the name encodes anatomy, contrast, field and coils; the parameters must agree with it
            String[] parts = d.name().split("-");
            assertThat(parts[0]).isEqualTo(d.anatomy().id());
            assertThat(parts[1]).isEqualTo(d.contrast().id());
            assertThat(parts[2]).isEqualTo(fieldLabel(d.fieldStrengthT()));
            assertThat(parts[3]).isEqualTo(d.coils() + "ch");
            assertThat(d.model()).doesNotContainIgnoringCase("prisma").doesNotContainIgnoringCase("skyra")
                    .doesNotContainIgnoringCase("signa").doesNotContainIgnoringCase("achieva");
        }
        DistributionRecipe flair = lib.get("brain-flair-3T-16ch");
        assertThat(flair.tiMs()).isPositive();
        // the FLAIR inversion time nulls CSF within 1 % of fully relaxed water
        assertThat(Math.abs(SignalModel.signal(Tissue.CSF, flair))).isLessThan(0.01);
        assertThat(lib.get("knee-pd-3T-15ch-lowsnr").snr()).isLessThan(lib.get("knee-pd-3T-15ch").snr());
        assertThat(lib.get("knee-pd-3T-15ch-lowsnr").protocol()).isEqualTo("CORPD_FBK"); // inherited via base
    }

    private static String fieldLabel(double t) {
        return (t == Math.rint(t) ? String.valueOf((int) t) : String.valueOf(t)) + "T";
    }

    @Test
    void userFileOverridesByNameDerivesFromBaseAndAddsEntries() throws IOException {
        Path yaml = tmp.resolve("mine.yaml");
        Files.writeString(yaml, """
                distributions:
                  brain-t2-3T-16ch:
                    snr: 20
                  my-knee:
                    base: knee-pd-3T-15ch
                    coils: 8
                    vendor: Example Vendor
                  my-brain:
                    anatomy: brain
                    contrast: t1
                    field_strength_t: 0.55
                    coils: 4
                    tr_ms: 450
                    te_ms: 10
                    snr: 30
                    vendor: Example Vendor
                    model: Example Low Field
                    protocol: AXT1
                    sequence_type: SpinEcho
                    scaling: 1e-3
                """);
        DistributionLibrary lib = DistributionLibrary.load(yaml);
        DistributionRecipe t2 = lib.get("brain-t2-3T-16ch");
        assertThat(t2.snr()).isEqualTo(20);
        assertThat(t2.coils()).isEqualTo(16);
        assertThat(t2.protocol()).isEqualTo("AXT2");
        DistributionRecipe knee = lib.get("my-knee");
        assertThat(knee.coils()).isEqualTo(8);
        assertThat(knee.contrast()).isEqualTo(Contrast.PD);
        assertThat(knee.vendor()).isEqualTo("Example Vendor");
        DistributionRecipe mine = lib.get("my-brain");
        assertThat(mine.fieldStrengthT()).isEqualTo(0.55);
        assertThat(mine.scaling()).isEqualTo(1e-3);
        assertThat(mine.fovMm()).isEqualTo(Anatomy.BRAIN.defaultFovMm());
        assertThat(lib.names()).endsWith("my-knee", "my-brain");
        // the built-in library itself is unchanged
        assertThat(DistributionLibrary.builtIn().get("brain-t2-3T-16ch").snr()).isNotEqualTo(20);
    }

    @Test
    void unknownDistributionNameListsTheKnownOnes() {
        DistributionLibrary lib = DistributionLibrary.builtIn();
        assertThatThrownBy(() -> lib.get("brain-t3-7T-64ch"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown distribution 'brain-t3-7T-64ch'")
                .hasMessageContaining("brain-t2-3T-16ch").hasMessageContaining("knee-pdfs-1.5T-8ch");
        assertThatThrownBy(() -> lib.resolve(List.of("knee-pd-3T-15ch", "knee-pd-3T-15ch")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsNamingFileEntryAndKey() {
        DistributionLibrary lib = DistributionLibrary.builtIn();
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-t2-3T-16ch:\n    snrr: 3\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("f.yaml").hasMessageContaining("brain-t2-3T-16ch")
                .hasMessageContaining("unknown key 'snrr'").hasMessageContaining("allowed keys");
        assertThatThrownBy(() -> lib.withYaml("distribution:\n  x:\n    snr: 3\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown top-level key 'distribution'");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  new-one:\n    snr: 3\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing required key(s)")
                .hasMessageContaining("anatomy");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-t2-3T-16ch:\n    coils: many\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'coils' must be a number");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-t2-3T-16ch:\n    coils: 0\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coils must be in [1, 64]");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-t2-3T-16ch:\n    contrast: dwi\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown contrast 'dwi'");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-t2-3T-16ch:\n    snr: 3\n    snr: 4\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("f.yaml");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  x:\n    base: nothing\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base 'nothing' is not a known distribution");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-flair-3T-16ch:\n    ti_ms: 0\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flair needs an inversion time");
        assertThatThrownBy(() -> lib.withYaml("distributions:\n  brain-t2-3T-16ch:\n    coils: [1\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("f.yaml: not valid YAML at line 3")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> lib.withYaml("distributions: [1, 2]\n", "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a mapping");
        assertThatThrownBy(() -> DistributionLibrary.load(tmp.resolve("absent.yaml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }
}
