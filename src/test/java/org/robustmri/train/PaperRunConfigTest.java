package org.robustmri.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The paper's run configs (training_examples/*.yml) read as training configs. */
class PaperRunConfigTest {
    private static final Path PD_PDFS = Path.of("configs/paper/splits/training_examples/unet-small_pd-pdfs.yml");

    @Test
    void aShippedPaperConfigGivesItsRecipeCatalogAndDistribution() {
        TrainSpec s = TrainSpec.read(PD_PDFS);
        // the file's values: model unet-small, lr 0.001, batch_size 1, num_epochs 60, augment_data False, accl_factors [4]
        assertThat(s.model()).isEqualTo("unet-small");
        assertThat(s.lr()).isEqualTo(0.001);
        assertThat(s.batchSize()).isEqualTo(1);
        assertThat(s.epochs()).isEqualTo(60);
        assertThat(s.augmenting()).isFalse();
        assertThat(s.batching()).isEqualTo("paper");
        assertThat(s.mask()).isEqualTo(new TrainSpec.Mask("equispaced", List.of(4.0), List.of(0.08)));
        // trainset_csv dataset_csv/fastmri_sliced/train/seed_0/trainset_01.csv, dataset_csv being configs/paper/splits
        assertThat(s.catalogs()).containsExactly(Path.of("configs/paper/splits/fastmri_sliced/train/seed_0/trainset_01.csv").toAbsolutePath().toString());
        assertThat(s.train()).containsOnlyKeys("unet-small_pd-pdfs");
        assertThat(s.train().get("unet-small_pd-pdfs")).hasSize(6);
        assertThat(s.train().get("unet-small_pd-pdfs").get(0).get("protocolName").asText()).isEqualTo("CORPDFS_FBK");
        s.validate();
    }

    @Test
    void augmentDataAndSeveralAccelerationsAreRead(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("mine.yml");
        Files.writeString(f, Files.readString(PD_PDFS).replace("augment_data: False", "augment_data: True")
                .replace("accl_factors:\n  - 4", "accl_factors:\n  - 4\n  - 8"));
        TrainSpec s = TrainSpec.read(f);
        assertThat(s.augmenting()).isTrue();
        assertThat(s.mask()).isEqualTo(new TrainSpec.Mask("equispaced", List.of(4.0, 8.0), List.of(0.08, 0.04)));
        // the CSV is not next to this copy: the paper's own location, which --catalog replaces
        assertThat(s.catalogs().get(0)).endsWith(Path.of("dataset_csv/fastmri_sliced/train/seed_0/trainset_01.csv").toString());
        Files.writeString(f, Files.readString(PD_PDFS).replace("accl_factors:\n  - 4", "accl_factors:\n  - 5"));
        assertThatThrownBy(() -> TrainSpec.read(f)).hasMessageContaining("accl_factors 5");
    }
}
